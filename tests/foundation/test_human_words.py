"""What operators read: no internal names, one date format, limits in units."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.utils import timezone

from provisioning.forms import validate_choices
from routers.choices import RouterStatus
from tests.provisioning.helpers import HOTSPOT, PPPOE


def render(text, **context):
    return Template(text).render(Context(context))


def test_one_date_format_and_human_units():
    moment = timezone.make_aware(dt.datetime(2026, 11, 29, 14, 51, 5))
    assert render("{{ t|when }}", t=moment) == (
        f'<time datetime="{moment.isoformat()}">2026-11-29 14:51</time>')
    assert render("{{ t|when }}", t="2026-11-29T14:51:05+00:00").endswith(
        ">2026-11-29 14:51</time>")  # the services header's "read" time: a date and a space
    assert render("{{ t|when }}", t=None) == "—"
    assert render("{{ s|seconds }}", s=2592000) == "30 days"
    assert render("{{ s|seconds }}", s=5400) == "1 hour 30 minutes"
    assert render("{{ b|bytes_human }}", b=2 * 2**30) == "2 GB"
    assert render("{{ b|bytes_human }}", b=1536 * 2**20) == "1.5 GB"
    assert render("{{ s|router_status }}", s="config_pending") == "Waiting for initial script"
    assert render("{{ k|import_kind }}", k="ppp_secrets") == "PPP secrets"
    assert render("{{ k|import_kind }}", k="hotspot_profiles") == "Hotspot user profiles"
    assert render("{{ s|label }}", s="verifying_deployment") == "Verifying deployment"


def test_status_history_in_words(alice_client, make_router):
    router = make_router("gw", status=RouterStatus.CONFIG_PENDING)
    router.set_status(RouterStatus.PROBING, "probe started")
    page = alice_client.get(f"/routers/{router.pk}/").content.decode()
    assert "Waiting for initial script → <strong>Probing</strong>" in page
    assert "config_pending" not in page


def test_overlap_errors_name_the_pool_not_the_field():
    facts = {"interfaces": [{"name": "ether2"}, {"name": "ether3"}], "addresses": [],
             "pools": []}
    data = {**HOTSPOT, **PPPOE, "pppoe_ip_pool": "10.5.50.100-10.5.50.120"}
    _, errors = validate_choices(data, facts, [])
    text = " ".join(errors["pppoe_ip_pool"])
    assert "the hotspot pool on ether2" in text
    assert "hotspot_pool_ether2" not in text


def test_the_admin_says_voucher_batches(client, acme):
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    page = client.get("/admin/").content.decode()
    assert "Voucher batches" in page and "Voucher batchs" not in page
