from django.conf import settings
from django.db import models
from django.utils import timezone

from background.models import JobRow
from hotspot import queues


class Deployment(JobRow):
    """One run of a service configuration onto a router: a job row with the record of
    what it did to the router, so a rollback (even by another worker) can undo it."""

    class Kind(models.TextChoices):
        DEPLOY = "deploy", "Deploy"
        REMOVE = "remove", "Remove product configuration"

    queue_name = queues.PROVISIONING
    job_timeout = 900

    router = models.ForeignKey("routers.Router", on_delete=models.CASCADE,
                               related_name="deployments")
    config = models.ForeignKey("routers.RouterConfig", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="deployments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DEPLOY)
    failed_step = models.CharField(max_length=200, blank=True)
    router_message = models.TextField(blank=True, help_text="RouterOS's own words.")
    # The router's status when the deployment was asked for: a clean rollback returns it.
    previous_status = models.CharField(max_length=20, blank=True)
    # Set (and saved) before the first command that changes the router is sent: until
    # then a failure has nothing to undo.
    touched = models.BooleanField(default=False)
    # A worker died while this ran: the next run rolls back instead of deploying.
    must_roll_back = models.BooleanField(default=False)
    rolled_back = models.BooleanField(default=False)
    rollback_clean = models.BooleanField(null=True)
    rollback_attempts = models.PositiveSmallIntegerField(default=0)
    created_items = models.JSONField(default=list, blank=True)
    # Items removed from the router, recorded before each remove is sent.
    removed_items = models.JSONField(default=list, blank=True)
    # What the touched menus held before and after; secret fields sealed
    # (provisioning.services.sealing).
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    round_trips = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["router", "-created_at"], name="deploy_router_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="deploy_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} on {self.router}"

    def run(self):
        from provisioning.services.deploy import run_deployment

        return run_deployment(self)

    def publish(self) -> None:
        from provisioning.services.deploy import push_progress

        push_progress(self)

    def interrupted(self) -> None:
        from provisioning.services.deploy import interrupted

        interrupted(self)


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
