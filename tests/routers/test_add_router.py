"""Stage 1: adding a router gives a token, a clean initial script and starts probing."""

import pytest

from hotspot import jobs, queues
from routers.choices import ConfigKind, RouterStatus
from routers.models import Router
from routers.routeros.quoting import check_script
from routers.services.onboarding import initial_script

HOSTILE_NAMES = ['a"b', "x$y", "[find]", "a;b", "line\nbreak", "back\\slash", "n" * 300,
                 "Zürich-café", "ünïcødé", ""]


@pytest.mark.django_db(transaction=True)
def test_it_creates_the_router_with_token_script_and_a_probe_job(alice_client):
    response = alice_client.post("/routers/add/", {"name": "hq-01", "host": "10.9.0.1"})
    router = Router.objects.get(name="hq-01")
    assert response.status_code == 302
    assert response["Location"] == f"/routers/{router.pk}/wizard/"
    assert router.status == RouterStatus.PROBING
    assert router.api_port == 8728
    assert router.api_username == "api-hq-01"
    assert len(router.config_token) >= 32
    config = router.configs.get(kind=ConfigKind.INITIAL)
    assert '/system identity set name="hq-01"' in config.script
    assert router.config_token not in config.script  # stored with a placeholder
    assert f'password="{router.config_token}"' in config.operator_script
    assert "group=full" not in config.script
    assert 'policy="read,write,api,policy,test,sensitive,ftp"' in config.script
    assert check_script(config.operator_script) == []
    from background.models import Job

    row = Job.objects.get(kind="routers.jobs.probe_due_routers")
    assert row.status == "pending"
    queue = jobs.queue_for(queues.ROUTER_CHECKS)
    assert [j.args for j in queue.jobs] == [("background.Job", row.pk)]


@pytest.mark.django_db(transaction=True)
def test_it_enables_api_ssl_and_port_8729_with_tls(alice_client):
    alice_client.post("/routers/add/", {"name": "tls-1", "host": "r.example.net",
                                        "use_tls": "on"})
    router = Router.objects.get(name="tls-1")
    assert (router.api_port, router.use_tls) == (8729, True)
    script = router.configs.get().script
    assert "/ip service set api-ssl disabled=no" in script
    assert check_script(script) == []


def test_the_wizard_page_shows_the_script_with_copy_and_download(alice_client, make_router):
    from routers.services.onboarding import _save_initial_config

    router = make_router("hq-02", status=RouterStatus.PROBING)
    _save_initial_config(router)
    page = alice_client.get(f"/routers/{router.pk}/wizard/").content.decode()
    assert "Copy script" in page
    assert f"/routers/{router.pk}/initial.rsc" in page
    assert "/system identity set name=&quot;hq-02&quot;" in page
    download = alice_client.get(f"/routers/{router.pk}/initial.rsc")
    assert download["Content-Disposition"] == 'attachment; filename="hq-02-initial.rsc"'
    assert b'/system identity set name="hq-02"' in download.content


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_it_refuses_hostile_names_with_a_message_and_saves_nothing(alice_client, name):
    response = alice_client.post("/routers/add/", {"name": name, "host": "10.0.0.1"})
    assert response.status_code == 200
    errors = response.context["form"].errors["name"]
    assert errors and all(str(e) for e in errors)
    assert not Router.objects.exists()


@pytest.mark.parametrize("host,ok", [("10.0.0.1", True), ("router.example.net", True),
                                     ("2001:db8::1", True), ("10.0.0.300", False),
                                     ("bad host", False), ("-x.example", False), ("", False)])
def test_it_validates_the_management_host(alice_client, host, ok):
    response = alice_client.post("/routers/add/", {"name": "h1", "host": host})
    assert (response.status_code == 302) is ok
    assert Router.objects.exists() is ok


@pytest.mark.parametrize("port", ["0", "65536", "x"])
def test_it_refuses_a_port_out_of_range(alice_client, port):
    response = alice_client.post("/routers/add/", {"name": "p1", "host": "10.0.0.1",
                                                   "api_port": port})
    assert "api_port" in response.context["form"].errors
    assert not Router.objects.exists()


def test_it_refuses_a_duplicate_name_in_the_same_organization(alice_client, make_router):
    make_router("dup")
    response = alice_client.post("/routers/add/", {"name": "DUP", "host": "10.0.0.1"})
    assert "already exists" in str(response.context["form"].errors["name"])


@pytest.mark.parametrize("identity", ['a"b', "x$y", "[find]", "a;b", "two\nlines", "back\\slash",
                                      "n" * 300, "Zürich café ✓", "$[/system reset-configuration]"])
def test_it_escapes_hostile_identities_so_the_router_gets_exactly_that_name(routersim, identity):
    router = routersim()
    script = initial_script(identity, "api-safe", "T" * 43, use_tls=False)
    assert check_script(script) == []
    router.import_script(script)
    assert router.identity() == identity
    assert [u["name"] for u in router.items("/user") if u["name"] == "api-safe"] == ["api-safe"]


def test_it_warns_before_adding_a_second_router_at_the_same_host_and_port(alice_client,
                                                                           make_router):
    make_router("hq-01", host="10.9.0.1", api_port=8728)
    response = alice_client.post("/routers/add/", {"name": "hq-02", "host": "10.9.0.1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "hq-01 already uses 10.9.0.1:8728" in page
    assert 'name="same_address_ok"' in page
    assert not Router.objects.filter(name="hq-02").exists()

    # Another port is another router: no warning.
    assert alice_client.post("/routers/add/", {"name": "hq-03", "host": "10.9.0.1",
                                               "api_port": 8828}).status_code == 302
    # Confirmed: added.
    response = alice_client.post("/routers/add/", {"name": "hq-02", "host": "10.9.0.1",
                                                   "same_address_ok": "on"})
    assert response.status_code == 302
    assert Router.objects.filter(name="hq-02", host="10.9.0.1").exists()
