"""Import IP pools, PPP secrets and hotspot users from routers (or preview the changes)."""

from django.core.management.base import BaseCommand, CommandError

from fleet.models import ImportKind
from fleet.services import imports
from routers.choices import REACHABLE
from routers.models import Router


class Command(BaseCommand):
    help = "Import from one router (--router NAME) or all reachable ones (--all)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--router", help="Router name (its RouterOS identity).")
        which.add_argument("--all", action="store_true", help="Every router expected to answer.")
        parser.add_argument("--organization", help="Organization name, when --router is ambiguous.")
        parser.add_argument("--kind", default=ImportKind.ALL, choices=ImportKind.values)
        parser.add_argument("--preview", action="store_true",
                            help="Show what would be added, changed and marked removed.")
        parser.add_argument("--queue", action="store_true",
                            help="Queue the runs for the workers instead of running them here.")

    def handle(self, *args, router=None, all=False, organization=None, kind=ImportKind.ALL,
               preview=False, queue=False, **options):
        routers = self.routers(router, all, organization)
        failed = 0
        for r in routers:
            run = imports.request_import(r, kind, preview=preview, immediate=not queue)
            if queue:
                self.stdout.write(f"{r.name}: queued import run #{run.pk}")
                continue
            failed += run.status != "completed"
            self.report(r, run)
        if failed:
            raise CommandError(f"{failed} of {len(routers)} imports failed")

    def routers(self, name, all_, organization):
        routers = Router.objects.select_related("organization")
        if organization:
            routers = routers.filter(organization__name=organization)
        if all_:
            return list(routers.filter(status__in=REACHABLE))
        found = list(routers.filter(name=name))
        if not found:
            raise CommandError(f"no router named {name!r}")
        if len(found) > 1:
            raise CommandError(f"{len(found)} routers are named {name!r}: add --organization")
        return found

    def report(self, router, run):
        verb = ("would add", "would change", "would mark removed") if run.preview else \
            ("added", "updated", "marked removed")
        self.stdout.write(f"{router.name}: {run.get_status_display().lower()}: "
                          f"{verb[0]} {run.added}, {verb[1]} {run.updated}, {verb[2]} "
                          f"{run.removed}, unchanged {run.unchanged}, failed {run.failed}")
        for kind, c in run.changes.items():
            for label, key in (("add", "added_names"), ("change", "updated_names"),
                               ("remove", "removed_names")):
                if c.get(key) and run.preview:
                    self.stdout.write(f"  {kind} {label}: {', '.join(c[key][:20])}")
        for error in run.errors[:20]:
            self.stdout.write(f"  error: {error.get('name', '')} {error['error']}".rstrip())
