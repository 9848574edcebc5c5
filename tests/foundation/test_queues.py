import django_rq
import pytest
from django.core.checks import run_checks

from conftest import run_jobs
from hotspot import jobs, queues

EXECUTED = []


@jobs.job(queues.DEFAULT)
def record_value(value):
    """A trivial job: the test checks a real worker ran it."""
    from django.core.cache import cache

    cache.set("test-job-ran", value, 60)


def test_it_fails_the_system_check_for_a_job_bound_to_an_unknown_queue():
    @jobs.job("router-provisioning")
    def lost_job():
        pass

    try:
        errors = [e for e in run_checks() if e.id == "hotspot.E001"]
        assert len(errors) == 1
        assert "router-provisioning" in errors[0].msg
        with pytest.raises(ValueError, match="no worker serves"):
            jobs.enqueue(lost_job)
    finally:
        jobs.REGISTRY.pop(lost_job.job_spec.path)
    assert not [e for e in run_checks() if e.id == "hotspot.E001"]


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_job_enqueued_through_the_registry_in_a_real_worker():
    from django.core.cache import cache

    cache.delete("test-job-ran")
    row = jobs.enqueue(record_value, 42)  # outside a transaction: enqueued at once
    queue = django_rq.get_queue(queues.DEFAULT)
    assert queue.count == 1
    run_jobs(queues.DEFAULT)
    assert cache.get("test-job-ran") == 42
    assert queue.count == 0
    row.refresh_from_db()
    assert (row.status, row.attempts, row.progress) == ("completed", 1, 100)


@pytest.mark.django_db(transaction=True)
def test_it_enqueues_only_after_the_transaction_commits():
    from django.db import transaction

    from background.models import Job

    queue = django_rq.get_queue(queues.DEFAULT)
    with transaction.atomic():
        row = jobs.enqueue(record_value, 1)
        assert queue.count == 0
        assert Job.objects.filter(pk=row.pk, status="pending").exists()  # the row first
    assert queue.count == 1


@pytest.mark.django_db(transaction=True)
def test_a_unique_job_is_not_queued_twice_while_one_waits():
    """A periodic fan-out (an accounting pull per server) must not pile up behind a slow one."""
    first = jobs.enqueue(record_value, 7, unique=True)
    assert jobs.enqueue(record_value, 7, unique=True).pk == first.pk
    other = jobs.enqueue(record_value, 8, unique=True)
    assert other.pk != first.pk
    assert django_rq.get_queue(queues.DEFAULT).count == 2
    run_jobs(queues.DEFAULT)
    # Once it has run, the next tick queues a fresh one.
    assert jobs.enqueue(record_value, 7, unique=True).pk not in (first.pk, other.pk)


def test_the_workers_listen_on_every_registry_queue(settings):
    assert set(settings.RQ_QUEUES) == set(queues.WORKER_QUEUES)
    assert {"router-checks", "router-data", "provisioning", "radius-sync", "imports",
            "default"} == set(queues.WORKER_QUEUES)
