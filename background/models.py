"""Background work: one lifecycle for every job the product runs.

A job is a database row before it is an RQ message. `JobRow` is that row's shape
(status with a terminal set, stage, progress, error, heartbeat, timestamps); the
deployment and the import run are job rows with fields of their own, and `Job` is the
row of every other kind (probes, health and drift checks, live data, voucher syncs).
`background.runner` claims a row with a conditional UPDATE and runs it;
`background.reaper` finds rows whose message was lost or whose worker died.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    ERRORED = "errored", "Crashed"


TERMINAL = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.ERRORED})
ACTIVE = frozenset({JobStatus.PENDING, JobStatus.RUNNING})


class JobRow(models.Model):
    """What every job row has. Subclasses name their queue and what running them means."""

    Status = JobStatus
    TERMINAL = TERMINAL

    status = models.CharField(max_length=10, choices=JobStatus.choices,
                              default=JobStatus.PENDING)
    stage = models.CharField(max_length=120, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker has claimed this row.")
    # Not before this time (a retry's backoff, a scheduled run); null: at once.
    run_at = models.DateTimeField(null=True, blank=True)
    # When the RQ message was last sent; null: not sent yet (the scheduler sends it).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    # -- what subclasses provide ------------------------------------------------------------
    queue_name: str = ""  # a queue of hotspot.queues
    job_timeout: int | None = None

    def run(self):
        """The work itself (called by the runner once the row is claimed)."""
        raise NotImplementedError

    def publish(self) -> None:
        """Push the row's live region (one push per step); nothing by default."""

    def interrupted(self) -> None:
        """The reaper found this row running with no heartbeat: its worker died.

        Default: run it again from the start (the row's work is idempotent). A
        deployment overrides this: it must roll back, not redo.
        """
        from background import lifecycle

        lifecycle.requeue(self, "the worker running this job stopped; running it again")

    # -- reading ----------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @classmethod
    def label(cls) -> str:
        return cls._meta.label


class Job(JobRow):
    """A job of any kind without a domain row of its own: `kind` is the job function."""

    kind = models.CharField(max_length=200, help_text="The job function's dotted path.")
    args = models.JSONField(default=list, blank=True)
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    router = models.ForeignKey("routers.Router", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    result = models.JSONField(null=True, blank=True)
    log = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="job_status_idx"),
            models.Index(fields=["kind", "status"], name="job_kind_idx"),
            models.Index(fields=["router", "kind", "status"], name="job_router_idx"),
            models.Index(fields=["organization", "status", "-created_at"],
                         name="job_org_idx"),
        ]

    def __str__(self):
        return f"{self.title} #{self.pk}"

    @property
    def spec(self):
        from hotspot.jobs import REGISTRY

        return REGISTRY.get(self.kind)

    @property
    def queue_name(self) -> str:  # type: ignore[override]
        spec = self.spec
        return spec.queue if spec else ""

    @property
    def job_timeout(self) -> int | None:  # type: ignore[override]
        spec = self.spec
        return spec.timeout if spec else None

    @property
    def title(self) -> str:
        spec = self.spec
        return spec.title if spec else self.kind.rsplit(".", 1)[-1].replace("_", " ")

    def run(self):
        spec = self.spec
        if spec is None:
            raise LookupError(f"no job function {self.kind!r}")
        return spec.func(*self.args)
