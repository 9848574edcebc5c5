"""Voucher jobs: thin, take ids only, call vouchers.services."""

from hotspot import queues
from hotspot.jobs import job
from hotspot.periodic import every
from vouchers.models import VoucherBatch
from vouchers.services import lifecycle, sync


@job(queues.RADIUS_SYNC)
def sync_batch(batch_id: int) -> dict | None:
    """Sync of a voucher batch to RADIUS."""
    batch = VoucherBatch.objects.select_related("profile", "radius_server", "router").filter(
        pk=batch_id
    ).first()
    return sync.sync_batch(batch) if batch else None


@job(queues.RADIUS_SYNC)
def verify_batch(batch_id: int) -> dict | None:
    """Verification of a voucher batch against RADIUS."""
    batch = VoucherBatch.objects.filter(pk=batch_id).first()
    return sync.verify_batch(batch) if batch else None


@every("VOUCHER_RECONCILE_SECONDS", 300)
@job(queues.DEFAULT)
def reconcile_pending() -> list[int]:
    """Sync of vouchers left pending."""
    return lifecycle.reconcile_pending()


@every("VOUCHER_EXPIRE_SECONDS", 600)
@job(queues.DEFAULT)
def expire_vouchers() -> int:
    """Expiry of outdated vouchers."""
    # First use and used-up come with accounting (accounting.services.feed); expiry is time.
    return lifecycle.expire_vouchers()
