"""IP pool ranges as RouterOS prints them: counted, never expanded to addresses."""

from __future__ import annotations

import ipaddress


def parse_ranges(text: str) -> list[tuple[int, int]]:
    """`10.0.0.2-10.0.0.9,10.1.0.0/16,10.2.0.1` -> [(first, last), ...] as integers."""
    spans = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            if "-" in part:
                first, last = (ipaddress.ip_address(a.strip()) for a in part.split("-", 1))
            elif "/" in part:
                net = ipaddress.ip_network(part, strict=False)
                first, last = net.network_address, net.broadcast_address
            else:
                first = last = ipaddress.ip_address(part)
        except ValueError:
            raise ValueError(f"not an address range: {part!r}") from None
        if first.version != last.version or int(first) > int(last):
            raise ValueError(f"range ends before it starts: {part!r}")
        spans.append((int(first), int(last)))
    if not spans:
        raise ValueError("pool has no ranges")
    return spans


def address_count(text: str) -> int:
    """How many addresses the ranges hold (arithmetic on the ends: a /8 costs no more)."""
    return sum(last - first + 1 for first, last in parse_ranges(text))
