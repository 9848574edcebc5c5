"""Deleting a router from the product (not from the network): its rows and its queued jobs."""

from __future__ import annotations

import logging

import django_rq
from django.db import transaction
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from hotspot import queues
from routers.choices import RouterStatus
from routers.models import Router

log = logging.getLogger(__name__)


class DeleteRefused(Exception):
    """The router cannot be deleted now; the message says why."""


def _router_jobs(router: Router) -> dict[str, set[int]]:
    """Job functions that carry one of this router's row ids, and those ids."""
    from fleet.models import ImportRun
    from provisioning.models import Deployment

    return {
        "provisioning.jobs.deploy": set(
            router.deployments.exclude(status__in=Deployment.TERMINAL).values_list("pk",
                                                                                  flat=True)),
        "fleet.jobs.run_import": set(
            ImportRun.objects.filter(router=router).values_list("pk", flat=True)),
        "fleet.jobs.fetch_live_data": {router.pk},
    }


def cancel_router_jobs(router: Router) -> int:
    """Cancel queued and scheduled RQ jobs that name this router's rows.

    Probing is one shared job for all routers: it skips a router that is gone,
    so nothing of it is cancelled here.
    """
    wanted = _router_jobs(router)
    cancelled = 0
    for name in (queues.PROVISIONING, queues.IMPORTS, queues.ROUTER_DATA):
        queue = django_rq.get_queue(name)
        ids = list(queue.job_ids) + ScheduledJobRegistry(queue=queue).get_job_ids()
        for job in Job.fetch_many(ids, connection=queue.connection):
            if job is None or not job.args:
                continue
            if job.args[0] in wanted.get(job.func_name, ()):
                job.cancel()
                cancelled += 1
    return cancelled


def delete_router(router: Router) -> str:
    """Delete a router and everything the product recorded about it; returns its name.

    Refused while a deployment runs: the job is changing the router right now and
    must finish (or roll back) first.
    """
    with transaction.atomic():
        router = Router.objects.select_for_update().get(pk=router.pk)
        if router.status == RouterStatus.PROVISIONING:
            raise DeleteRefused(f"A deployment is running on {router.name}. Wait until it "
                                "finishes or fails, then delete the router.")
        name = router.name
        try:
            cancelled = cancel_router_jobs(router)
        except Exception:  # Redis down: the jobs find no row and end without doing anything
            log.warning("could not cancel the jobs of router %s", router.pk, exc_info=True)
            cancelled = 0
        router.delete()
    log.info("router %s deleted (%d queued jobs cancelled)", name, cancelled)
    return name
