import pytest

from radius.models import RadiusServer
from vouchers.models import Voucher, VoucherProfile
from vouchers.services.generate import GenerationError, generate_batch

LOOK_ALIKES = set("0O1IlL")


@pytest.fixture
def server(acme):
    return RadiusServer.objects.create(organization=acme, name="main", host="h",
                                       nas_secret="s", agent_url="http://h/", agent_token="t")


@pytest.fixture
def profile(acme):
    return VoucherProfile.objects.filter(organization=acme).first()


def test_it_gives_every_organization_default_profiles(acme, other_org):
    assert VoucherProfile.objects.filter(organization=acme).count() == 4
    assert VoucherProfile.objects.filter(organization=other_org).count() == 4


def test_it_generates_unique_codes_without_look_alikes(acme, profile, server):
    batch = generate_batch(acme, profile, 2000, radius_server=server, code_length=6,
                           prefix="HS")
    codes = list(batch.vouchers.values_list("code", flat=True))
    assert len(set(codes)) == 2000
    assert all(c.startswith("HS") and len(c) == 8 for c in codes)
    assert not LOOK_ALIKES & set("".join(c[2:] for c in codes))
    assert set(batch.vouchers.values_list("radius_sync_status", flat=True)) == {"pending"}


def test_it_makes_separate_passwords_when_asked(acme, profile, server):
    batch = generate_batch(acme, profile, 50, radius_server=server, separate_password=True)
    assert all(v.code != v.password for v in batch.vouchers.all())
    same = generate_batch(acme, profile, 5, radius_server=server)
    assert all(v.code == v.password for v in same.vouchers.all())


def test_it_enqueues_the_sync_on_the_radius_sync_queue(acme, profile, server,
                                                       django_capture_on_commit_callbacks):
    import django_rq

    with django_capture_on_commit_callbacks(execute=True):
        batch = generate_batch(acme, profile, 3, radius_server=server)
    from background.models import Job

    row = Job.objects.get(kind="vouchers.jobs.sync_batch")
    assert row.args == [batch.pk] and row.organization_id == acme.pk
    jobs = django_rq.get_queue("radius-sync").get_jobs()
    assert [j.args for j in jobs] == [("background.Job", row.pk)]


@pytest.mark.parametrize("count", [0, -1, 100_001, 10**9])
def test_it_refuses_counts_out_of_range(acme, profile, server, count):
    with pytest.raises(GenerationError, match="1 to 100,000"):
        generate_batch(acme, profile, count, radius_server=server)
    assert not Voucher.objects.exists()


def test_it_refuses_another_organizations_profile(acme, other_org, server):
    foreign = VoucherProfile.objects.filter(organization=other_org).first()
    with pytest.raises(GenerationError, match="your voucher profiles"):
        generate_batch(acme, foreign, 10, radius_server=server)


def test_it_refuses_a_batch_without_radius_server(acme, profile, make_router):
    with pytest.raises(GenerationError, match="RADIUS server"):
        generate_batch(acme, profile, 10, router=make_router("no-radius"))


def test_it_refuses_codes_short_enough_to_guess(acme, profile, server):
    with pytest.raises(GenerationError, match="guessable"):
        generate_batch(acme, profile, 10_000, radius_server=server, code_length=4,
                       alphabet="digits")


def test_a_code_the_copy_finds_taken_is_skipped_and_drawn_again(acme, profile, server,
                                                                 monkeypatch):
    from vouchers.services import generate

    # A code taken between the check for taken codes and the COPY (by a concurrent batch;
    # here the draw itself holds it twice) fails the COPY: undone, then inserted skipping it.
    monkeypatch.setattr(generate, "_codes", lambda *a: ["TWICE234", "TWICE234", "ONCE2345"])
    batch = generate_batch(acme, profile, 3, radius_server=server)

    codes = sorted(batch.vouchers.values_list("code", flat=True))
    assert len(codes) == 3 and "TWICE234" in codes and "ONCE2345" in codes
    assert Voucher.objects.filter(code="TWICE234").count() == 1


def test_short_codes_never_repeat_a_code_another_batch_holds(acme, profile, server):
    # 5 digits: 32,768 codes. Beside a batch of them a taken code is likely enough that
    # the new batch's codes are checked against the taken ones before they are stored.
    first = generate_batch(acme, profile, 30, radius_server=server, code_length=5,
                           alphabet="digits")
    second = generate_batch(acme, profile, 30, radius_server=server, code_length=5,
                            alphabet="digits")

    codes = [*first.vouchers.values_list("code", flat=True),
             *second.vouchers.values_list("code", flat=True)]
    assert len(codes) == 60 and len(set(codes)) == 60
    assert all(len(c) == 5 and set(c) <= set("23456789") for c in codes)


def test_it_retries_codes_already_taken(acme, profile, server, monkeypatch):
    first = generate_batch(acme, profile, 1, radius_server=server).vouchers.get().code
    from vouchers.services import generate

    # The first draw collides with an existing code (forced: 8 random characters never do).
    monkeypatch.setattr(generate, "_codes", lambda *a: [first])
    batch = generate_batch(acme, profile, 1, radius_server=server)
    assert batch.vouchers.get().code != first
