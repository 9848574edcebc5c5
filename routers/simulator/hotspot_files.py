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

MD5_JS = r"""/* MD5 (RFC 1321) of a string whose characters are bytes (0-255), as lowercase hex. */
function hexMD5(s) {
  function add(x, y) {
    var l = (x & 0xFFFF) + (y & 0xFFFF);
    return (((x >> 16) + (y >> 16) + (l >> 16)) << 16) | (l & 0xFFFF);
  }
  function rol(n, c) { return (n << c) | (n >>> (32 - c)); }
  var K = [], S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21], i, j;
  for (i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;
  var n = s.length, total = (((n + 8) >> 6) + 1) * 16, w = [];
  for (i = 0; i < total; i++) w[i] = 0;
  for (i = 0; i < n; i++) w[i >> 2] |= (s.charCodeAt(i) & 0xFF) << ((i % 4) * 8);
  w[n >> 2] |= 0x80 << ((n % 4) * 8);
  w[total - 2] = n * 8;
  var a = 1732584193, b = -271733879, c = -1732584194, d = 271733878;
  for (i = 0; i < total; i += 16) {
    var A = a, B = b, C = c, D = d;
    for (j = 0; j < 64; j++) {
      var r = j >> 4, f, g;
      if (r === 0) { f = (B & C) | (~B & D); g = j; }
      else if (r === 1) { f = (B & D) | (C & ~D); g = (5 * j + 1) % 16; }
      else if (r === 2) { f = B ^ C ^ D; g = (3 * j + 5) % 16; }
      else { f = C ^ (B | ~D); g = (7 * j) % 16; }
      var t = D; D = C; C = B;
      B = add(B, rol(add(add(A, f), add(K[j], w[i + g])), S[(r << 2) | (j & 3)]));
      A = t;
    }
    a = add(a, A); b = add(b, B); c = add(c, C); d = add(d, D);
  }
  var hex = "", words = [a, b, c, d];
  for (i = 0; i < 4; i++)
    for (j = 0; j < 4; j++)
      hex += ("0" + ((words[i] >> (j * 8)) & 0xFF).toString(16)).slice(-2);
  return hex;
}
"""

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
