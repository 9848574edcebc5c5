"""manage.py freeradius_config DIR: write the FreeRADIUS 3.2 configuration the product ships.

Then run FreeRADIUS on it: `freeradius -X -d DIR` to try it, or FREERADIUS_OPTIONS="-d DIR"
in /etc/default/freeradius for Debian's service (docs/radius.md).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from radius import freeradius


class Command(BaseCommand):
    help = "Write the FreeRADIUS configuration (sql on the agent's PostgreSQL tables) into DIR."

    def add_arguments(self, parser):
        parser.add_argument("dir", help="directory to write, e.g. /etc/freeradius/hotspot")
        parser.add_argument("--database-url", default="",
                            help="the agent's database (default: RADIUS_DATABASE_URL, else "
                                 "DATABASE_URL)")
        parser.add_argument("--listen", default="*", help="address to listen on (default: all)")
        parser.add_argument("--auth-port", type=int, default=1812)
        parser.add_argument("--acct-port", type=int, default=1813)
        parser.add_argument("--interim", type=int, default=settings.RADIUS_INTERIM_INTERVAL,
                            help="Acct-Interim-Interval replied to routers that ask (seconds)")
        parser.add_argument("--client-lifetime", type=int, default=300,
                            help="seconds a router's NAS row is kept before it is read again")
        parser.add_argument("--var-dir", default="/var")
        parser.add_argument("--log-dir", default="/var/log/freeradius")
        parser.add_argument("--run-dir", default="/var/run/freeradius")
        parser.add_argument("--user", default="",
                            help="user to switch to after start (Debian's unit runs as freerad "
                                 "already)")
        parser.add_argument("--group", default="freerad",
                            help="group that may read the file holding the database password")
        parser.add_argument("--stock", default=str(freeradius.STOCK),
                            help="Debian's FreeRADIUS configuration to start from")

    def handle(self, *args, **options):
        for name in ("auth_port", "acct_port"):
            if not 1 <= options[name] <= 65535:
                raise CommandError(f"--{name.replace('_', '-')} must be 1-65535")
        if not 1 <= options["client_lifetime"] <= 86400:
            raise CommandError("--client-lifetime must be 1-86400 seconds")
        if not 10 <= options["interim"] <= 86400:
            raise CommandError("--interim must be 10-86400 seconds")
        url = options["database_url"]
        db = (dj_database_url.parse(url) if url
              else connections[settings.RADIUS_DATABASE].settings_dict)
        try:
            written = freeradius.write(Path(options["dir"]), freeradius.Options(
                database=freeradius.database_from_settings(db), listen=options["listen"],
                auth_port=options["auth_port"], acct_port=options["acct_port"],
                interim=options["interim"], client_lifetime=options["client_lifetime"],
                var_dir=options["var_dir"],
                log_dir=options["log_dir"], run_dir=options["run_dir"], user=options["user"],
                group=options["group"], stock=Path(options["stock"]),
            ))
        except (freeradius.ConfigError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"wrote {len(written)} files into {options['dir']}; check it with "
                          f"`freeradius -XC -d {options['dir']}`")
