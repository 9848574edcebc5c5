"""A real FreeRADIUS (Debian's package) for tests: a config directory, started in the foreground.

It reads the agent's tables in the test database (rlm_sql, PostgreSQL), loads its
clients from the `nas` table, and listens on free loopback ports. Measured minimal
configuration: shared/research/radius-rq-channels.md section 1.4.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

SYSTEM_CONFIG = Path("/etc/freeradius/3.0")

RADIUSD_CONF = """
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = {root}/var
sbindir = /usr/sbin
logdir = {root}/log
raddbdir = {root}
radacctdir = {root}/log/radacct
name = freeradius
confdir = {root}
modconfdir = ${{confdir}}/mods-config
certdir = ${{confdir}}/certs
cadir = ${{confdir}}/certs
run_dir = {root}/run
db_dir = {root}/var
libdir = /usr/lib/freeradius
pidfile = {root}/run/freeradius.pid
max_request_time = 30
cleanup_delay = 0
max_requests = 16384
hostname_lookups = no
log {{
  destination = stdout
  colourise = no
  file = {root}/log/radius.log
  syslog_facility = daemon
  stripped_names = no
  auth = yes
  auth_badpass = no
  auth_goodpass = no
}}
checkrad = /usr/sbin/checkrad
security {{
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = yes
}}
proxy_requests = no
thread pool {{
  start_servers = 2
  max_servers = 4
  min_spare_servers = 1
  max_spare_servers = 4
  max_requests_per_server = 0
}}
modules {{
  $INCLUDE mods-enabled/
}}
policy {{
  $INCLUDE policy.d/
}}
$INCLUDE sites-enabled/
"""

SQL_MODULE = """
sql {{
  dialect = "postgresql"
  driver = "rlm_sql_${{dialect}}"
  server = "{host}"
  port = {port}
  login = "{user}"
  password = "{password}"
  radius_db = "{name}"
  acct_table1 = "radacct"
  acct_table2 = "radacct"
  postauth_table = "radpostauth"
  authcheck_table = "radcheck"
  groupcheck_table = "radgroupcheck"
  authreply_table = "radreply"
  groupreply_table = "radgroupreply"
  usergroup_table = "radusergroup"
  delete_stale_sessions = yes
  pool {{
    start = 1
    min = 1
    max = 4
    spare = 2
    uses = 0
    retry_delay = 1
    lifetime = 0
    idle_timeout = 60
  }}
  read_clients = yes
  client_table = "nas"
  group_attribute = "SQL-Group"
  $INCLUDE ${{modconfdir}}/${{.:name}}/main/${{dialect}}/queries.conf
}}
"""

SQLCOUNTER = """
sqlcounter noresetcounter {
  sql_module_instance = sql
  dialect = ${modules.sql.dialect}
  counter_name = Max-All-Session-Time
  check_name = Max-All-Session
  key = User-Name
  reset = never
  $INCLUDE ${modconfdir}/sql/counter/${dialect}/${.:instance}.conf
}
sqlcounter expire_on_login {
  sql_module_instance = sql
  dialect = ${modules.sql.dialect}
  counter_name = Expire-After-Initial-Login
  check_name = Expire-After
  key = User-Name
  reset = never
  $INCLUDE ${modconfdir}/sql/counter/${dialect}/${.:instance}.conf
}
"""

SITE = """
server default {{
  listen {{
    type = auth
    ipaddr = 127.0.0.1
    port = {auth_port}
  }}
  listen {{
    type = acct
    ipaddr = 127.0.0.1
    port = {acct_port}
  }}
  authorize {{
    sql
    expiration
    noresetcounter
    expire_on_login
    chap
    pap
  }}
  authenticate {{
    Auth-Type PAP {{
      pap
    }}
    Auth-Type CHAP {{
      chap
    }}
  }}
  preacct {{
    acct_unique
  }}
  accounting {{
    sql
  }}
  session {{
    sql
  }}
  post-auth {{
    sql
    Post-Auth-Type REJECT {{
      attr_filter.access_reject
      sql
    }}
  }}
}}
"""

STOCK_MODULES = ("expiration", "pap", "chap", "attr_filter", "expr")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(root: Path, db: dict, auth_port: int, acct_port: int) -> Path:
    """A FreeRADIUS config directory reading the database `db` (Django settings_dict)."""
    for sub in ("var", "log/radacct", "run", "mods-enabled", "sites-enabled"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    shutil.copytree(SYSTEM_CONFIG / "mods-config", root / "mods-config")
    shutil.copytree(SYSTEM_CONFIG / "policy.d", root / "policy.d")
    shutil.copy(SYSTEM_CONFIG / "dictionary", root / "dictionary")
    (root / "radiusd.conf").write_text(RADIUSD_CONF.format(root=root))
    (root / "mods-enabled" / "sql").write_text(SQL_MODULE.format(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        password=db["PASSWORD"] or "", name=db["NAME"],
    ))
    (root / "mods-enabled" / "sqlcounter").write_text(SQLCOUNTER)
    for module in STOCK_MODULES:
        shutil.copy(SYSTEM_CONFIG / "mods-available" / module, root / "mods-enabled" / module)
    (root / "sites-enabled" / "default").write_text(
        SITE.format(auth_port=auth_port, acct_port=acct_port)
    )
    return root


class FreeRadius:
    """`freeradius -X` in the foreground; its output is kept for failure messages."""

    def __init__(self, root: Path, auth_port: int, acct_port: int):
        self.root, self.auth_port, self.acct_port = root, auth_port, acct_port
        self.log = root / "freeradius.out"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 15) -> FreeRadius:
        binary = shutil.which("freeradius") or shutil.which("radiusd")
        if binary is None:
            raise RuntimeError("freeradius is not installed (apt-get install freeradius "
                               "freeradius-postgresql freeradius-utils)")
        out = self.log.open("wb")
        self.process = subprocess.Popen([binary, "-X", "-d", str(self.root)], stdout=out,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"freeradius exited:\n{self.output()[-4000:]}")
            if "Ready to process requests" in self.output():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"freeradius did not start:\n{self.output()[-4000:]}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
