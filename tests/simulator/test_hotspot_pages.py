"""The servlet pages a hotspot brings, and md5.js computing the CHAP answer RouterOS
expects (run in Chromium, checked against Python's MD5)."""

import hashlib
import os
import secrets

import pytest

from routers.routeros import RouterOSClient

pytestmark = pytest.mark.timeout(120)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def test_it_copies_the_default_pages_when_the_hotspot_is_set_up(routersim):
    router = routersim()
    with RouterOSClient(router.host, router.port, timeout=5) as ros:
        assert ros.print("/file") == []
        ros.add("/ip/hotspot", name="hs1", interface="ether2")
        files = {f["name"]: f for f in ros.print("/file")}
        ros.add("/ip/hotspot", name="hs2", interface="ether3")
        assert len(ros.print("/file")) == len(files)  # copied once
    assert files["hotspot"]["type"] == "directory"
    for page in ("login.html", "alogin.html", "status.html", "logout.html", "error.html",
                 "md5.js", "redirect.html", "rlogin.html"):
        assert f"hotspot/{page}" in files
    assert files["hotspot/login.html"]["type"] == ".html file"
    assert "$(chap-challenge)" in files["hotspot/login.html"]["contents"]
    assert "function hexMD5" in files["hotspot/md5.js"]["contents"]


def test_it_keeps_the_pages_under_flash_on_flash_boards(routersim):
    router = routersim(flash=True)
    router.add("/ip/hotspot", name="hs1", interface="ether2")
    names = [f["name"] for f in router.items("/file")]
    assert "flash/hotspot/login.html" in names and "hotspot/login.html" not in names
    assert router.item("/ip/hotspot/profile", name="default")["html-directory"] == "flash/hotspot"


def test_its_md5_js_gives_the_chap_answer_routeros_checks(routersim):
    from playwright.sync_api import sync_playwright

    router = routersim()
    router.add("/ip/hotspot", name="hs1", interface="ether2")
    md5_js = router.file("hotspot/md5.js")["contents"]
    cases = [(bytes([0o343]), b"pw", secrets.token_bytes(16)),
             (bytes([7]), "pässwörd-ü".encode("latin-1"), bytes(range(240, 256))),
             (b"\x00", b"x" * 120, secrets.token_bytes(16))]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.set_content(f"<script>{md5_js}</script>")
            for chap_id, password, challenge in cases:
                # The page joins chap-id, the password and chap-challenge as byte strings.
                parts = [p.decode("latin-1") for p in (chap_id, password, challenge)]
                answer = page.evaluate("(p) => hexMD5(p[0] + p[1] + p[2])", parts)
                assert answer == hashlib.md5(chap_id + password + challenge).hexdigest()
        finally:
            browser.close()
