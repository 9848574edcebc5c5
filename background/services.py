"""Questions other apps ask about job rows."""

from __future__ import annotations

from background.models import ACTIVE, Job
from background.runner import current


def other_active_jobs(func, router):
    """Queued or running rows of job `func` for `router`, except the one running now."""
    rows = Job.objects.filter(kind=func.job_spec.path, router=router, status__in=ACTIVE)
    row = current()
    if isinstance(row, Job):
        rows = rows.exclude(pk=row.pk)
    return rows
