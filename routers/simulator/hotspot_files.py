"""The servlet pages RouterOS copies into ``hotspot/`` when the hotspot is set up.

A real router lists hotspot, hotspot/alogin.html, api.json, css/style.css,
error.html, errors.txt, img/*.svg, login.html, logout.html, md5.js, radvert.html,
redirect.html, rlogin.html and status.html (a 6.49 /file print); on boards with a
flash directory they go under flash/hotspot. The texts here are the simulator's
own, written to the variables and form fields MikroTik's hotspot customisation
manual documents: login.html posts username, password, dst and popup, and with
CHAP the password field carries hexMD5(chap-id + password + chap-challenge), made
by md5.js (a plain RFC 1321 MD5 of a string of bytes).
"""

from __future__ import annotations

from pathlib import Path

# Plain RFC 1321 MD5 of a string of bytes, as RouterOS's md5.js computes it (one copy,
# routers/routeros/md5.js, which the product's own page set ships as well).
MD5_JS = (Path(__file__).resolve().parents[1] / "routeros" / "md5.js").read_text()

LOGIN_HTML = """<html><head><title>hotspot login</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<link rel="stylesheet" href="css/style.css">
$(if chap-id)<script src="/md5.js"></script>
<script>
function doLogin() {
  document.sendin.username.value = document.login.username.value;
  document.sendin.password.value = hexMD5('$(chap-id)' + document.login.password.value
                                          + '$(chap-challenge)');
  document.sendin.submit();
  return false;
}
</script>$(endif)
</head><body>
$(if chap-id)
<form name="sendin" action="$(link-login-only)" method="post" style="display:none">
<input type="hidden" name="username"><input type="hidden" name="password">
<input type="hidden" name="dst" value="$(link-orig)"><input type="hidden" name="popup" value="true">
</form>
$(endif)
<form name="login" action="$(link-login-only)" method="post"
 $(if chap-id) onSubmit="return doLogin()" $(endif)>
<input type="hidden" name="dst" value="$(link-orig)">
<input type="hidden" name="popup" value="true">
<input name="username" type="text" value="$(username)">
<input name="password" type="password">
<input type="submit" value="OK">
</form>
$(if error)<p class="error">$(error)</p>$(endif)
</body></html>
"""

PAGES = {
    "alogin.html": """<html><head><title>hotspot</title>
<meta http-equiv="refresh" content="2; url=$(link-redirect)"></head>
<body>You are logged in. $(if popup == 'true')<a href="$(link-status)">status</a>$(endif)
</body></html>
""",
    "api.json": '{"captive": $(if logged-in == \'yes\')false$(else)true$(endif), '
                '"user-portal-url": "$(link-login-only)"}\n',
    "css/style.css": "body { font-family: sans-serif; margin: 2em; }\n"
                     ".error { color: #a00; }\n",
    "error.html": """<html><head><title>hotspot error</title></head>
<body>$(error)<br><a href="$(link-login-only)">log in</a></body></html>
""",
    "errors.txt": "# messages the hotspot shows; $(error) in the pages\n"
                  "invalid-username = invalid username ($(username)): this MAC address is "
                  "not yours\n"
                  "chap-missing = web browser did not send challenge response (try again, "
                  "enable JavaScript)\n"
                  "invalid-password = invalid password\n",
    "img/user.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
                    '<circle cx="8" cy="5" r="3"/></svg>\n',
    "img/password.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
                        '<rect x="3" y="7" width="10" height="7"/></svg>\n',
    "login.html": LOGIN_HTML,
    "logout.html": """<html><head><title>hotspot logout</title></head>
<body>You have just logged off: $(username), $(uptime) online, $(bytes-in-nice) in,
$(bytes-out-nice) out.<br><a href="$(link-login)">log in</a></body></html>
""",
    "md5.js": MD5_JS,
    "radvert.html": """<html><head><title>advertisement</title></head>
<body><a href="$(link-orig)">continue</a></body></html>
""",
    "redirect.html": """<html><head><title>...</title>
<meta http-equiv="refresh" content="0; url=$(link-redirect)"></head><body></body></html>
""",
    "rlogin.html": """<html><head><title>...</title>
<meta http-equiv="refresh" content="0; url=$(link-redirect)"></head><body></body></html>
""",
    "status.html": """<html><head><title>hotspot status</title>
$(if refresh-timeout)<meta http-equiv="refresh" content="$(refresh-timeout-secs)">$(endif)
</head><body>Welcome $(username)! IP $(ip), $(uptime) online
$(if session-time-left), $(session-time-left) left$(endif)
$(if remain-bytes-total), $(remain-bytes-total-nice) left$(endif).
<form action="$(link-logout)" name="logout"><input type="submit" value="log off"></form>
</body></html>
""",
}
DIRECTORIES = ("css", "img")


def directory(state_flash: bool) -> str:
    return "flash/hotspot" if state_flash else "hotspot"
