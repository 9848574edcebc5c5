"""System checks: startup fails when a job is bound to a queue no worker serves."""

from django.core.checks import Error, register

from hotspot import jobs, queues


@register()
def check_job_queues(app_configs=None, **kwargs):
    errors = []
    for spec in jobs.REGISTRY.values():
        if spec.queue not in queues.WORKER_QUEUES:
            errors.append(
                Error(
                    f"Job {spec.path} is bound to queue {spec.queue!r}, which no worker serves.",
                    hint=f"Use one of: {', '.join(queues.WORKER_QUEUES)} (hotspot/queues.py).",
                    id="hotspot.E001",
                )
            )
    return errors
