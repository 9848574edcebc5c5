"""Deleting a router from the product (not from the network), with everything recorded
about it.

Its job rows (deployments, imports, probes, checks) go with it: a queue message that
still names one finds no row and does nothing (background.runner claims rows, not
messages), so no queued job needs cancelling.
"""

from __future__ import annotations

import logging

from django.db import transaction

from routers.choices import RouterStatus
from routers.models import Router

log = logging.getLogger(__name__)


class DeleteRefused(Exception):
    """The router cannot be deleted now; the message says why."""


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
        router.delete()
    log.info("router %s deleted", name)
    return name
