"""PPPoE plans and subscribers, their history, and the background runs acting on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from background.models import JobRow
from hotspot import queues
from hotspot.crypto import EncryptedTextField


class Plan(models.Model):
    """What a subscriber buys: speed, optional quota, price, addressing, validity."""

    class Period(models.TextChoices):
        DAY = "day", "Daily"
        WEEK = "week", "Weekly"
        MONTH = "month", "Monthly"

    class Addressing(models.TextChoices):
        POOL = "pool", "From an address pool"
        STATIC = "static", "Static (each subscriber's own address)"

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="plans")
    name = models.CharField(max_length=100)
    rate_limit = models.CharField(
        max_length=100, help_text="RouterOS rate limit, upload/download from the router's "
        "side (rx/tx), bursts allowed: 2M/10M or 2M/10M 4M/20M 1M/5M 10/10.")
    quota_bytes = models.BigIntegerField(null=True, blank=True,
                                         help_text="Data per period; empty: unlimited.")
    quota_period = models.CharField(max_length=10, choices=Period.choices, default=Period.MONTH)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    billing_period = models.CharField(max_length=10, choices=Period.choices,
                                      default=Period.MONTH)
    addressing = models.CharField(max_length=10, choices=Addressing.choices,
                                  default=Addressing.POOL)
    address_pool = models.CharField(max_length=100, blank=True,
                                    help_text="The router's IP pool (Framed-Pool).")
    validity_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="A new subscriber expires after this many days; "
        "empty: does not expire.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"],
                                               name="plan_name_per_org")]

    def __str__(self):
        return self.name


class Subscriber(models.Model):
    """A PPPoE customer: served by a RADIUS server, optionally tied to the router it came
    from. Status and plan change only through subscribers.services.lifecycle."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        EXPIRED = "expired", "Expired"

    class Sync(models.TextChoices):
        PENDING = "pending", "Pending"
        SYNCED = "synced", "Synced"
        FAILED = "failed", "Failed"
        NONE = "none", "No RADIUS server"

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="subscribers")
    radius_server = models.ForeignKey("radius.RadiusServer", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="subscribers")
    router = models.ForeignKey("routers.Router", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="subscribers",
                               help_text="The router the subscriber connects to.")
    # FreeRADIUS's radcheck.username is varchar(64).
    username = models.CharField(max_length=64)
    password = EncryptedTextField()
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscribers")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    static_ip = models.GenericIPAddressField(null=True, blank=True, protocol="IPv4")
    caller_id = models.CharField("caller-id (MAC) binding", max_length=17, blank=True)
    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    radius_status = models.CharField(max_length=10, choices=Sync.choices,
                                     default=Sync.PENDING)
    radius_error = models.TextField(blank=True)
    radius_synced_at = models.DateTimeField(null=True, blank=True)
    imported_secret = models.ForeignKey("fleet.ImportedPppSecret", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["username"]
        constraints = [models.UniqueConstraint(fields=["organization", "username"],
                                               name="subscriber_username_per_org")]
        indexes = [models.Index(fields=["organization", "status"], name="subscriber_status"),
                   models.Index(fields=["radius_server", "radius_status"],
                                name="subscriber_sync")]

    def __str__(self):
        return self.username


class Event(models.Model):
    """One line of a subscriber's history: who changed what, and when."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE,
                                   related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=30)
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subscriber", "-at"], name="subscriber_event")]

    def __str__(self):
        return f"{self.subscriber}: {self.message}"


class Run(JobRow):
    """A background run over many subscribers (migration, bulk action, export): a job row
    before it is an RQ message, with its progress and outcome."""

    class Kind(models.TextChoices):
        MIGRATE = "migrate", "Migrate PPP secrets to subscribers"
        SUSPEND = "suspend", "Suspend"
        RESUME = "resume", "Resume"
        CHANGE_PLAN = "change_plan", "Change plan"
        EXPORT = "export", "Export CSV"

    queue_name = queues.IMPORTS
    job_timeout = 600

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # migrate: {"router": id, "secrets": [ids], "mapping": {profile: plan id},
    #           "radius_server": id}; bulk: {"subscribers": [ids], "plan": id}
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    csv = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def run(self):
        from subscribers.services import runs

        return runs.run(self)

    def publish(self) -> None:
        from subscribers.services import runs

        runs.publish(self)


class Switch(JobRow):
    """Switching a router's PPP to RADIUS (or back): `/ppp aaa use-radius` and the migrated
    secrets disabled (never deleted). Reversible: the menus it touches are read before any
    change, and any failure puts them back exactly."""

    class Direction(models.TextChoices):
        TO_RADIUS = "to_radius", "Switch PPP to RADIUS"
        BACK = "back", "Back to the router's own secrets"

    queue_name = queues.PROVISIONING
    job_timeout = 900

    router = models.ForeignKey("routers.Router", on_delete=models.CASCADE,
                               related_name="ppp_switches")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    # Names of the /ppp/secret items this switch disables (to_radius) or enables (back).
    secrets = models.JSONField(default=list, blank=True)
    use_radius = models.CharField(max_length=5, default="yes",
                                  help_text="What /ppp aaa use-radius is set to.")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    touched = models.BooleanField(default=False)
    must_roll_back = models.BooleanField(default=False)
    rolled_back = models.BooleanField(default=False)
    rollback_clean = models.BooleanField(null=True)
    log = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_direction_display()} #{self.pk} on {self.router}"

    def run(self):
        from subscribers.services import switch

        return switch.run(self)

    def publish(self) -> None:
        from subscribers.services import switch

        switch.publish(self)

    def interrupted(self) -> None:
        from subscribers.services import switch

        switch.interrupted(self)
