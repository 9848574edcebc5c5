"""The portal's page set, deployed to a simulated router and driven in Chromium.

The pages are taken from the router's files after a real deploy, served the way
RouterOS's hotspot servlet serves them (tests/fidelity/servlet.py: variables filled in,
chap-id and chap-challenge as octal escapes of raw bytes), and a browser logs in. What
the browser posts is what RouterOS checks: with http-chap the MD5 CHAP response
md5(chap-id + password + chap-challenge) over bytes (MikroTik's hotspot customisation
manual), computed here independently; with http-pap the password itself.
"""

from __future__ import annotations

import hashlib
import os

import pytest

from provisioning.services.plan import Plan
from tests.browser.conftest import CHROMIUM, chromium_session
from tests.fidelity.servlet import Servlet, directory_files, render
from tests.provisioning.helpers import HOTSPOT, deploy, generate, online_router

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]

TITLE = 'Café <b>"Sun" & Co</b> $(chap-id) $(if error)x$(endif)'
PASSWORD = "pä55 word"  # non-ASCII: the browser sends UTF-8 bytes, as MD5 must see them


def deployed_pages(acme, routersim, login_methods, **extra):
    sim = routersim(version="7.16")
    router = online_router(acme, sim)
    config = generate(router, {**HOTSPOT, "login_methods": login_methods,
                               "portal_title": TITLE, "portal_colour": "#aa3300", **extra})
    dep = deploy(router)
    assert dep.status == "completed", dep.error
    plan = Plan.from_dict(config.plan)
    [profile] = [p for p in sim.items("/ip/hotspot/profile")
                 if p["name"].startswith(f"hs{plan.tag_id}")]
    directory = profile["html-directory"]
    assert directory == f"hs{plan.tag_id}"
    return directory_files(sim, directory)


@pytest.fixture
def chromium(monkeypatch):
    if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with chromium_session(monkeypatch) as browser:
        yield browser


def log_in(browser, servlet: Servlet, username: str, password: str) -> dict:
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(servlet.url + "/login")
    # The title is shown as written: escaped for HTML, and never expanded by RouterOS.
    assert page.locator("h1").text_content() == TITLE
    page.get_by_label("Voucher code").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Connect").click()
    assert servlet.received.wait(10), "the login form was never posted"
    page.wait_for_load_state()
    assert "You are connected" in page.content()  # alogin.html
    assert errors == []
    page.close()
    return servlet.posts[-1]


def test_http_chap_posts_the_md5_chap_response_routeros_expects(acme, routersim, chromium):
    files = deployed_pages(acme, routersim, ["http-chap", "cookie"])
    assert {"login.html", "alogin.html", "status.html", "logout.html", "error.html",
            "md5.js"} <= set(files)
    assert "#aa3300" in files["login.html"]
    # Bytes a careless page would mangle: NUL, 0x7f, 0x80, 0xff.
    chap_id, challenge = b"\xe3", bytes([0x00, 0x7F, 0x80, 0xFF, *range(0xF0, 0xFC)])
    with Servlet(files, chap=True, chap_id=chap_id, challenge=challenge) as servlet:
        sent = log_in(chromium, servlet, "VOUCHER42", "s3cret-Pass")
    assert sent["username"] == "VOUCHER42"
    assert sent["dst"] == "http://example.com/"
    assert sent["password"] == hashlib.md5(chap_id + b"s3cret-Pass" + challenge).hexdigest()


def test_http_chap_with_an_ascii_voucher_is_exactly_md5_of_id_password_challenge(
        acme, routersim, chromium):
    files = deployed_pages(acme, routersim, ["http-chap", "cookie"])
    chap_id, challenge = b"\x1f", bytes.fromhex("9c5e3b2a00ff10e7d4c3b2a198877665")
    with Servlet(files, chap=True, chap_id=chap_id, challenge=challenge) as servlet:
        sent = log_in(chromium, servlet, "k7m2p9", "k7m2p9")
    assert sent["password"] == hashlib.md5(chap_id + b"k7m2p9" + challenge).hexdigest()


def test_http_pap_posts_the_password_itself(acme, routersim, chromium):
    files = deployed_pages(acme, routersim, ["http-pap"])
    assert "md5.js" not in files["login.html"]  # no CHAP script without http-chap
    with Servlet(files, chap=False) as servlet:
        sent = log_in(chromium, servlet, "VOUCHER42", PASSWORD)
    assert sent["password"] == PASSWORD


def test_status_shows_time_and_data_left_only_where_radius_sent_them(acme, routersim):
    files = deployed_pages(acme, routersim, ["http-chap"])
    with Servlet(files, chap=False) as servlet:
        limited = render(files["status.html"], {**servlet.variables(), "username": "v1",
                                                 "session-time-left": "59m",
                                                 "remain-bytes-total": "1000",
                                                 "remain-bytes-total-nice": "1000 B"})
        unlimited = render(files["status.html"], {**servlet.variables(), "username": "v1"})
    assert "Time left: <b>59m</b>" in limited and "Data left: <b>1000 B</b>" in limited
    assert "Time left" not in unlimited and "Data left" not in unlimited
    assert "$(" not in limited
    for page in ("logout.html", "error.html", "alogin.html"):
        assert "&lt;b&gt;&quot;Sun&quot; &amp; Co&lt;/b&gt; &#36;(chap-id)" in files[page]
