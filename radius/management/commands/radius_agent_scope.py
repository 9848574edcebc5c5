"""manage.py radius_agent_scope KEY: let this installation's agent accept a RADIUS server's token.

For an agent installed separately next to FreeRADIUS: the product shows the scope and the
token once (when the server is added or its token replaced); run this on the agent's
host and paste the token. The token is read from standard input, never from the command
line (which other users of the host may see).
"""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from radius import scopes
from radius.models import AgentScope


class Command(BaseCommand):
    help = "Accept an agent token for a scope (the token is read from standard input)."

    def add_arguments(self, parser):
        parser.add_argument("key", nargs="?", help="the scope, as the product shows it")
        parser.add_argument("--label", default="", help="a note: which server, which product")
        parser.add_argument("--remove", action="store_true", help="stop accepting the scope")
        parser.add_argument("--list", action="store_true", help="list the scopes accepted")

    def handle(self, *args, key=None, label="", remove=False, list=False, **options):
        if list:
            for scope in AgentScope.objects.all():
                self.stdout.write(f"{scope.key}\t{scope.label}\t{scope.updated_at:%Y-%m-%d %H:%M}")
            return
        if not key or not key.isascii() or not key.replace("-", "").replace("_", "").isalnum() \
                or len(key) > 40:
            raise CommandError("Give the scope (letters, digits, - and _; at most 40).")
        if remove:
            deleted, _ = AgentScope.objects.filter(key=key).delete()
            self.stdout.write(f"scope {key} removed" if deleted else f"no scope {key}")
            return
        token = (getpass.getpass("Agent token: ") if sys.stdin.isatty()
                 else sys.stdin.readline()).strip()
        if len(token) < 20:
            raise CommandError("That is not an agent token (too short).")
        try:
            scopes.set_scope(key, token, label)
        except scopes.TokenError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"scope {key} accepted")
