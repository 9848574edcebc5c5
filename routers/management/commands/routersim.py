"""manage.py routersim: serve simulated MikroTik routers for demos (Ctrl-C stops)."""

from __future__ import annotations

import asyncio

from django.core.management.base import BaseCommand

from routers.simulator.cli import add_arguments, serve


class Command(BaseCommand):
    help = "Serve simulated RouterOS routers (API on consecutive ports; user admin, no password)."

    def add_base_argument(self, parser, *args, **kwargs) -> None:
        # --version means the simulated RouterOS version here, not Django's.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser) -> None:
        add_arguments(parser)

    def handle(self, *args, **options) -> None:
        if options.get("subcommand") == "client":
            from routers.simulator.nas import run_client

            if asyncio.run(run_client(options, options["host"], 0, self.stdout)):
                raise SystemExit(1)
            return
        try:
            asyncio.run(serve(options["host"], options["port"], options["count"],
                              options["identity"], options["ros_version"], options["tls_port"],
                              options["quiet"], out=self.stdout, profile=options["profile"],
                              flash=options["flash"],
                              certificate=not options["no_certificate"]))
        except KeyboardInterrupt:
            pass
