"""Accounting jobs: thin, take ids only."""

from hotspot import queues
from hotspot.jobs import job
from hotspot.periodic import every
from radius.models import RadiusServer


@job(queues.DEFAULT)
def pull_accounting(server_id: int) -> int | None:
    from accounting.services import feed

    server = RadiusServer.objects.filter(pk=server_id, is_active=True).first()
    return feed.pull(server) if server else None


@every("ACCOUNTING_PULL_SECONDS", 60)
@job(queues.DEFAULT)
def pull_all_accounting() -> list[int]:
    from accounting.services import feed

    return feed.pull_all()


@every("ACCOUNTING_ROLLUP_SECONDS", 3600)
@job(queues.DEFAULT, timeout=600)
def rollup_yesterday() -> int:
    from accounting.services import rollup

    return rollup.rollup_yesterday()


@job(queues.ROUTER_CHECKS)
def reconcile_router(router_id: int) -> int | None:
    from accounting.services import reconcile
    from routers.models import Router

    router = Router.objects.filter(pk=router_id).first()
    return reconcile.reconcile_router(router) if router else None


@every("ACCOUNTING_RECONCILE_SECONDS", 300)
@job(queues.DEFAULT)
def reconcile_sessions() -> list[int]:
    from accounting.services import reconcile
    from hotspot.jobs import enqueue

    ids = reconcile.routers_to_reconcile()
    for router_id in ids:
        enqueue(reconcile_router, router_id, unique=True)
    return ids


@job(queues.ROUTER_DATA)
def disconnect_session(disconnect_id: int) -> str | None:
    from accounting.models import Disconnect
    from accounting.services import disconnect

    record = Disconnect.objects.select_related("session__router", "session__server").filter(
        pk=disconnect_id, status=Disconnect.Status.PENDING).first()
    return disconnect.run(record).status if record else None
