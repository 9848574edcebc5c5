"""`manage.py freeradius_config DIR` writes a configuration Debian's FreeRADIUS accepts."""

import io
import os
import shutil
import stat
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.radius.freeradius import write_config

URL = "postgres://radius:pw@db.example:5433/radius"


def test_it_writes_a_configuration_freeradius_accepts(tmp_path, db):
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("FreeRADIUS reads PostgreSQL: set DATABASE_URL")
        pytest.skip("FreeRADIUS reads PostgreSQL: set DATABASE_URL")
    root = write_config(tmp_path / "raddb", connection.settings_dict, 21812, 21813)

    check = subprocess.run([shutil.which("freeradius"), "-XC", "-d", str(root)],
                           capture_output=True, text=True, timeout=60)

    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-2000:]
    assert "Configuration appears to be OK" in check.stdout
    site = (root / "sites-enabled" / "hotspot").read_text()
    for piece in ("noresetcounter", "expire_on_login", "hotspot_data", "hotspot_device_lock",
                  "session {", "attr_filter.access_reject", "acct_unique"):
        assert piece in site
    assert "dynamic_clients = hotspot_clients" in site and "FROM nas" in site


def test_it_keeps_the_database_password_private(tmp_path):
    call_command("freeradius_config", str(tmp_path / "r"), "--database-url", URL,
                 "--group", "", stdout=io.StringIO())
    sql = tmp_path / "r" / "mods-enabled" / "sql"
    assert 'password = "pw"' in sql.read_text() and 'server = "db.example"' in sql.read_text()
    assert stat.S_IMODE(sql.stat().st_mode) == 0o640


@pytest.mark.parametrize("args, message", [
    (["--database-url", "sqlite:///x.db"], "PostgreSQL"),
    (["--database-url", 'postgres://u:p"w@h/db'], "cannot be written"),
    (["--database-url", URL, "--auth-port", "99999"], "1-65535"),
    (["--database-url", URL, "--stock", "/nonexistent"], "Debian's FreeRADIUS files"),
])
def test_it_refuses_what_it_cannot_write(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("freeradius_config", str(tmp_path / "r"), *args, stdout=io.StringIO())
    assert not (tmp_path / "r" / "radiusd.conf").exists()
