"""The FreeRADIUS 3.2 configuration the product ships (`manage.py freeradius_config DIR`).

Written from Debian's stock files (/etc/freeradius/3.0: mods-config/, policy.d/ and the
stock modules pap, chap, expiration, attr_filter, expr), plus the parts that make it
this product's server:

- rlm_sql on PostgreSQL (the agent's tables); RADIUS clients are the `nas` table's rows,
  looked up as dynamic clients (a new router works at once, no restart);
- time across sessions: sqlcounter `noresetcounter` (radcheck Max-All-Session) rejects a
  used-up voucher and lowers Session-Timeout to the time left; `expire_on_login`
  (Expire-After) ends a voucher a fixed time after its first login; `expiration`
  (Expiration) at a date;
- data across sessions (policy `hotspot_data`): radcheck Hotspot-Data-Limit against the
  octets in radacct; rejected when used up, else Mikrotik-Total-Limit replies what is
  left, its high part in Mikrotik-Total-Limit-Gigawords (the attribute is 32 bits);
- device binding (policies `hotspot_device_lock` and `hotspot_device_bind`): with radcheck
  Hotspot-Device-Lock the first device (Calling-Station-Id) to log in is recorded in
  `radbinding`, another device is rejected with a Reply-Message;
- Simultaneous-Use checked against open radacct rows (`session { sql }`);
- accounting into radacct (Gigawords included by the stock queries), post-auth logging
  into radpostauth (with the device, without the password), reply attributes stripped
  from Access-Reject (attr_filter.access_reject).

The same function writes the configuration the end-to-end tests run FreeRADIUS on.
"""

from __future__ import annotations

import grp
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

STOCK = Path("/etc/freeradius/3.0")
STOCK_MODULES = ("always", "pap", "chap", "expiration", "attr_filter", "expr")
# Attributes of our own, internal to the server (never sent in a packet): 3000-3999 is the
# range the stock dictionary keeps for local use.
DICTIONARY = """\
# Local attributes of the hotspot product (radcheck items; internal, never sent).
ATTRIBUTE	Hotspot-Data-Limit	3100	integer64
ATTRIBUTE	Hotspot-Device-Lock	3101	integer
ATTRIBUTE	Hotspot-Data-Since	3102	integer
"""

RADIUSD_CONF = """\
# FreeRADIUS for the hotspot product, written by `manage.py freeradius_config`.
# Rewrite it with the command rather than editing it (see docs/radius.md).
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = {var_dir}
sbindir = /usr/sbin
logdir = {log_dir}
raddbdir = {root}
radacctdir = ${{logdir}}/radacct
name = freeradius
confdir = ${{raddbdir}}
modconfdir = ${{confdir}}/mods-config
certdir = ${{confdir}}/certs
cadir = ${{confdir}}/certs
run_dir = {run_dir}
db_dir = ${{raddbdir}}
libdir = /usr/lib/freeradius
pidfile = ${{run_dir}}/freeradius.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 16384
hostname_lookups = no
log {{
  destination = files
  colourise = no
  file = ${{logdir}}/radius.log
  syslog_facility = daemon
  stripped_names = no
  auth = yes
  auth_badpass = no
  auth_goodpass = no
}}
checkrad = ${{sbindir}}/checkrad
security {{
{security}  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 1
  status_server = yes
}}
proxy_requests = no
thread pool {{
  start_servers = 5
  max_servers = 32
  min_spare_servers = 3
  max_spare_servers = 10
  max_requests_per_server = 0
  auto_limit_acct = no
}}
modules {{
  $INCLUDE mods-enabled/
}}
policy {{
  $INCLUDE policy.d/
}}
$INCLUDE sites-enabled/
"""

SQL_MODULE = """\
# The agent's tables on PostgreSQL. Holds the database password: keep it private.
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
  # A Start for a session id already open closes the old one (a router that rebooted).
  delete_stale_sessions = yes
  pool {{
    start = 1
    min = 1
    max = {pool_max}
    spare = 2
    uses = 0
    retry_delay = 1
    lifetime = 0
    idle_timeout = 60
  }}
  # RADIUS clients (the routers) come from the nas table, which the product keeps, as
  # dynamic clients (sites-enabled/hotspot): looked up at their first packet, so a new
  # router works without a restart. (Clients read at start would need one: a HUP does
  # not reload them.)
  read_clients = no
  client_table = "nas"
  group_attribute = "SQL-Group"
  # Post-auth logging with the device and without the password; found before the stock
  # section of the same name in queries.conf, so it is the one used.
  post-auth {{
    query = "\\
      INSERT INTO ${{..postauth_table}} \\
        (username, pass, reply, calledstationid, callingstationid, authdate) \\
      VALUES ('%{{SQL-User-Name}}', '', '%{{reply:Packet-Type}}', \\
        '%{{Called-Station-Id}}', '%{{Calling-Station-Id}}', '%S.%M')"
  }}
  # PostgreSQL's own escaping instead of safe_characters: a PPP subscriber's name may hold
  # quotes, $ or non-ASCII letters, which the default escaping turns into =XX and then
  # finds no radcheck row (and would store in radacct under another name). Voucher codes
  # are all safe characters: unchanged for them.
  auto_escape = yes
  $INCLUDE ${{modconfdir}}/${{.:name}}/main/${{dialect}}/queries.conf
}}
"""

SQLCOUNTER = """\
# Time across all sessions (radcheck Max-All-Session): rejected when used up, otherwise
# Session-Timeout is lowered to the time left.
sqlcounter noresetcounter {
  sql_module_instance = sql
  dialect = ${modules.sql.dialect}
  counter_name = Max-All-Session-Time
  check_name = Max-All-Session
  reply_name = Session-Timeout
  key = User-Name
  reset = never
  $INCLUDE ${modconfdir}/sql/counter/${dialect}/${.:instance}.conf
}
# Valid for a time after the first login (radcheck Expire-After, seconds).
sqlcounter expire_on_login {
  sql_module_instance = sql
  dialect = ${modules.sql.dialect}
  counter_name = Expire-After-Initial-Login
  check_name = Expire-After
  reply_name = Session-Timeout
  key = User-Name
  reset = never
  $INCLUDE ${modconfdir}/sql/counter/${dialect}/${.:instance}.conf
}
"""

POLICY = """\
# Policies of the hotspot product (sites-enabled/hotspot calls them).

# Data across all sessions: radcheck Hotspot-Data-Limit (bytes) against radacct; with
# Hotspot-Data-Since (Unix time: a PPPoE plan's quota period start), only the sessions
# started since then count.
hotspot_data {
  if (&control:Hotspot-Data-Limit) {
    if (&control:Hotspot-Data-Since) {
      update control {
        &Tmp-Integer64-0 := "%{sql:SELECT COALESCE(SUM(COALESCE(acctinputoctets, 0) + COALESCE(acctoutputoctets, 0)), 0) FROM radacct WHERE username = '%{User-Name}' AND acctstarttime >= to_timestamp(%{control:Hotspot-Data-Since})}"
      }
    }
    else {
      update control {
        &Tmp-Integer64-0 := "%{sql:SELECT COALESCE(SUM(COALESCE(acctinputoctets, 0) + COALESCE(acctoutputoctets, 0)), 0) FROM radacct WHERE username = '%{User-Name}'}"
      }
    }
    if (&control:Tmp-Integer64-0 >= &control:Hotspot-Data-Limit) {
      update reply {
        &Reply-Message := "Your data allowance is used up"
      }
      reject
    }
    update control {
      &Tmp-Integer64-1 := "%{expr:%{control:Hotspot-Data-Limit} - %{control:Tmp-Integer64-0}}"
    }
    # Mikrotik-Total-Limit is 32 bits: the rest goes in its Gigawords companion, or
    # RouterOS silently drops the high part (5 GiB would become 1 GiB).
    update reply {
      &Mikrotik-Total-Limit := "%{expr:%{control:Tmp-Integer64-1} %% 4294967296}"
    }
    if ("%{expr:%{control:Tmp-Integer64-1} / 4294967296}" > 0) {
      update reply {
        &Mikrotik-Total-Limit-Gigawords := "%{expr:%{control:Tmp-Integer64-1} / 4294967296}"
      }
    }
    else {
      update reply {
        &Mikrotik-Total-Limit-Gigawords !* ANY
      }
    }
  }
}

# One device per voucher (radcheck Hotspot-Device-Lock): the device bound at the first
# login (radbinding) may come back; another is rejected.
hotspot_device_lock {
  if (&control:Hotspot-Device-Lock && &control:Hotspot-Device-Lock != 0) {
    if (!&Calling-Station-Id) {
      update reply {
        &Reply-Message := "This voucher works on one device only, and this one sent no address"
      }
      reject
    }
    update control {
      &Tmp-String-0 := "%{sql:SELECT callingstationid FROM radbinding WHERE username = '%{User-Name}'}"
    }
    if (&control:Tmp-String-0 && &control:Tmp-String-0 != "" && &control:Tmp-String-0 != "%{toupper:%{Calling-Station-Id}}") {
      update reply {
        &Reply-Message := "This voucher is in use on another device"
      }
      reject
    }
  }
}

# Sign every Access-Accept and -Reject with a Message-Authenticator (the server fills in
# the value). RouterOS 7.15+ drops answers without one by default (/radius
# require-message-auth=yes-for-request-resp, against Blast-RADIUS, CVE-2024-3596), and
# FreeRADIUS before 3.2.5 (Debian 12 ships 3.2.1) does not add it by itself.
hotspot_message_authenticator {
  update reply {
    &Message-Authenticator := 0x00
  }
}

hotspot_device_bind {
  if (&control:Hotspot-Device-Lock && &control:Hotspot-Device-Lock != 0 && &Calling-Station-Id) {
    update control {
      &Tmp-String-1 := "%{sql:INSERT INTO radbinding (username, callingstationid, boundat) VALUES ('%{User-Name}', '%{toupper:%{Calling-Station-Id}}', now()) ON CONFLICT (username) DO NOTHING}"
    }
  }
}
"""

SITE = """\
# The hotspot product's virtual server (`manage.py freeradius_config`).

# Routers are the nas table's rows, looked up when a packet comes from an address not yet
# known, then kept for `lifetime` seconds: a new router works at its first packet; a changed
# secret or a removed router takes effect within `lifetime`. Unknown addresses are ignored.
client hotspot_routers {{
  ipaddr = 0.0.0.0/0
  dynamic_clients = hotspot_clients
  lifetime = {client_lifetime}
}}
server hotspot_clients {{
  authorize {{
    if ("%{{sql:SELECT nasname FROM nas WHERE nasname = '%{{Packet-Src-IP-Address}}' LIMIT 1}}") {{
      update control {{
        &FreeRADIUS-Client-IP-Address = "%{{Packet-Src-IP-Address}}"
        &FreeRADIUS-Client-Require-MA = no
        &FreeRADIUS-Client-Shortname = "%{{sql:SELECT shortname FROM nas WHERE nasname = '%{{Packet-Src-IP-Address}}' LIMIT 1}}"
        &FreeRADIUS-Client-Secret = "%{{sql:SELECT secret FROM nas WHERE nasname = '%{{Packet-Src-IP-Address}}' LIMIT 1}}"
        &FreeRADIUS-Client-NAS-Type = "other"
        &FreeRADIUS-Client-Virtual-Server = "hotspot"
      }}
    }}
    ok
  }}
}}

server hotspot {{
  listen {{
    type = auth
    ipaddr = {listen}
    port = {auth_port}
  }}
  listen {{
    type = acct
    ipaddr = {listen}
    port = {acct_port}
  }}
  authorize {{
    filter_username
    chap
    sql
    hotspot_device_lock
    expiration
    noresetcounter
    expire_on_login
    hotspot_data
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
    hotspot_device_bind
    # For routers whose interim interval is "received" (RouterOS): send ours unless the
    # user's reply already has one.
    update reply {{
      &Acct-Interim-Interval = {interim}
    }}
    hotspot_message_authenticator
    sql
    Post-Auth-Type REJECT {{
      attr_filter.access_reject
      hotspot_message_authenticator
      sql
    }}
  }}
}}
"""


@dataclass
class Options:
    database: dict  # host, port, user, password, name
    listen: str = "*"
    auth_port: int = 1812
    acct_port: int = 1813
    interim: int = 300
    client_lifetime: int = 300
    var_dir: str = "/var"
    log_dir: str = "/var/log/freeradius"
    run_dir: str = "/var/run/freeradius"
    user: str = ""  # empty: run as whoever starts it (systemd's unit says freerad)
    group: str = ""
    pool_max: int = 16
    stock: Path = STOCK


class ConfigError(ValueError):
    """The configuration cannot be written as asked; the message says why."""


def _quote(value) -> str:
    # Values go inside double quotes in FreeRADIUS's configuration.
    text = str(value)
    if any(c in text for c in '"\\\n\r') or "${" in text:
        raise ConfigError(f"{text!r} cannot be written into the configuration")
    return text


def write(root: Path, options: Options) -> list[Path]:
    """Write the configuration into `root` (created; files already there are replaced)."""
    stock = Path(options.stock)
    if not (stock / "mods-config").is_dir():
        raise ConfigError(f"Debian's FreeRADIUS files are not in {stock} "
                          "(apt-get install freeradius freeradius-postgresql)")
    db = options.database
    root = Path(root).resolve()
    for sub in ("mods-enabled", "sites-enabled"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("mods-config", "policy.d"):
        shutil.copytree(stock / sub, root / sub, dirs_exist_ok=True)
    for module in STOCK_MODULES:
        shutil.copy(stock / "mods-available" / module, root / "mods-enabled" / module)
    security = "".join(f"  {key} = {_quote(value)}\n"
                       for key, value in (("user", options.user), ("group", options.group))
                       if value)
    files = {
        "radiusd.conf": RADIUSD_CONF.format(
            root=_quote(root), var_dir=_quote(options.var_dir), log_dir=_quote(options.log_dir),
            run_dir=_quote(options.run_dir), security=security),
        "dictionary": DICTIONARY,
        "mods-enabled/sql": SQL_MODULE.format(
            host=_quote(db.get("host") or "127.0.0.1"), port=int(db.get("port") or 5432),
            user=_quote(db.get("user") or ""), password=_quote(db.get("password") or ""),
            name=_quote(db["name"]), pool_max=int(options.pool_max)),
        "mods-enabled/sqlcounter": SQLCOUNTER,
        "policy.d/hotspot": POLICY,
        "sites-enabled/hotspot": SITE.format(
            listen=_quote(options.listen), auth_port=int(options.auth_port),
            acct_port=int(options.acct_port), interim=int(options.interim),
            client_lifetime=int(options.client_lifetime)),
    }
    written = []
    for name, text in files.items():
        path = root / name
        path.write_text(text)
        written.append(path)
    _private(root / "mods-enabled" / "sql", options.group)
    return written


def _private(path: Path, group: str) -> None:
    """The database password is in this file: readable by its owner (and the group)."""
    path.chmod(0o640)
    if group and os.geteuid() == 0:
        try:
            os.chown(path, 0, grp.getgrnam(group).gr_gid)
        except KeyError:
            pass


def database_from_settings(settings_dict: dict) -> dict:
    """The sql module's connection from a Django database settings dict (PostgreSQL only)."""
    if "postgresql" not in settings_dict.get("ENGINE", ""):
        raise ConfigError("FreeRADIUS reads the agent's tables on PostgreSQL: set "
                          "RADIUS_DATABASE_URL (or DATABASE_URL) to a postgres:// URL")
    return {"host": settings_dict.get("HOST") or "127.0.0.1",
            "port": settings_dict.get("PORT") or 5432, "user": settings_dict.get("USER") or "",
            "password": settings_dict.get("PASSWORD") or "", "name": settings_dict["NAME"]}
