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
