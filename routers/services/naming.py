"""What RouterOS accepts as a router identity and API user name.

RouterOS user names must start with a letter or digit and may contain '*', '_',
'.' and '@' (MikroTik user docs). The product derives the API user `api-<name>`
from the identity, so the identity is held to the stricter of the two rules, plus
'-'. Quotes, '$', brackets, ';', spaces, control characters and non-ASCII are
refused: they are legal in an identity only when quoted, and a name the operator
has to type into Winbox or a terminal should not need quoting.
"""

import re

MAX_NAME_LENGTH = 40  # leaves room for the "api-" prefix within RouterOS' limits
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*\Z")
HOST_RE = re.compile(
    r"(?=.{1,253}\Z)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
    r"(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z"
)


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a router identity, or None when it can."""
    if not name:
        return "Enter a name."
    if len(name) > MAX_NAME_LENGTH:
        return f"Use at most {MAX_NAME_LENGTH} characters (this one has {len(name)})."
    if not NAME_RE.match(name):
        bad = sorted({c for c in name if not re.match(r"[A-Za-z0-9._@-]", c)})
        shown = ", ".join(repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
        if bad:
            return (f"RouterOS names may use letters A-Z, digits and . _ @ - only; "
                    f"remove {shown}.")
        return "Start the name with a letter or a digit."
    return None


def api_username(name: str) -> str:
    return f"api-{name}"


def host_problem(host: str) -> str | None:
    """Why `host` is not an IP address or DNS name, or None."""
    import ipaddress

    host = host.strip()
    if not host:
        return "Enter the address the server reaches the router at."
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if re.fullmatch(r"[0-9.]+", host):
        return f"{host} is not a valid IPv4 address."
    if not HOST_RE.match(host):
        return f"{host!r} is neither an IP address nor a DNS name."
    return None
