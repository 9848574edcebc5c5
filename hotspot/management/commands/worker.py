"""Start an RQ worker on every queue of the registry.

Workers are started from the same list jobs are declared against, so no job can
wait on a queue nobody serves. Run more of these on other machines with the same
REDIS_URL and DATABASE_URL to add capacity.
"""

import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hotspot import queues


class Command(BaseCommand):
    help = "Run an RQ worker for all queues in hotspot/queues.py."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Exit when the queues are empty.")
        parser.add_argument("--queues", nargs="*", choices=queues.WORKER_QUEUES,
                            help="Only these queues (default: all).")

    def handle(self, *args, burst=False, **options):
        names = options.get("queues") or list(queues.WORKER_QUEUES)
        # No RQ scheduler: delayed work is a job row the scheduler process sends when due.
        # RQ logs three lines per job at INFO ("started", "OK", "result kept"): with
        # periodic jobs every few seconds that buries everything else. Its lines appear
        # with LOG_LEVEL=DEBUG; the runner logs each job's end in the product's words.
        debug = logging.getLevelName(str(settings.LOG_LEVEL).upper()) == logging.DEBUG
        call_command("rqworker", *names, burst=burst, verbosity=1 if debug else 0)
