"""The hotspot's own page set: what a client sees from the login to the logout.

RouterOS's hotspot servlet serves these from the profile's `html-directory` and fills in
`$(variable)`s and `$(if ...)` blocks (MikroTik's "Hotspot customisation" manual). The
pages are written to the documented variables:

- login.html posts `username`, `password`, `dst`, `popup` to `$(link-login-only)`. With
  http-chap among the login methods, `password` must be "MD5 hash of chap-id variable,
  password, and CHAP challenge" (same manual): the page loads `/md5.js` (RouterOS's
  `hexMD5()` contract) and posts `hexMD5('$(chap-id)' + password + '$(chap-challenge)')`.
  RouterOS prints chap-id and chap-challenge as octal escapes (`\\311...`), which a
  JavaScript string literal turns into the raw bytes MD5 needs. Without http-chap the page
  posts the password as typed (PAP). `$(if chap-id)` keeps the CHAP script out when the
  router offers no challenge (https, or only http-pap).
- alogin.html (after a login), status.html (time and data left where RADIUS sent limits:
  `session-time-left`, `remain-bytes-total`), logout.html, error.html, and redirect.html /
  rlogin.html (the servlet's redirects): a custom html-directory must hold every page it
  is asked for (the manual: "If it is not possible to meet a request using the pages
  stored on the router's FTP server, Error 404 is displayed").
- md5.js: the same `hexMD5(s)` RouterOS's default pages carry (RFC 1321 over the string's
  bytes). Shipped with the set because a custom html-directory serves only its own files.

The operator's text (portal title) is HTML-escaped, and `$` becomes `&#36;` so a title can
never start a RouterOS `$(...)` expression. Colours are validated `#rrggbb` values.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

MD5_FILE = Path(__file__).resolve().parents[2] / "routers" / "routeros" / "md5.js"
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f6feb"
DEFAULT_BACKGROUND = "#f4f6f8"

# RouterOS's hexMD5() contract; one copy, read by the simulator's default pages too.
MD5_JS = MD5_FILE.read_text()

CHAP_SCRIPT = """$(if chap-id)<script src="/md5.js"></script>
<script>
function doLogin() {
  var f = document.login;
  f.password.value = hexMD5('$(chap-id)' + f.password.value + '$(chap-challenge)');
  return true;
}
</script>$(endif)"""


def text(value: str) -> str:
    """Operator text for a page: HTML-escaped, and no `$` for RouterOS to expand."""
    return html.escape(value or "", quote=True).replace("$", "&#36;")


def colour(value: str, default: str) -> str:
    return value if COLOUR_RE.match(value or "") else default


def _page(title: str, colours: tuple[str, str], body: str, head: str = "") -> str:
    accent, background = colours
    return (
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{title}</title>{head}<style>"
        f"body{{font-family:sans-serif;background:{background};margin:0;padding:2em}}"
        "main{max-width:24em;margin:auto;background:#fff;padding:1.5em;border-radius:8px}"
        f"h1{{color:{accent};font-size:1.4em}}"
        f"button,.button{{background:{accent};color:#fff;border:0;padding:.6em 1.2em;"
        "border-radius:4px;text-decoration:none}"
        "label{display:block;margin:.6em 0}input{width:100%;padding:.4em}"
        ".error{color:#a00}</style></head>"
        f"<body><main><h1>{title}</h1>{body}</main></body></html>\n"
    )


def pages(title: str, login_by: list[str], accent: str = "", background: str = "") -> dict:
    """{file name: contents} of the page set for a hotspot with these login methods."""
    t = text(title)
    colours = (colour(accent, DEFAULT_COLOUR), colour(background, DEFAULT_BACKGROUND))
    chap = "http-chap" in login_by
    login = _page(t, colours, head=CHAP_SCRIPT if chap else "", body=(
        "<form name=\"login\" action=\"$(link-login-only)\" method=\"post\""
        + (" $(if chap-id)onsubmit=\"return doLogin()\"$(endif)" if chap else "") + ">"
        "<input type=\"hidden\" name=\"dst\" value=\"$(link-orig)\">"
        "<input type=\"hidden\" name=\"popup\" value=\"true\">"
        "<label>Voucher code <input name=\"username\" value=\"$(username)\" "
        "autocomplete=\"username\" autofocus></label>"
        "<label>Password <input name=\"password\" type=\"password\" "
        "autocomplete=\"current-password\"></label>"
        "<button type=\"submit\">Connect</button></form>"
        "$(if error)<p class=\"error\">$(error)</p>$(endif)"))
    return {
        "login.html": login,
        "alogin.html": _page(t, colours, head=(
            "<meta http-equiv=\"refresh\" content=\"2; url=$(link-redirect)\">"), body=(
            "<p>You are connected.</p>"
            "<p><a class=\"button\" href=\"$(link-status)\">Time and data left</a></p>")),
        "status.html": _page(t, colours, head=(
            "$(if refresh-timeout)<meta http-equiv=\"refresh\" "
            "content=\"$(refresh-timeout-secs)\">$(endif)"), body=(
            "<p>Connected as <b>$(username)</b> ($(ip)) for $(uptime).</p>"
            "$(if session-time-left)<p>Time left: <b>$(session-time-left)</b></p>$(endif)"
            "$(if remain-bytes-total)<p>Data left: <b>$(remain-bytes-total-nice)</b></p>"
            "$(endif)<p>Used: $(bytes-in-nice) down, $(bytes-out-nice) up.</p>"
            "<form action=\"$(link-logout)\" name=\"logout\" method=\"post\">"
            "<button type=\"submit\">Log out</button></form>")),
        "logout.html": _page(t, colours, body=(
            "<p>You are logged out ($(username), $(uptime), $(bytes-in-nice) down, "
            "$(bytes-out-nice) up).</p>"
            "<p><a class=\"button\" href=\"$(link-login)\">Log in again</a></p>")),
        "error.html": _page(t, colours, body=(
            "<p class=\"error\">$(error)</p>"
            "<p><a class=\"button\" href=\"$(link-login-only)\">Back to the login</a></p>")),
        "redirect.html": _page(t, colours, head=(
            "<meta http-equiv=\"refresh\" content=\"0; url=$(link-redirect)\">"), body=(
            "<p><a href=\"$(link-redirect)\">Continue</a></p>")),
        "rlogin.html": _page(t, colours, head=(
            "<meta http-equiv=\"refresh\" content=\"0; url=$(link-redirect)\">"), body=(
            "<p><a href=\"$(link-redirect)\">Continue</a></p>")),
        "md5.js": MD5_JS,
    }
