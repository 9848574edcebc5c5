"""What the product accepts as a subscriber's username, MAC and addresses.

Usernames: what a RouterOS PPP secret name may be and FreeRADIUS's radcheck holds: 1-64
printable characters (quotes, $, spaces inside, any script), no control characters, no
leading or trailing space. They are SQL parameters everywhere, never statement text.
"""

from __future__ import annotations

import re
import unicodedata

MAC_RE = re.compile(r"^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# FreeRADIUS's shipped filter_username policy rejects these before SQL is read: such a
# subscriber migrates, but cannot log in through RADIUS (its router secret stays enabled).
RADIUS_UNSERVABLE = (
    (re.compile(r"\s"), "contains whitespace"),
    (re.compile(r"@[^@]*@"), "has more than one @"),
    (re.compile(r"\.\."), "contains .."),
    (re.compile(r"\.$"), "ends with a dot"),
    (re.compile(r"@\."), "has a realm starting with a dot"),
    # FreeRADIUS 3 escapes " and \ when it expands %{User-Name} into its SQL user name,
    # so the radcheck lookup never finds the row (measured with Debian's 3.2.1).
    (re.compile(r'["\\]'), 'contains " or \\'),
)


class Invalid(ValueError):
    """Bad input; the message says what to change."""


def username(value) -> str:
    if not isinstance(value, str) or not value:
        raise Invalid("a username is required")
    if len(value) > 64:
        raise Invalid("a username is at most 64 characters (FreeRADIUS's limit)")
    if CONTROL_RE.search(value) or any(unicodedata.category(c) in ("Cs", "Cn") for c in value):
        raise Invalid("a username may not hold control or unassigned characters")
    if value != value.strip():
        raise Invalid("a username may not begin or end with a space")
    return value


def radius_problem(name: str) -> str:
    """Why FreeRADIUS (the shipped configuration) would refuse this name, or ''."""
    for pattern, why in RADIUS_UNSERVABLE:
        if pattern.search(name):
            return why
    if "@" in name and not re.search(r"@(.+)\.(.+)$", name):
        return "has a realm (after @) without a dot"
    return ""


def mac(value: str) -> str:
    """AA:BB:CC:DD:EE:FF (RouterOS's Calling-Station-Id for PPPoE), or ''."""
    value = (value or "").strip()
    if not value:
        return ""
    if not MAC_RE.match(value):
        raise Invalid(f"{value!r} is not a MAC address like AA:BB:CC:DD:EE:FF")
    digits = re.sub(r"[^0-9A-Fa-f]", "", value).upper()
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def password(value) -> str:
    if not isinstance(value, str) or not value:
        raise Invalid("a password is required")
    if len(value) > 128 or CONTROL_RE.search(value):
        raise Invalid("a password is at most 128 printable characters")
    return value
