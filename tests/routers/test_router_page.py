"""The router page: facts, configs, deployments, history and its actions."""

import pytest

from provisioning.models import Deployment
from routers.choices import ConfigKind, RouterStatus
from routers.models import Router, RouterConfig

pytestmark = pytest.mark.django_db(transaction=True)


def service_config(router, choices):
    return RouterConfig.objects.create(router=router, kind=ConfigKind.SERVICE, script="# s\n",
                                       plan={"choices": choices, "steps": []})


def test_it_shows_configs_deployments_and_actions(alice_client, make_router):
    router = make_router("hq", status=RouterStatus.ACTIVE, model="RB5009")
    config = service_config(router, {"hotspot": {"x": 1}, "pppoe": None, "radius": {"y": 1}})
    dep = Deployment.objects.create(router=router, config=config, status="failed",
                                    error="could not add", failed_step="step 3",
                                    router_message="failure: already have such name")
    page = alice_client.get(f"/routers/{router.pk}/").content.decode()
    assert "RB5009" in page and "Hotspot, RADIUS" in page
    assert f"/routers/{router.pk}/deployments/{dep.pk}/" in page
    assert "failure: already have such name" in page
    assert f"/routers/{router.pk}/services/{config.pk}.rsc" in page
    for action in ("probe-again", "new-token", "redeploy", "remove-config", "delete-router"):
        assert f'id="{action}"' in page
    assert 'id="router-sessions"' not in page  # no RADIUS server: no sessions to show


def test_a_radius_router_links_to_who_is_online_on_it(alice_client, make_router, acme):
    from radius.models import RadiusServer

    router = make_router("cafe", status=RouterStatus.ACTIVE)
    router.radius_server = RadiusServer.objects.create(
        organization=acme, name="main", host="10.0.0.5", nas_secret="s3cret-enough",
        agent_url="http://10.0.0.5:8000/radius/agent/")
    router.save()
    page = alice_client.get(f"/routers/{router.pk}/").content.decode()
    assert f'href="/sessions/?router={router.pk}"' in page
    listed = alice_client.get(f"/sessions/?router={router.pk}")
    assert listed.status_code == 200 and "cafe" in listed.content.decode()


def test_the_list_shows_services_of_the_latest_config(alice_client, make_router):
    router = make_router("hq", status=RouterStatus.ACTIVE)
    service_config(router, {"hotspot": {"x": 1}})
    service_config(router, {"pppoe": {"x": 1}, "radius": {"y": 1}})
    make_router("bare")
    page = alice_client.get("/routers/").content.decode()
    assert "PPPoE, RADIUS" in page
    assert "Hotspot" not in page.split("PPPoE, RADIUS")[0].split("hq")[-1]


def test_remove_config_asks_first_and_posts_kind_remove(alice_client, make_router):
    router = make_router("hq", status=RouterStatus.ACTIVE)
    page = alice_client.get(f"/routers/{router.pk}/remove-config/").content.decode()
    assert 'name="kind" value="remove"' in page
    assert f'action="/routers/{router.pk}/services/deploy/"' in page
    alice_client.post(f"/routers/{router.pk}/services/deploy/", {"kind": "remove"})
    assert Deployment.objects.get(router=router).kind == "remove"


def test_delete_asks_first_then_removes_the_rows(alice_client, make_router):
    router = make_router("hq", status=RouterStatus.PROBING)
    RouterConfig.objects.create(router=router, kind=ConfigKind.INITIAL, script="# i\n")
    assert "confirm-delete" in alice_client.get(f"/routers/{router.pk}/delete/").content.decode()
    response = alice_client.post(f"/routers/{router.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/routers/"
    assert not Router.objects.filter(pk=router.pk).exists()
    assert not RouterConfig.objects.filter(router_id=router.pk).exists()


def test_delete_mid_probe_is_harmless_for_the_probe_job(make_router):
    from routers.services import probing, removal

    router = make_router("hq", status=RouterStatus.CONFIG_PENDING)
    probing.start_probing(router)
    targets = probing.claim_due(router.next_probe_at)
    removal.delete_router(router)
    probing.record(probing.probe(targets[0], 0.5))  # the probe in flight finishes
    assert not Router.objects.filter(pk=router.pk).exists()


def test_delete_is_refused_while_deploying_and_its_queued_deployment_does_nothing(
        alice_client, make_router):
    from conftest import run_jobs
    from hotspot import jobs, queues
    from routers.services import removal

    router = make_router("hq", status=RouterStatus.ONLINE)
    service_config(router, {"hotspot": {"x": 1}})
    alice_client.post(f"/routers/{router.pk}/services/deploy/")
    alice_client.post(f"/routers/{router.pk}/delete/")
    assert Router.objects.filter(pk=router.pk).exists()
    queue = jobs.queue_for(queues.PROVISIONING)
    assert len(queue.jobs) == 1
    Router.objects.filter(pk=router.pk).update(status=RouterStatus.FAILED)
    removal.delete_router(router)
    assert not Deployment.objects.exists()  # the row went with the router
    worker = run_jobs(queues.PROVISIONING)  # the message finds no row: nothing happens
    assert queue.jobs == [] and worker.failed_job_count == 0


def test_other_organizations_cannot_delete(bob_client, make_router):
    router = make_router("hq")
    assert bob_client.post(f"/routers/{router.pk}/delete/").status_code == 404
    assert Router.objects.filter(pk=router.pk).exists()
