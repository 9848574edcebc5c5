"""What the product imported from routers, and the import runs that did it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from background.models import TERMINAL, JobRow, JobStatus
from hotspot import queues
from hotspot.crypto import EncryptedTextField
from provisioning.services.plan import is_tag  # the product's comment tag


class ImportKind(models.TextChoices):
    ALL = "all", "Everything"
    POOLS = "pools", "IP pools"
    PPP_SECRETS = "ppp_secrets", "PPP secrets"
    HOTSPOT_PROFILES = "hotspot_profiles", "Hotspot user profiles"
    HOTSPOT_USERS = "hotspot_users", "Hotspot users"
    PPP_PROFILES = "ppp_profiles", "PPP profiles"
    QUEUES = "queues", "Simple queues"


# The kinds one run of each kind covers, in the order they are read and written.
KINDS_OF = {
    ImportKind.ALL: (ImportKind.POOLS, ImportKind.PPP_PROFILES, ImportKind.PPP_SECRETS,
                     ImportKind.QUEUES, ImportKind.HOTSPOT_PROFILES, ImportKind.HOTSPOT_USERS),
    # PPP secrets come with what gives them their speed and addresses (migration reads them).
    ImportKind.PPP_SECRETS: (ImportKind.PPP_PROFILES, ImportKind.PPP_SECRETS,
                             ImportKind.QUEUES),
    **{k: (k,) for k in ImportKind if k not in (ImportKind.ALL, ImportKind.PPP_SECRETS)},
}


ImportStatus = JobStatus
IMPORT_FINISHED = TERMINAL


class ImportRun(JobRow):
    """One import (or preview) from one router: a job row before it is an RQ message."""

    queue_name = queues.IMPORTS
    job_timeout = settings.FLEET_IMPORT_TIMEOUT

    router = models.ForeignKey("routers.Router", on_delete=models.CASCADE,
                               related_name="import_runs")
    kind = models.CharField(max_length=20, choices=ImportKind.choices, default=ImportKind.ALL)
    preview = models.BooleanField(default=False, help_text="Compute the changes, apply nothing.")
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0, help_text="Marked removed from the router.")
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # Per kind: counts and a sample of names added/changed/removed (what a preview shows).
    changes = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["router", "-created_at"], name="importrun_router_idx"),
                   models.Index(fields=["status"], name="importrun_status_idx")]

    def __str__(self):
        what = "preview" if self.preview else "import"
        return f"{self.get_kind_display()} {what} #{self.pk} from {self.router}"

    def run(self):
        from fleet.services.imports import run_import

        return run_import(self)

    def publish(self) -> None:
        from fleet.services.imports import publish

        publish(self)


class ImportedItem(models.Model):
    """Common to everything imported: keyed on the router's .id and the item's name."""

    router = models.ForeignKey("routers.Router", on_delete=models.CASCADE, related_name="+")
    ros_id = models.CharField("RouterOS .id", max_length=20)
    name = models.CharField(max_length=255)
    comment = models.CharField(max_length=255, blank=True)
    disabled = models.BooleanField(default=False)
    # Set when the item is no longer on the router; cleared if it comes back.
    removed_at = models.DateTimeField(null=True, blank=True)
    first_imported_at = models.DateTimeField(auto_now_add=True)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    last_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class ImportedPool(ImportedItem):
    """An IP pool, stored as its ranges and their address count, never per address."""

    ranges = models.TextField(help_text="As RouterOS prints them, e.g. 10.0.0.2-10.0.0.254.")
    address_count = models.BigIntegerField(default=0)
    next_pool = models.CharField(max_length=255, blank=True)

    class Meta(ImportedItem.Meta):
        constraints = [models.UniqueConstraint(fields=["router", "name"],
                                               name="imported_pool_name")]

    @property
    def deployed_by_product(self) -> bool:
        return is_tag(self.comment)


class ImportedPppSecret(ImportedItem):
    """A PPP secret; the password is encrypted at rest and never rendered."""

    password = EncryptedTextField(blank=True)
    service = models.CharField(max_length=20, blank=True)
    profile = models.CharField(max_length=255, blank=True)
    local_address = models.CharField(max_length=64, blank=True)
    remote_address = models.CharField(max_length=64, blank=True)
    caller_id = models.CharField(max_length=255, blank=True)

    class Meta(ImportedItem.Meta):
        constraints = [models.UniqueConstraint(fields=["router", "name"],
                                               name="imported_secret_name")]


class ImportedPppProfile(ImportedItem):
    """A PPP profile (/ppp/profile): the rate limit and addresses its secrets get."""

    rate_limit = models.CharField(max_length=120, blank=True)
    local_address = models.CharField(max_length=64, blank=True)
    remote_address = models.CharField(max_length=255, blank=True)
    only_one = models.CharField(max_length=10, blank=True)

    class Meta(ImportedItem.Meta):
        constraints = [models.UniqueConstraint(fields=["router", "name"],
                                               name="imported_pppprofile_name")]


class ImportedQueue(ImportedItem):
    """A simple queue (/queue/simple): per-customer speed set outside the PPP profile."""

    target = models.CharField(max_length=255, blank=True)
    max_limit = models.CharField(max_length=120, blank=True)
    burst_limit = models.CharField(max_length=120, blank=True)
    burst_threshold = models.CharField(max_length=120, blank=True)
    burst_time = models.CharField(max_length=60, blank=True)
    limit_at = models.CharField(max_length=120, blank=True)
    priority = models.CharField(max_length=20, blank=True)

    class Meta(ImportedItem.Meta):
        constraints = [models.UniqueConstraint(fields=["router", "name"],
                                               name="imported_queue_name")]


class ImportedHotspotProfile(ImportedItem):
    """A hotspot user profile (/ip/hotspot/user/profile)."""

    rate_limit = models.CharField(max_length=120, blank=True)
    shared_users = models.CharField(max_length=20, blank=True)
    session_timeout = models.CharField(max_length=40, blank=True)
    idle_timeout = models.CharField(max_length=40, blank=True)
    address_pool = models.CharField(max_length=255, blank=True)

    class Meta(ImportedItem.Meta):
        constraints = [models.UniqueConstraint(fields=["router", "name"],
                                               name="imported_hsprofile_name")]


class ImportedHotspotUser(ImportedItem):
    """A hotspot user (/ip/hotspot/user); the password is encrypted at rest."""

    password = EncryptedTextField(blank=True)
    profile = models.CharField(max_length=255, blank=True)
    server = models.CharField(max_length=255, blank=True)
    mac_address = models.CharField(max_length=32, blank=True)
    limit_uptime = models.CharField(max_length=40, blank=True)
    limit_bytes_total = models.CharField(max_length=40, blank=True)

    class Meta(ImportedItem.Meta):
        constraints = [
            # RouterOS allows the same user name on different hotspot servers.
            models.UniqueConstraint(fields=["router", "server", "name"],
                                    name="imported_hsuser_name"),
        ]


class DriftReport(models.Model):
    """The latest drift check of one router: what differs from the product's last deployment.

    One row per router, replaced by each check. `items` holds one entry per deployed item that
    was changed or deleted by hand: {label, path, id, kind: "changed"|"deleted", changes:
    [{field, expected, found}]}.
    """

    router = models.OneToOneField("routers.Router", on_delete=models.CASCADE,
                                  related_name="drift_report")
    # The completed deployment the router was compared with (None: nothing deployed).
    deployment = models.ForeignKey("provisioning.Deployment", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    clean = models.BooleanField(default=True)
    items = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="Why the last check could not read the "
                                                   "router (the previous result is kept).")

    def __str__(self):
        return f"Drift of {self.router}: {'clean' if self.clean else len(self.items)}"

    @property
    def flagged(self) -> bool:
        """Hand edits were found: shown as a badge on the routers list and the router page."""
        return not self.clean
