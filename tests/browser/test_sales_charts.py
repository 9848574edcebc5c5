"""The sales report's charts in Chromium, on a desktop and a phone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sales.models import Reseller
from sales.services import facts
from tests.browser.conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]


@pytest.fixture
def month_of_sales(acme, operator):
    """Sales on several days of the last 30, recorded through the fact functions."""
    from radius.models import RadiusServer
    from vouchers.models import VoucherProfile
    from vouchers.services.generate import generate_batch

    server = RadiusServer.objects.create(organization=acme, name="main", host="127.0.0.1",
                                         nas_secret="s", agent_url="http://127.0.0.1:9/")
    profile = VoucherProfile.objects.get(organization=acme, name="1 day 1 GB")
    profile.price = Decimal("100")
    profile.save()
    vouchers = list(generate_batch(acme, profile, 60, radius_server=server).vouchers.all())
    kiosk = Reseller.objects.create(organization=acme, name="Kiosk")
    now = timezone.now()
    for i, voucher in enumerate(vouchers):
        at = now - dt.timedelta(days=i % 20, hours=i % 5)
        if i % 3 == 0:
            facts.sold([voucher], "reseller", reseller=kiosk, price=Decimal("80"), at=at)
        else:
            facts.sold([voucher], "counter", by=operator, at=at)
        if i % 4 != 0:
            facts.activated({voucher.pk: at + dt.timedelta(hours=1)})
    return now


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_charts_render_at_desktop_and_phone_widths(logged_in, month_of_sales,
                                                              width, request):
    page, name = logged_in, request.node.name
    page.set_viewport_size({"width": width, "height": 900})
    today = timezone.now().date()
    loaded = []
    page.on("response", lambda r: loaded.append((r.url, r.status)))
    page.goto(f"/sales/?start={today - dt.timedelta(days=29)}&end={today}&grain=day")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(3)
    for i in range(3):
        box = charts.nth(i).bounding_box()
        assert box["width"] > 200 and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["height"] > box["width"] / 4  # the viewBox keeps its proportions
    bars = page.locator("svg.chart").first.locator("rect")
    assert bars.count() >= 20  # a bar per day with sales
    # Nothing runs and nothing external loads: the charts are inline SVG.
    assert page.locator("main script").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.locator('[data-total="sold"]')).to_have_text("60")
    # Only the product's own page, stylesheet and scripts load (the browser's favicon
    # guess aside); no font, script or image from anywhere else.
    base = page.url.split("/sales/")[0]
    assert all(url.startswith(base) for url, _ in loaded), loaded
    assert all(status < 400 for url, status in loaded if not url.endswith("favicon.ico"))
    shoot(page, name, f"report-{width}")
    page.locator("svg.chart").first.scroll_into_view_if_needed()
    shoot(page, name, f"revenue-chart-{width}", full_page=False)
