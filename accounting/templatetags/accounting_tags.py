"""Filters for sessions and usage: durations, and randomised MAC addresses."""

from django import template

register = template.Library()


@register.filter
def duration(seconds):
    """1h 05m, 3d 2h, 45s."""
    if seconds is None or seconds == "":
        return "—"
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def is_randomized(mac: str) -> bool:
    """A locally administered address (bit 1 of the first octet): what phones make up per
    network ("private Wi-Fi address", "randomised MAC") instead of their burnt-in one."""
    digits = (mac or "").replace(":", "").replace("-", "").replace(".", "")
    if len(digits) != 12:
        return False
    try:
        return bool(int(digits[:2], 16) & 0x02)
    except ValueError:
        return False


@register.filter
def randomized(mac):
    return is_randomized(mac)


@register.filter
def size(value):
    """Bytes, human-sized (1 decimal, 1024-based like filesizeformat; much cheaper for a
    page of a few hundred values)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "—"
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f}\u00a0{unit}" if unit == "bytes" else f"{value:.1f}\u00a0{unit}"
        value /= 1024
    return "—"
