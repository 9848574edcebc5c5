"""The router page's fleet panels (the page's view is not ours: the tag reads what it needs)."""

from django import template
from django.db.models import Count, Q, Sum

from fleet.models import ImportedPool, ImportedPppSecret, ImportKind
from provisioning.services.plan import TAG_RE

register = template.Library()


@register.inclusion_tag("fleet/partials/imports_summary.html")
def fleet_imports_summary(router):
    """Counts of what was imported from `router`, and its latest import run."""
    pools = ImportedPool.objects.filter(router=router, removed_at__isnull=True).aggregate(
        count=Count("id"), addresses=Sum("address_count"),
        product=Count("id", filter=Q(comment__regex=TAG_RE.pattern)))
    secrets = ImportedPppSecret.objects.filter(router=router, removed_at__isnull=True).count()
    return {"router": router, "pools": pools, "secrets": secrets,
            "last_run": router.import_runs.first(), "kinds": ImportKind.choices}


@register.filter
def bps(value):
    """Bits per second, human-sized."""
    if not isinstance(value, (int, float)):
        return "—"  # no earlier snapshot to compare with yet
    for unit in ("bps", "kbps", "Mbps", "Gbps"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "bps" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} Tbps"
