"""RouterOS rate limits (Mikrotik-Rate-Limit), checked once for the form and the agent.

RouterOS reads `rx[/tx] [burst-rate [burst-threshold [burst-time [priority [min-rate]]]]]`
from the router's side (rx is what the client uploads). A value it cannot parse is not
refused by FreeRADIUS: the user logs in with no limit at all, so a typo like "fast" must
be refused where it is typed (the profile form) and where it arrives (the agent API).
"""

from __future__ import annotations

import re

# A rate: a whole number of bits per second with an optional k, M or G (RouterOS's units).
RATE_RE = re.compile(r"^[0-9]{1,10}[kKMG]?$")
SECONDS_RE = re.compile(r"^[0-9]{1,6}$")
# What each space-separated part holds after the first (the rx/tx rate itself).
PARTS = ("burst rate", "burst threshold", "burst time", "priority", "minimum rate")
MAX_LENGTH = 100


class RateLimitError(ValueError):
    """A rate limit RouterOS would not understand; the message says what to type."""


def check_rate(value: str, what: str = "rate") -> str:
    """One rate, e.g. "512k", "2M", "1G" or "64000"; returns it, or raises RateLimitError."""
    value = (value or "").strip()
    if not RATE_RE.match(value):
        raise RateLimitError(
            f"The {what} {value!r} is not a RouterOS rate: write a number of bits per "
            "second with k, M or G, e.g. 512k, 2M or 1G.")
    return value


def _pair(part: str, what: str, check) -> None:
    halves = part.split("/")
    if len(halves) > 2:
        raise RateLimitError(f"The {what} {part!r} has more than one '/': write rx/tx, "
                             "e.g. 2M/5M.")
    for half in halves:
        check(half, what)


def _seconds(value: str, what: str) -> str:
    if not SECONDS_RE.match(value):
        raise RateLimitError(f"The {what} {value!r} must be whole seconds, e.g. 10.")
    return value


def check_rate_limit(value: str) -> str:
    """A whole Mikrotik-Rate-Limit value; returns it, or raises RateLimitError."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_LENGTH:
        raise RateLimitError(f"A rate limit is text of 1 to {MAX_LENGTH} characters, "
                             "e.g. 2M/5M.")
    parts = value.split()
    if len(parts) > 1 + len(PARTS):
        raise RateLimitError("A rate limit has at most six parts: rx/tx burst-rate "
                             "burst-threshold burst-time priority min-rate.")
    _pair(parts[0], "rate", check_rate)
    for what, part in zip(PARTS, parts[1:], strict=False):
        if what == "burst time":
            _pair(part, what, _seconds)
        elif what == "priority":
            if not part.isdigit() or not 1 <= int(part) <= 8:
                raise RateLimitError(f"The priority {part!r} must be 1 to 8.")
        else:
            _pair(part, what, check_rate)
    return value

