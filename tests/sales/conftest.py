import pytest

from tests.radius.fixtures import *  # noqa: F403


@pytest.fixture
def stocked(acme, radius_server):
    """Vouchers of Acme's "1 day 1 GB" profile (price set to 100), synced to RADIUS by
    the real sync job through the agent: ready to sell."""
    from decimal import Decimal
    from types import SimpleNamespace

    from conftest import run_jobs
    from hotspot import queues
    from vouchers.models import VoucherProfile
    from vouchers.services.generate import generate_batch

    profile = VoucherProfile.objects.get(organization=acme, name="1 day 1 GB")
    profile.price = Decimal("100.00")
    profile.save()
    batch = generate_batch(acme, profile, 12, radius_server=radius_server)
    run_jobs(queues.RADIUS_SYNC)
    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"synced"}
    return SimpleNamespace(profile=profile, batch=batch, server=radius_server,
                           vouchers=list(batch.vouchers.order_by("pk")))
