"""Import pages: queued at once, scoped to the organization, passwords never shown."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from conftest import run_jobs
from fleet.models import ImportedPool, ImportedPppSecret, ImportKind, ImportRun, ImportStatus
from tests.fleet.conftest import fill, pool_fields, secret_fields

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def start_url(router):
    return reverse("fleet:import-start", args=[router.pk])


def test_it_answers_an_import_request_at_once_with_a_link(alice_client, routersim, sim_router):
    sim = routersim()
    fill(sim, "/ip/pool", 3, pool_fields)
    router = sim_router(sim)
    response = alice_client.post(start_url(router), {"kind": "pools"}, follow=True)
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.PENDING  # nothing ran in the request
    page = response.content.decode()
    assert "Import queued" in page
    assert reverse("fleet:import-detail", args=[router.pk, run.pk]) in page
    run_jobs("imports")
    progress = alice_client.get(reverse("fleet:import-progress", args=[router.pk, run.pk]))
    assert progress.status_code == 286  # finished: htmx stops polling
    assert "Added 3" in progress.content.decode()


def test_it_applies_a_preview_from_its_page(alice_client, routersim, sim_router):
    sim = routersim()
    fill(sim, "/ip/pool", 2, pool_fields)
    router = sim_router(sim)
    alice_client.post(start_url(router), {"kind": "pools", "preview": "1"})
    run_jobs("imports")
    preview = ImportRun.objects.get()
    page = alice_client.get(reverse("fleet:import-detail", args=[router.pk, preview.pk]))
    assert "Apply: import now" in page.content.decode()
    assert "pool-0, pool-1" in page.content.decode()
    alice_client.post(start_url(router), {"kind": "pools", "preview": "0"})
    run_jobs("imports")
    assert ImportedPool.objects.filter(router=router).count() == 2


def test_it_refuses_get_and_other_organizations(alice_client, bob_client, routersim,
                                                 sim_router):
    router = sim_router(routersim())
    assert alice_client.get(start_url(router)).status_code == 405
    assert bob_client.post(start_url(router), {"kind": "all"}).status_code == 404
    for name in ("imports", "pools", "secrets", "hotspot-users"):
        assert bob_client.get(reverse(f"fleet:{name}", args=[router.pk])).status_code == 404
    assert not ImportRun.objects.exists()


def test_it_lists_secrets_searchable_and_paginated_without_passwords(alice_client, routersim,
                                                                     sim_router):
    sim = routersim()
    fill(sim, "/ppp/secret", 120, secret_fields)
    router = sim_router(sim)
    alice_client.post(start_url(router), {"kind": ImportKind.PPP_SECRETS})
    run_jobs("imports")
    url = reverse("fleet:secrets", args=[router.pk])
    page = alice_client.get(url).content.decode()
    assert "Page 1 of 3" in page and "pw-" not in page
    found = alice_client.get(url, {"q": "user-77"}).content.decode()
    assert "user-77" in found and "user-78" not in found and "pw-77" not in found
    assert ImportedPppSecret.objects.count() == 120


def test_it_shows_pool_sizes_and_what_the_product_deployed(alice_client, routersim,
                                                           sim_router):
    sim = routersim()
    sim.add_item("/ip/pool", name="hs-pool", ranges="10.5.50.2-10.5.50.254",
                 comment="hotspot: hs-1")
    sim.add_item("/ip/pool", name="own", ranges="192.168.88.0/24")
    router = sim_router(sim)
    alice_client.post(start_url(router), {"kind": "pools"})
    run_jobs("imports")
    page = alice_client.get(reverse("fleet:pools", args=[router.pk])).content.decode()
    assert "deployed by the product" in page and "253" in page and "256" in page
    assert "509 addresses" in page


def test_the_command_previews_and_imports(routersim, sim_router, capsys):
    sim = routersim()
    fill(sim, "/ip/pool", 2, pool_fields)
    router = sim_router(sim)
    call_command("import_from_routers", "--router", router.name, "--preview")
    assert "would add" in capsys.readouterr().out
    assert not ImportedPool.objects.exists()
    call_command("import_from_routers", "--all")
    assert ImportedPool.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("import_from_routers", "--router", "nope")
