"""First use sets a voucher's expiry, and RADIUS is told: Verify then finds nothing amiss."""

import pytest

from conftest import run_jobs
from hotspot import queues
from hotspot.jobs import enqueue
from tests.radius.test_accounting_end_to_end import read_accounting
from tests.radius.test_nas_simulator import radacct
from vouchers import jobs
from vouchers.models import Voucher, VoucherProfile
from vouchers.services.generate import generate_batch

pytestmark = [pytest.mark.radius, pytest.mark.django_db(transaction=True)]


def test_first_use_then_verify_finds_no_differences(hotspot_site):
    profile = VoucherProfile.objects.create(
        organization=hotspot_site.server.organization, name="day after first use",
        time_limit=3600, shared_users=1, validity=VoucherProfile.Validity.AFTER_FIRST_USE,
        validity_seconds=86400)
    batch = generate_batch(profile.organization, profile, 3, radius_server=hotspot_site.server)
    run_jobs(queues.RADIUS_SYNC)
    used = batch.vouchers.order_by("pk").first()
    assert hotspot_site.sim.nas.login(used.code, used.password).accepted

    read_accounting()
    run_jobs(queues.RADIUS_SYNC)

    used.refresh_from_db()
    assert used.state == Voucher.State.ACTIVE and used.first_used_at
    assert used.expires_at is not None
    assert abs((used.expires_at - used.first_used_at).total_seconds() - 86400) < 1
    assert used.radius_sync_status == Voucher.SyncStatus.SYNCED, used.radius_sync_error
    enqueue(jobs.verify_batch, batch.pk)
    run_jobs(queues.RADIUS_SYNC)
    batch.refresh_from_db()
    assert batch.verify_report["problem_count"] == 0, batch.verify_report["problems"]
    assert batch.verify_report["checked"] == 3
    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"synced"}
    # And the voucher still works, its session intact.
    assert radacct(used.code)[0][1] is False
