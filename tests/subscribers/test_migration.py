"""2,000 PPP secrets with awkward names imported from a simulated router (over TCP),
reviewed profile by profile, migrated to subscribers by a background run in a real worker,
served by FreeRADIUS with their plan."""

import pytest
from pyrad import packet
from pyrad.client import Client
from pyrad.dictionary import Dictionary

from conftest import run_jobs
from fleet.models import ImportedPppProfile, ImportedPppSecret, ImportedQueue, ImportKind
from fleet.services.imports import request_import
from hotspot import queues
from radius.coa import DICTIONARY
from subscribers import validation
from subscribers.models import Event, Plan, Run, Subscriber
from subscribers.services import lifecycle, migrate
from subscribers.validation import Invalid
from tests.provisioning.helpers import online_router
from tests.radius.fixtures import NAS_SECRET
from tests.subscribers.helpers import awkward_name, fill_ppp, plan
from tests.subscribers.test_radius_end_to_end import ppp_request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]
COUNT = 2000


def imported_router(acme, routersim, count=COUNT, radius_server=None):
    sim = routersim(identity="isp-1")
    fill_ppp(sim, count)
    sim.add_item("/ppp/secret", name="x" * 70, password="pw", profile="gold")  # too long
    router = online_router(acme, sim, name="isp-1")
    if radius_server is not None:
        router.radius_server = radius_server
        router.save(update_fields=["radius_server"])
    run = request_import(router, ImportKind.PPP_SECRETS, immediate=True)
    assert run.status == "completed", run.errors
    return sim, router


def test_profiles_and_queues_are_imported_beside_the_secrets(acme, routersim):
    sim, router = imported_router(acme, routersim, count=30)
    gold = ImportedPppProfile.objects.get(router=router, name="gold")
    assert (gold.rate_limit, gold.remote_address) == ("4M/20M 8M/40M 2M/10M 16/16",
                                                      "pool-gold")
    assert ImportedPppSecret.objects.filter(router=router).count() == 31
    queue = ImportedQueue.objects.get(router=router, name=f"q-{awkward_name(3)}")
    assert (queue.target, queue.max_limit) == ("100.66.0.3/32", "1M/5M")
    secret = ImportedPppSecret.objects.get(router=router, name=awkward_name(6))
    assert secret.password == "pw'6\"$"


def test_two_thousand_awkward_secrets_migrate(acme, alice, routersim):
    sim, router = imported_router(acme, routersim)
    rows = {r.name: r for r in migrate.review(acme, router)}
    assert set(rows) == {"gold", "silver", "default"}
    assert rows["gold"].rate_limit == "4M/20M 8M/40M 2M/10M 16/16"
    assert rows["gold"].pool == "pool-gold" and rows["gold"].plan is None
    # fill_ppp: queues target 100.66.0.0-9, the static addresses of secrets 2, 5 and 8
    # (every third secret has one, profile "default").
    assert rows["default"].queues == ["1M/5M"] * 3 and rows["gold"].queues == []

    gold = migrate.plan_from_profile(acme, router, "gold")
    silver = migrate.plan_from_profile(acme, router, "silver")
    with pytest.raises(Invalid, match="no rate limit"):
        migrate.plan_from_profile(acme, router, "default")
    basic = plan(acme, name="basic", rate="1M/2M")
    assert (gold.rate_limit, gold.address_pool) == ("4M/20M 8M/40M 2M/10M 16/16", "pool-gold")
    assert {r.name: r.plan for r in migrate.review(acme, router)}["gold"] == gold

    with pytest.raises(Invalid, match="every profile: default"):
        migrate.start(acme, router, {"gold": gold.pk, "silver": silver.pk})
    assert not Run.objects.exists()

    run = migrate.start(acme, router, {"gold": gold.pk, "silver": silver.pk,
                                       "default": basic.pk}, user=alice)
    run_jobs(queues.IMPORTS)
    run.refresh_from_db()
    assert run.status == "completed", run.error
    assert (run.total, run.done, run.failed, run.progress) == (COUNT + 1, COUNT, 1, 100)
    assert run.errors == [{"name": "x" * 70, "error":
                           "a username is at most 64 characters (FreeRADIUS's limit)"}]

    assert Subscriber.objects.count() == COUNT
    for i in (0, 1, 2, 5, 6, 7, 8, 1999):
        sub = Subscriber.objects.get(username=awkward_name(i))
        secret = ImportedPppSecret.objects.get(router=router, name=awkward_name(i))
        assert sub.password == secret.password == f"pw'{i}\"$"
        assert sub.plan == (gold, silver, basic)[i % 3]
        assert sub.notes == f"customer {i}" and sub.router == router
        assert sub.status == ("suspended" if i % 50 == 7 else "active")
        assert sub.static_ip == (f"100.66.{i // 256}.{i % 256}" if i % 3 == 2 else None)
        assert sub.caller_id == ("AA:BB:CC:00:00:05" if i == 5 else "")
        assert sub.radius_status == "none"  # no RADIUS server: nothing to serve it yet
        assert Event.objects.get(subscriber=sub, kind="migrated").actor == alice

    again = migrate.start(acme, router, {"gold": gold.pk, "silver": silver.pk,
                                         "default": basic.pk})
    run_jobs(queues.IMPORTS)
    again.refresh_from_db()
    assert (again.done, again.failed) == (0, COUNT + 1)
    assert Subscriber.objects.count() == COUNT


@pytest.mark.radius
def test_migrated_subscribers_log_in_through_real_freeradius(acme, radius_server, routersim,
                                                             freeradius):
    sim, router = imported_router(acme, routersim, count=60, radius_server=radius_server)
    router.host = "127.0.0.1"  # its NAS row: the test's RADIUS client sends from loopback
    router.save(update_fields=["host"])
    gold = migrate.plan_from_profile(acme, router, "gold")
    silver = migrate.plan_from_profile(acme, router, "silver")
    basic = plan(acme, name="basic", rate="1M/2M")
    migrate.start(acme, router, {"gold": gold.pk, "silver": silver.pk, "default": basic.pk})
    run_jobs()
    assert set(Subscriber.objects.values_list("radius_status", flat=True)) == {"synced"}
    freeradius.start()
    client = Client(server="127.0.0.1", authport=freeradius.auth_port,
                    secret=NAS_SECRET.encode(), dict=Dictionary(str(DICTIONARY)))
    client.timeout, client.retries = 3, 1
    served = 0
    for sub in Subscriber.objects.select_related("plan"):
        if validation.radius_problem(sub.username) or sub.caller_id:
            continue
        reply = ppp_request(client, sub.username, sub.password)
        if sub.status == "suspended":
            assert reply.code == packet.AccessReject
            continue
        assert reply.code == packet.AccessAccept, (sub.username, freeradius.output()[-2000:])
        assert reply["Mikrotik-Rate-Limit"] == [sub.plan.rate_limit]
        if sub.static_ip:
            assert reply["Framed-IP-Address"] == [sub.static_ip]
        else:
            assert reply["Framed-Pool"] == [sub.plan.address_pool]
        served += 1
    assert served >= 30
    anna = Subscriber.objects.get(username=awkward_name(1))
    lifecycle.suspend(anna)
    run_jobs(queues.RADIUS_SYNC)
    assert ppp_request(client, anna.username, anna.password).code == packet.AccessReject


def test_the_migration_is_reviewed_and_started_from_its_page(acme, routersim, alice_client):
    sim, router = imported_router(acme, routersim, count=30)
    url = f"/subscribers/migrate/{router.pk}/"
    page = alice_client.get(url).content.decode()
    assert "31 imported secrets selected" in page and "4M/20M 8M/40M 2M/10M 16/16" in page
    alice_client.post(url, {"create_plan": "gold"})
    alice_client.post(url, {"create_plan": "silver"})
    basic = plan(acme, name="basic", rate="1M/2M")
    gold, silver = Plan.objects.get(name="gold"), Plan.objects.get(name="silver")
    refused = alice_client.post(url, {"plan:gold": gold.pk}, follow=True).content.decode()
    assert "choose a plan for every profile" in refused and not Run.objects.exists()
    answer = alice_client.post(url, {"plan:gold": gold.pk, "plan:silver": silver.pk,
                                     "plan:default": basic.pk, "q": "Jürgen"})
    run = Run.objects.get()
    assert answer["Location"] == f"/subscribers/runs/{run.pk}/"
    run_jobs(queues.IMPORTS)
    assert set(Subscriber.objects.values_list("username", flat=True)) == {
        "Jürgen-2", "Jürgen-12", "Jürgen-22"}
    assert "Migrated 3 of 3" in alice_client.get(answer["Location"]).content.decode()
