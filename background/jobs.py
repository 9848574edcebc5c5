"""Housekeeping of job rows."""

from hotspot import queues
from hotspot.jobs import job
from hotspot.periodic import every


@every("JOB_PRUNE_SECONDS", 3600)
@job(queues.DEFAULT, timeout=300)
def prune_jobs() -> int:
    """Removal of old finished jobs."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from background.models import TERMINAL, Job

    cutoff = timezone.now() - dt.timedelta(days=settings.JOB_KEEP_DAYS)
    # Completed periodic work (health checks, live data) piles up fastest: a day is enough.
    recent = timezone.now() - dt.timedelta(days=1)
    old = Job.objects.filter(status__in=TERMINAL, finished_at__lt=cutoff)
    done = Job.objects.filter(status="completed", finished_at__lt=recent)
    return old.delete()[0] + done.delete()[0]
