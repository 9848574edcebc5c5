"""Run the scheduler: periodic jobs, delayed jobs and the reaper (one per installation)."""

from django.core.management.base import BaseCommand

from background import scheduler
from hotspot import periodic


class Command(BaseCommand):
    help = "Run the scheduler: periodic jobs, delayed jobs and the reaper (one per installation)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="Submit every periodic job and reap once, then exit.")

    def handle(self, *args, once=False, **options):
        if once:
            scheduler.tick(force=True)
            return
        self.stdout.write(f"scheduler: {len(periodic.PERIODIC)} periodic jobs")
        try:
            scheduler.run_forever()
        except KeyboardInterrupt:  # Ctrl-C under `make run`: stop quietly
            self.stdout.write("scheduler stopped")
