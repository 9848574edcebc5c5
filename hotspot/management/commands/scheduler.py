"""Enqueue periodic jobs (health checks, reconcilers) at their intervals."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
from rq.exceptions import DuplicateJobError

from hotspot import jobs, periodic


class Command(BaseCommand):
    help = "Run the periodic-job scheduler (one per installation)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")

    def handle(self, *args, once=False, **options):
        last_run: dict[str, float] = {}
        self.stdout.write(f"scheduler: {len(periodic.PERIODIC)} periodic jobs")
        while True:
            now = time.monotonic()
            for path, setting_name, default in periodic.PERIODIC:
                interval = getattr(settings, setting_name, default)
                if once or now - last_run.get(path, -interval) >= interval:
                    last_run[path] = now
                    self.enqueue(path)
            if once:
                return
            time.sleep(1)

    def enqueue(self, path: str) -> None:
        func = import_string(path)
        spec = func.job_spec
        queue = jobs.queue_for(spec.queue)
        job_id = "periodic-" + path.replace(".", "-").replace("_", "-")
        existing = queue.fetch_job(job_id)
        if existing is not None and existing.get_status(refresh=True) in ("queued", "started"):
            return  # the previous run is still going: never stack them
        try:
            queue.enqueue(func, job_id=job_id, job_timeout=spec.timeout or None)
        except DuplicateJobError:
            pass
