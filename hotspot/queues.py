"""The one queue registry.

Every queue the product uses is named here, workers are started from this list,
and jobs are enqueued through `enqueue()`, which looks up the queue a job was
declared for. A job can therefore never land on a queue no worker listens to
(seed 001: jobs sent to `router-provisioning` while workers listened on
`provisioning`). `hotspot.checks` proves it at startup.

No Django import here: settings.py builds RQ_QUEUES from this module.
"""

from __future__ import annotations

from dataclasses import dataclass

ROUTER_CHECKS = "router-checks"
ROUTER_DATA = "router-data"
PROVISIONING = "provisioning"
RADIUS_SYNC = "radius-sync"
IMPORTS = "imports"
DEFAULT = "default"


@dataclass(frozen=True)
class QueueSpec:
    name: str
    timeout: int  # seconds a job may run before RQ kills it
    purpose: str


QUEUES: dict[str, QueueSpec] = {
    q.name: q
    for q in (
        # Priority order: a worker always takes from the first non-empty queue, so
        # probing and health checks (possibly many, each bounded by a timeout) come
        # last and can never starve deployments, syncs or imports.
        QueueSpec(PROVISIONING, 900, "deployments to routers and their rollback"),
        QueueSpec(ROUTER_DATA, 60, "live data of routers someone is looking at"),
        QueueSpec(RADIUS_SYNC, 3600, "voucher sync to RADIUS agents"),
        QueueSpec(IMPORTS, 600, "imports of pools and secrets from routers"),
        QueueSpec(DEFAULT, 300, "housekeeping: reconcilers, expiry"),
        QueueSpec(ROUTER_CHECKS, 300, "probing new routers, fleet health checks"),
    )
}

# The queues `manage.py worker` listens on, in priority order.
WORKER_QUEUES: tuple[str, ...] = tuple(QUEUES)


def rq_settings(redis_url: str) -> dict:
    """django-rq's RQ_QUEUES, built from the registry."""
    return {
        name: {"URL": redis_url, "DEFAULT_TIMEOUT": spec.timeout}
        for name, spec in QUEUES.items()
    }
