"""The product's API group holds exactly what its writes need: `ftp` for the portal's files.
A router onboarded with an older group is told how to fix it, and is left as it was."""

import pytest

from routers.services.onboarding import API_GROUP, API_POLICIES
from tests.fidelity import wizard
from tests.fidelity.test_versions import HOTSPOT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.fixture(autouse=True)
def fast_probing(settings):
    settings.PROBE_INTERVAL_SECONDS = 0.3
    settings.ROUTER_CONNECT_TIMEOUT = 2.0


def test_the_group_grants_ftp_and_an_old_group_is_explained(alice_client, acme, routersim):
    sim = routersim(version="7.16")
    router = wizard.onboard(acme, sim)
    group = sim.item("/user/group", name=API_GROUP)
    granted = [p for p in group["policy"].split(",") if not p.startswith("!")]
    assert set(granted) == set(API_POLICIES.split(","))
    assert "ftp" in granted and "full" not in granted and "reboot" not in granted

    # As onboarded before the group had ftp:
    sim.set_item("/user/group", group[".id"], policy="read,write,api,policy,test,sensitive")
    assert wizard.generate(alice_client, router, HOTSPOT).status_code == 200
    dep = wizard.deploy(alice_client, router)
    assert dep.status == "failed" and dep.rollback_clean
    assert "not enough permissions" in dep.error
    assert f"/user group set {API_GROUP} policy={API_POLICIES}" in dep.error
    assert not [f for f in sim.items("/file") if f["name"].startswith("hs")]

    sim.set_item("/user/group", group[".id"], policy=API_POLICIES)
    assert wizard.deploy(alice_client, router).status == "completed"
