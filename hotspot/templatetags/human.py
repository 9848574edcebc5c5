"""Values as an operator reads them: one date format, durations and sizes in words.

Built into every template (settings.TEMPLATES builtins), so no page formats a date or a
limit its own way.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

DATE_FORMAT = "%Y-%m-%d %H:%M"  # the one date format of every page
UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
SIZES = (("TB", 2**40), ("GB", 2**30), ("MB", 2**20), ("KB", 2**10))


@register.filter
def when(value):
    """A date and time in the one format, local time, in a <time> element; "—" if none.
    Takes a datetime or an ISO 8601 string (facts stored as JSON)."""
    if isinstance(value, str) and value:
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        if isinstance(value, dt.date):
            return format_html('<time datetime="{}">{}</time>', value.isoformat(),
                               value.strftime("%Y-%m-%d"))
        return "—"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html('<time datetime="{}">{}</time>', value.isoformat(),
                       local.strftime(DATE_FORMAT))


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


@register.filter
def seconds(value):
    """2592000 → "30 days", 5400 → "1 hour 30 minutes" (two largest units at most)."""
    if value in (None, ""):
        return "—"
    value = int(value)
    if value == 0:
        return "0 seconds"
    parts = []
    for unit, size in UNITS:
        n, value = divmod(value, size)
        if n:
            parts.append(_plural(n, unit))
        if len(parts) == 2:
            break
    return " ".join(parts)


@register.filter
def bytes_human(value):
    """2147483648 → "2 GB", 1610612736 → "1.5 GB" (1024-based, as RouterOS counts)."""
    if value in (None, ""):
        return "—"
    value = int(value)
    for unit, size in SIZES:
        if value >= size:
            amount = value / size
            text = f"{amount:.0f}" if amount == int(amount) or amount >= 100 else f"{amount:.1f}"
            return f"{text} {unit}"
    return _plural(value, "byte")


@register.filter
def router_status(value):
    """A router status as its label: "config_pending" → "Waiting for initial script"."""
    from routers.choices import RouterStatus

    try:
        return RouterStatus(value).label
    except ValueError:
        return label(value)


@register.filter
def import_kind(value):
    """An import kind as its label: "ppp_secrets" → "PPP secrets"."""
    from fleet.models import ImportKind

    try:
        return ImportKind(value).label
    except ValueError:
        return label(value)


@register.filter
def label(value):
    """An internal name as words: "config_pending" → "Config pending"."""
    text = str(value or "").replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]
