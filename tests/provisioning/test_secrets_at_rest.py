"""After a RADIUS deployment and an import of PPP secrets, no secret is in clear in the
product's database (pg_dump), in `manage.py dumpdata` (which runs without exclusions),
or on the deployment's admin page: not the NAS secret (it sits in the deployment's
snapshots of /radius), not the router's API token, not the agent token, not an
imported password."""

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from conftest import run_jobs
from fleet.services.imports import request_import
from tests.provisioning.helpers import (
    HOTSPOT,
    TOKEN,
    deploy,
    generate,
    online_router,
    radius_server,
    with_radius,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

# FreeRADIUS's own tables: FreeRADIUS must read the NAS secret (nas) and voucher
# passwords (radcheck) in clear, so they are not the product's to encrypt; production
# keeps them in their own database (RADIUS_DATABASE_URL, docs/operations.md).
FREERADIUS_TABLES = ("nas", "radcheck", "radreply", "radgroupcheck", "radgroupreply",
                     "radusergroup", "radacct", "radpostauth")


def pg_dump() -> str:
    db = connection.settings_dict
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        pytest.fail("this test reads a pg_dump of the test database (PostgreSQL)")
    excluded = [f"--exclude-table-data={t}" for t in FREERADIUS_TABLES]
    return subprocess.run(
        ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432),
         "-U", db["USER"] or "postgres", *excluded, db["NAME"]],
        check=True, capture_output=True, text=True, env={"PGPASSWORD": db["PASSWORD"] or ""},
    ).stdout


def test_no_secret_is_stored_or_dumped_in_clear(acme, routersim, admin_client):
    sim = routersim()
    sim.add("/ppp/secret", name="customer-7", password="imported-pw-77-secret",
            service="pppoe")
    sim.add("/radius", address="192.0.2.99", secret="an-older-nas-secret-42",
            service="ppp")  # a RADIUS client the router already had
    router = online_router(acme, sim)
    server = radius_server(acme)
    generate(router, with_radius(server, HOTSPOT))
    dep = deploy(router)
    assert dep.status == "completed"
    assert any(r.get("secret") == server.nas_secret for r in sim.items("/radius"))
    request_import(router)
    run_jobs("imports")
    secrets = {"NAS secret": server.nas_secret, "older NAS secret": "an-older-nas-secret-42",
               "API token": TOKEN, "agent token": server.agent_token,
               "imported password": "imported-pw-77-secret"}

    dump = pg_dump()
    out = io.StringIO()
    call_command("dumpdata", stdout=out)  # no exclusions needed
    page = admin_client.get(f"/admin/provisioning/deployment/{dep.pk}/change/")
    assert page.status_code == 200
    for what, secret in secrets.items():
        assert secret not in dump, f"{what} in clear in pg_dump"
        assert secret not in out.getvalue(), f"{what} in clear in dumpdata"
        assert secret not in page.content.decode(), f"{what} on the deployment's admin page"
    assert "customer-7" in dump  # the dump did read the imported rows
