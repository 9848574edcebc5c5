"""The subscriber pages as an operator uses them: list with search, filters, pagination and
bulk actions on 2,000 subscribers in the background; a subscriber's page with history,
sessions and usage; the password shown on demand and audited; other tenants see nothing."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from accounting.models import DailyUsage, Session
from conftest import run_jobs
from hotspot import queues
from subscribers.models import Event, Run, Subscriber
from subscribers.services import lifecycle
from tests.subscribers.helpers import awkward_name, plan

pytestmark = pytest.mark.django_db(transaction=True)


def many(org, count, p):
    """`count` subscribers, made the way a migration makes them (bulk), with history."""
    subs = Subscriber.objects.bulk_create([
        Subscriber(organization=org, username=awkward_name(i), password=f"pw{i}", plan=p,
                   full_name=f"Customer {i}", phone=f"555-{i:04d}",
                   radius_status=Subscriber.Sync.NONE) for i in range(count)])
    return subs


def test_list_search_filter_and_pages(acme, alice_client):
    p, q = plan(acme), plan(acme, name="other", rate="1M/1M")
    many(acme, 120, p)
    lifecycle.change_plan(Subscriber.objects.get(username=awkward_name(3)), q)
    lifecycle.suspend(Subscriber.objects.get(username=awkward_name(4)))
    page = alice_client.get("/subscribers/").content.decode()
    assert "Page 1 of 3" in page and "120 match" in page
    page = alice_client.get("/subscribers/", {"q": "Jürgen-"}).content.decode()
    assert "Jürgen-2" in page and "o&#x27;neil-0" not in page
    page = alice_client.get("/subscribers/", {"status": "suspended"}).content.decode()
    assert "1 match" in page and awkward_name(4).replace('"', "&quot;") in page
    page = alice_client.get("/subscribers/", {"plan": q.pk}).content.decode()
    assert "1 match" in page and awkward_name(3) in page
    assert "1 match" in alice_client.get("/subscribers/", {"q": "555-0042"}).content.decode()


def test_bulk_actions_on_two_thousand_run_in_the_background(acme, alice, alice_client):
    p, fast = plan(acme), plan(acme, name="fast", rate="10M/50M")
    many(acme, 2000, p)
    answer = alice_client.post("/subscribers/bulk/", {"scope": "all", "action": "suspend"})
    run = Run.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/subscribers/runs/{run.pk}/"
    assert run.status == "pending" and Subscriber.objects.filter(status="active").count() == 2000
    assert b"Queued" in alice_client.get(answer["Location"]).content
    run_jobs(queues.IMPORTS)
    run.refresh_from_db()
    assert (run.status, run.progress, run.total) == ("completed", 100, 2000)
    assert Subscriber.objects.filter(status="suspended").count() == 2000
    assert Event.objects.filter(kind="suspended", actor=alice).count() == 2000

    alice_client.post("/subscribers/bulk/", {"scope": "all", "action": "change_plan",
                                             "plan_id": fast.pk, "status": "suspended"})
    run_jobs(queues.IMPORTS)
    assert Subscriber.objects.filter(plan=fast).count() == 2000

    ticked = list(Subscriber.objects.order_by("pk").values_list("pk", flat=True)[:3])
    alice_client.post("/subscribers/bulk/", {"scope": "ticked", "action": "resume",
                                             "ids": ticked})
    run_jobs(queues.IMPORTS)
    assert set(Subscriber.objects.filter(status="active").values_list("pk", flat=True)) == \
        set(ticked)

    alice_client.post("/subscribers/bulk/", {"scope": "all", "action": "export"})
    run_jobs(queues.IMPORTS)
    export = Run.objects.filter(kind="export").get()
    body = alice_client.get(f"/subscribers/runs/{export.pk}/csv/")
    assert body["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.content.decode())))
    assert len(rows) == 2000
    by_name = {r["username"]: r for r in rows}
    assert by_name["Jürgen-2"]["plan"] == "fast" and "pw2" not in body.content.decode()
    assert by_name[awkward_name(6)]["username"] == 'say"6"'


def test_a_bad_bulk_request_changes_nothing(acme, alice_client):
    p = plan(acme)
    many(acme, 3, p)
    for data in ({"scope": "all", "action": "delete"}, {"scope": "all", "action": "change_plan"},
                 {"scope": "ticked", "action": "suspend"}):
        answer = alice_client.post("/subscribers/bulk/", data, follow=True)
        assert answer.status_code == 200
    assert not Run.objects.exists()
    assert not Subscriber.objects.exclude(status="active").exists()


def test_subscriber_page_history_sessions_usage_and_password(acme, alice, alice_client,
                                                             radius_server):
    p = plan(acme)
    sub = lifecycle.create_subscriber(acme, username="ana'$", password="s3cret'pw", plan=p,
                                      radius_server=radius_server, user=alice)
    now = timezone.now()
    Session.objects.create(organization=acme, server=radius_server, unique_id="u1",
                           session_id="81000001", username="ana'$", ip="10.6.0.20",
                           mac="AA:BB:CC:00:00:01", started_at=now - dt.timedelta(hours=1),
                           seconds=3600, bytes_in=2 * 2**20, bytes_out=30 * 2**20)
    DailyUsage.objects.create(organization=acme, username="ana'$", day=now.date(), sessions=1,
                              seconds=3600, bytes_in=2 * 2**20, bytes_out=30 * 2**20)
    page = alice_client.get(f"/subscribers/{sub.pk}/").content.decode()
    assert "10.6.0.20" in page, page[page.find("<h2>Sessions"):][:1500]
    assert "30.0\xa0MB" in page and "Created on plan" in page
    assert "s3cret" not in page

    shown = alice_client.post(f"/subscribers/{sub.pk}/password/")
    assert "s3cret&#x27;pw" in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    assert Event.objects.get(kind="password_revealed").actor == alice
    assert "Password shown to alice" in alice_client.get(f"/subscribers/{sub.pk}/").content.decode()

    alice_client.post(f"/subscribers/{sub.pk}/action/", {"action": "suspend", "reason": "unpaid"})
    sub.refresh_from_db()
    assert sub.status == "suspended"
    assert "Suspended: unpaid" in alice_client.get(f"/subscribers/{sub.pk}/").content.decode()


def test_subscribers_and_plans_are_made_from_the_pages(acme, alice_client):
    answer = alice_client.post("/subscribers/plans/new/", {
        "name": "10M", "rate_limit": "2M/10M 4M/20M 1M/5M 10/10", "quota_period": "month",
        "price": "15.00", "billing_period": "month", "addressing": "pool",
        "address_pool": "pppoe-pool"})
    assert answer.status_code == 302
    bad = alice_client.post("/subscribers/plans/new/", {
        "name": "bad", "rate_limit": "fast", "quota_period": "month", "price": "1",
        "billing_period": "month", "addressing": "pool", "address_pool": "p"})
    assert "not a rate" in bad.content.decode()
    p = acme.plans.get()
    answer = alice_client.post("/subscribers/new/", {"username": "new one", "password": "pw",
                                                     "plan": p.pk, "caller_id": "nope"})
    assert "MAC" in answer.content.decode() and not Subscriber.objects.exists()
    answer = alice_client.post("/subscribers/new/", {"username": "new one", "password": "pw",
                                                     "plan": p.pk})
    sub = Subscriber.objects.get()
    assert answer["Location"] == f"/subscribers/{sub.pk}/"
    page = alice_client.get(answer["Location"]).content.decode()
    assert "FreeRADIUS cannot serve this username" in page


def test_other_tenants_see_nothing(acme, bob_client):
    p = plan(acme)
    sub = lifecycle.create_subscriber(acme, username="ana", password="pw", plan=p)
    assert "ana" not in bob_client.get("/subscribers/").content.decode()
    assert bob_client.get(f"/subscribers/{sub.pk}/").status_code == 404
    assert bob_client.post(f"/subscribers/{sub.pk}/password/").status_code == 404
    bob_client.post("/subscribers/bulk/", {"scope": "ticked", "action": "suspend",
                                           "ids": [sub.pk]})
    assert not Run.objects.exists()
    assert not Event.objects.filter(kind="password_revealed").exists()


def test_a_subscriber_is_edited_from_its_page(acme, alice, alice_client, make_router):
    router = make_router("edge")
    sub = lifecycle.create_subscriber(acme, username="ed", password="old-pw", plan=plan(acme))
    answer = alice_client.post(f"/subscribers/{sub.pk}/edit/", {
        "username": "ignored", "password": "", "phone": "555-1", "caller_id": "aa:bb:cc:dd:ee:01",
        "router": router.pk, "notes": "moved"})
    assert answer.status_code == 302
    sub.refresh_from_db()
    assert (sub.username, sub.password, sub.phone, sub.caller_id, sub.router, sub.notes) == (
        "ed", "old-pw", "555-1", "AA:BB:CC:DD:EE:01", router, "moved")
    change = Event.objects.get(subscriber=sub, kind="changed")
    assert change.actor == alice and "caller-id binding" in change.message
    bad = alice_client.post(f"/subscribers/{sub.pk}/edit/", {"caller_id": "zz", "phone": "9"})
    assert "MAC" in bad.content.decode()
    sub.refresh_from_db()
    assert sub.phone == "555-1"
