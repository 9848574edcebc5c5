"""Apply a .rsc script to a router over the API, as if pasted into its terminal (demos).

    manage.py routersim_apply initial.rsc --port 8728 [--user admin --password ""]

It uploads the file (/file/add) and runs /import, the same way an operator would.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from routers.routeros.client import RouterOSClient
from routers.routeros.errors import RouterOSError


class Command(BaseCommand):
    help = "Upload a .rsc script to a (simulated) router and /import it."

    def add_arguments(self, parser):
        parser.add_argument("script", type=Path)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8728)
        parser.add_argument("--user", default="admin")
        parser.add_argument("--password", default="")

    def handle(self, *args, script, host, port, user, password, **options):
        if not script.exists():
            raise CommandError(f"{script} does not exist")
        name = "hotspot-apply.rsc"
        try:
            # The person at the terminal names the router: no outbound policy here.
            with RouterOSClient(host, port, user, password, timeout=10,
                                outbound_policy=False) as api:
                for old in api.print("/file", name=name):
                    api.remove("/file", old[".id"])
                api.add("/file", name=name, contents=script.read_text())
                api.run("/import", {"file-name": name})
                api.remove("/file", *[f[".id"] for f in api.print("/file", name=name)])
        except RouterOSError as exc:
            raise CommandError(f"could not apply {script}: {exc}") from None
        self.stdout.write(f"applied {script} to {host}:{port}")
