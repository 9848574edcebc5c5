"""RouterOS rate-limit syntax, validated before it reaches RADIUS or a router.

    rx[/tx] [rx-burst[/tx-burst] [rx-threshold[/tx-threshold] [rx-time[/tx-time]
    [priority [rx-min[/tx-min]]]]]]

rx/tx are from the router's side: rx is what the client uploads, tx what it downloads
(Mikrotik-Rate-Limit "2M/10M" is 2 Mbit/s up, 10 Mbit/s down). Rates are whole numbers
with an optional k or M (or G) suffix; times are seconds; priority is 1-8.
"""

from __future__ import annotations

import re

RATE_RE = re.compile(r"^([0-9]{1,10})([kKMG]?)$")
TIME_RE = re.compile(r"^([0-9]{1,6})s?$")
MULTIPLIER = {"": 1, "k": 1000, "K": 1000, "M": 1000**2, "G": 1000**3}


class RateError(ValueError):
    """The text is not a RouterOS rate limit; the message says why."""


def bits(text: str) -> int:
    """A rate ("512k", "10M", "2000000") in bits per second."""
    match = RATE_RE.match(text)
    if not match:
        raise RateError(f"{text!r} is not a rate: a whole number with k, M or G, e.g. 10M")
    return int(match.group(1)) * MULTIPLIER[match.group(2)]


def _pair(text: str, what: str, parse) -> tuple:
    parts = text.split("/")
    if len(parts) > 2 or not all(parts):
        raise RateError(f"{what} {text!r} must be one value or rx/tx")
    values = [parse(p) for p in parts]
    return (values[0], values[-1])


def _seconds(text: str) -> int:
    match = TIME_RE.match(text)
    if not match:
        raise RateError(f"{text!r} is not a burst time in seconds")
    return int(match.group(1))


def parse(text: str) -> dict:
    """The parts of a rate limit; raises RateError with the reason."""
    if not isinstance(text, str) or not text.strip():
        raise RateError("a rate limit is required, e.g. 2M/10M")
    if len(text) > 100:
        raise RateError("a rate limit is at most 100 characters")
    if not re.fullmatch(r"[0-9A-Za-z/ ]+", text):
        raise RateError("a rate limit holds only digits, k/M/G, / and spaces")
    words = text.split()
    if len(words) > 6:
        raise RateError("too many parts: rate [burst [threshold [time [priority [min]]]]]")
    out = {"rate": _pair(words[0], "rate", bits)}
    if len(words) > 1:
        out["burst"] = _pair(words[1], "burst rate", bits)
    if len(words) > 2:
        out["threshold"] = _pair(words[2], "burst threshold", bits)
    if len(words) > 3:
        out["time"] = _pair(words[3], "burst time", _seconds)
    if len(words) > 4:
        if not words[4].isdigit() or not 1 <= int(words[4]) <= 8:
            raise RateError(f"priority {words[4]!r} must be 1 to 8")
        out["priority"] = int(words[4])
    if len(words) > 5:
        out["min"] = _pair(words[5], "minimum rate", bits)
    for side in (0, 1):
        rate = out["rate"][side]
        if rate == 0:
            continue  # 0: unlimited in that direction
        if "burst" in out and out["burst"][side] and out["burst"][side] < rate:
            raise RateError("the burst rate must be at least the rate")
        if "threshold" in out and "burst" in out and out["burst"][side] and \
                out["threshold"][side] > out["burst"][side]:
            raise RateError("the burst threshold must not exceed the burst rate")
        if "min" in out and out["min"][side] > rate:
            raise RateError("the minimum rate must not exceed the rate")
    if "burst" in out and any(out["burst"]) and ("time" not in out or not any(out["time"])):
        raise RateError("a burst needs a burst threshold and a burst time, e.g. "
                        "2M/10M 4M/20M 1M/5M 10/10")
    return out


def normalise(text: str) -> str:
    """The rate limit as written, validated, with single spaces."""
    parse(text)
    return " ".join(text.split())


def describe(text: str) -> str:
    """'10 Mbit/s down, 2 Mbit/s up' for pages."""
    try:
        rx, tx = parse(text)["rate"]
    except RateError:
        return text
    return f"{human(tx)} down, {human(rx)} up"


def human(value: int) -> str:
    if value == 0:
        return "unlimited"
    for unit, size in (("Gbit/s", 1000**3), ("Mbit/s", 1000**2), ("kbit/s", 1000)):
        if value >= size and value % (size // 1000 or 1) == 0:
            number = value / size
            return f"{number:g} {unit}"
    return f"{value} bit/s"
