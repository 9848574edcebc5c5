"""IPv4 addresses and ranges as operators type them ("10.5.50.10-10.5.50.254")."""

from __future__ import annotations

import bisect
import ipaddress

Range = tuple[ipaddress.IPv4Address, ipaddress.IPv4Address]


def parse_address(text: str) -> ipaddress.IPv4Address:
    parts = text.strip().split(".")
    if len(parts) != 4 or not all(p.isdigit() and 0 <= int(p) <= 255 for p in parts):
        raise ValueError(f"{text.strip()!r} is not an IPv4 address (four numbers 0-255).")
    return ipaddress.IPv4Address(".".join(str(int(p)) for p in parts))


def parse_range(text: str) -> Range:
    """'a-b' (or a single address) -> (a, b); clear errors for anything else."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Enter a range like 10.5.50.10-10.5.50.254.")
    first, sep, last = text.partition("-")
    start = parse_address(first)
    end = parse_address(last) if sep else start
    if start > end:
        raise ValueError(f"The range starts after it ends ({start} > {end}).")
    return start, end


def parse_gateway(text: str) -> ipaddress.IPv4Interface:
    """'10.5.50.1/24' -> interface; the address must be a usable host of its network."""
    text = (text or "").strip()
    address, sep, prefix = text.partition("/")
    if not sep or not prefix.isdigit() or not 8 <= int(prefix) <= 30:
        raise ValueError("Enter the gateway with its prefix, like 10.5.50.1/24 (prefix 8-30).")
    gateway = ipaddress.IPv4Interface(f"{parse_address(address)}/{prefix}")
    if gateway.ip in (gateway.network.network_address, gateway.network.broadcast_address):
        raise ValueError(f"{gateway.ip} is the network or broadcast address of "
                         f"{gateway.network}; use a host address.")
    return gateway


def overlaps(a: Range, b: Range) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def inside(r: Range, network: ipaddress.IPv4Network) -> bool:
    return r[0] in network and r[1] in network


def router_pool_ranges(ranges_text: str) -> list[Range]:
    """RouterOS pool ranges ('a-b,c/24,d') -> list of ranges; unknown parts skipped."""
    out = []
    for part in (ranges_text or "").split(","):
        part = part.strip()
        try:
            if "/" in part:
                net = ipaddress.IPv4Network(part, strict=False)
                out.append((net.network_address, net.broadcast_address))
            elif part:
                out.append(parse_range(part))
        except ValueError:
            continue
    return out


class RangeIndex:
    """Ranges with owners, asked "what overlaps this range?" in O(log n) per question.

    Sorted by start, with the running maximum of ends: among the ranges starting at or
    before r's end, the one reaching furthest overlaps r exactly when it reaches r's start.
    """

    def __init__(self, ranges_with_owners):
        items = sorted(ranges_with_owners, key=lambda item: item[0][0])
        self._starts = [r[0] for r, _ in items]
        self._reach = []  # (furthest end so far, its range, its owner)
        best = None
        for r, owner in items:
            if best is None or r[1] > best[0]:
                best = (r[1], r, owner)
            self._reach.append(best)

    def overlapping(self, r: Range):
        """(range, owner) of one range that overlaps `r`, or None."""
        index = bisect.bisect_right(self._starts, r[1])
        if index == 0:
            return None
        end, other, owner = self._reach[index - 1]
        return (other, owner) if end >= r[0] else None
