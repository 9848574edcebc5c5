from django.conf import settings
from django.db import models
from django.utils import timezone


class Deployment(models.Model):
    """One run of a service configuration onto a router: the job's database row."""

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    TERMINAL = (Status.COMPLETED, Status.FAILED)

    class Kind(models.TextChoices):
        DEPLOY = "deploy", "Deploy"
        REMOVE = "remove", "Remove product configuration"

    router = models.ForeignKey("routers.Router", on_delete=models.CASCADE,
                               related_name="deployments")
    config = models.ForeignKey("routers.RouterConfig", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="deployments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DEPLOY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    stage = models.CharField(max_length=30, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    failed_step = models.CharField(max_length=200, blank=True)
    router_message = models.TextField(blank=True, help_text="RouterOS's own words.")
    rolled_back = models.BooleanField(default=False)
    rollback_clean = models.BooleanField(null=True)
    # What the job did, so a rollback (even by another worker) can undo it.
    created_items = models.JSONField(default=list, blank=True)
    removed_items = models.JSONField(default=list, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    round_trips = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["router", "-created_at"], name="deploy_router_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="deploy_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} on {self.router}"

    @property
    def finished(self) -> bool:
        return self.status in self.TERMINAL


class DeploymentEvent(models.Model):
    """A stage or step of a deployment, as shown in its progress log."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="events")
    stage = models.CharField(max_length=30)
    progress = models.PositiveSmallIntegerField()
    message = models.TextField()
    level = models.CharField(max_length=10, default="info")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
