"""Live data: fetched on the router-data queue only while someone polls the router's page."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_rq import get_queue

from conftest import run_jobs
from fleet.services import livedata

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def live_url(router):
    return reverse("fleet:live-data", args=[router.pk])


def queued_fetches():
    return get_queue("router-data").count


def test_it_queues_one_fetch_when_polled_and_shows_the_result(alice_client, routersim,
                                                              sim_router):
    sim = routersim()
    sim.add_item("/ip/hotspot/active", user="guest1", address="10.5.50.10", uptime="5m")
    sim.add_item("/ip/hotspot/active", user="guest2", address="10.5.50.11", uptime="1m")
    sim.add_item("/ppp/active", name="user-1", service="pppoe", address="100.64.0.2")
    router = sim_router(sim)

    first = alice_client.get(live_url(router))
    alice_client.get(live_url(router))  # a second tab: still one fetch
    assert "Fetching live data" in first.content.decode()
    assert queued_fetches() == 1

    run_jobs("router-data")
    snapshot = cache.get(livedata.cache_key(router.pk))
    assert (snapshot["hotspot_active"], snapshot["ppp_active"]) == (2, 1)
    assert snapshot["uptime"] and snapshot["total_memory"] > 0
    assert "ether1" in [i["name"] for i in snapshot["interfaces"]]

    page = alice_client.get(live_url(router)).content.decode()
    assert "Hotspot users online" in page and "guest1" in page and "ether1" in page
    assert queued_fetches() == 0  # fresh: nothing fetched


def test_it_fetches_nothing_when_nobody_looks(routersim, sim_router):
    router = sim_router(routersim())
    run_jobs()
    assert cache.get(livedata.cache_key(router.pk)) is None
    assert queued_fetches() == 0


def test_it_refetches_stale_data_and_computes_traffic_rates(alice_client, routersim,
                                                            sim_router, settings):
    settings.FLEET_LIVE_DATA_MAX_AGE = 0
    sim = routersim()
    router = sim_router(sim)
    alice_client.get(live_url(router))
    run_jobs("router-data")
    ether1 = sim.item("/interface", name="ether1")
    sim.set_item("/interface", ether1[".id"], **{"rx-byte": "1000000", "tx-byte": "500000"})
    alice_client.get(live_url(router))
    assert queued_fetches() == 1
    run_jobs("router-data")
    snapshot = cache.get(livedata.cache_key(router.pk))
    iface = next(i for i in snapshot["interfaces"] if i["name"] == "ether1")
    assert iface["rx_byte"] == 1_000_000 and iface["rx_bps"] > 0


def test_it_shows_why_an_unreachable_router_has_no_live_data(alice_client, routersim,
                                                             sim_router):
    sim = routersim()
    router = sim_router(sim)
    sim.go_offline()
    alice_client.get(live_url(router))
    run_jobs("router-data")
    page = alice_client.get(live_url(router)).content.decode()
    assert "Latest fetch failed" in page and "connection refused" in page


def test_it_hides_another_organizations_router(bob_client, routersim, sim_router):
    router = sim_router(routersim())
    assert bob_client.get(live_url(router)).status_code == 404
    assert queued_fetches() == 0


def test_it_renders_the_panels_on_the_router_page(alice_client, routersim, sim_router):
    router = sim_router(routersim())
    page = alice_client.get(reverse("routers:detail", args=[router.pk])).content.decode()
    assert live_url(router) in page
    assert reverse("fleet:pools", args=[router.pk]) in page
    assert reverse("fleet:import-start", args=[router.pk]) in page
