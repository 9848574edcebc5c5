"""What the RADIUS servers' accounting says, kept by the product: sessions, daily usage,
disconnects. Pages read these, never radacct (which may sit behind a remote agent)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Session(models.Model):
    """One accounting session (a radacct row of a RADIUS server's scope), kept in step by
    accounting.services.feed. Never deleted: a session ends with a stop time and a cause."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="sessions")
    server = models.ForeignKey("radius.RadiusServer", on_delete=models.CASCADE,
                               related_name="sessions")
    router = models.ForeignKey("routers.Router", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="sessions")
    voucher = models.ForeignKey("vouchers.Voucher", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="sessions")
    unique_id = models.CharField("accounting unique id", max_length=64)
    session_id = models.CharField("Acct-Session-Id", max_length=64)
    username = models.CharField(max_length=64)
    nas_address = models.CharField("NAS address", max_length=64, blank=True)
    mac = models.CharField("device MAC", max_length=64, blank=True)
    ip = models.CharField("IP address", max_length=45, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    seconds = models.BigIntegerField(default=0)
    bytes_in = models.BigIntegerField("bytes from the client", default=0)
    bytes_out = models.BigIntegerField("bytes to the client", default=0)
    terminate_cause = models.CharField(max_length=32, blank=True)
    change = models.BigIntegerField("the agent's change number", default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["server", "unique_id"],
                                               name="session_unique_per_server")]
        indexes = [
            # The online pages: an organization's or a router's open sessions, newest first.
            models.Index(fields=["organization", "-started_at"], name="session_online_org",
                         condition=Q(stopped_at__isnull=True)),
            models.Index(fields=["router", "-started_at"], name="session_online_router",
                         condition=Q(stopped_at__isnull=True)),
            models.Index(fields=["voucher", "-started_at"], name="session_voucher"),
            models.Index(fields=["started_at"], name="session_started"),
        ]

    def __str__(self):
        return f"{self.username} {self.session_id}"

    @property
    def online(self) -> bool:
        return self.stopped_at is None

    @property
    def bytes_total(self) -> int:
        return self.bytes_in + self.bytes_out


class DailyUsage(models.Model):
    """Usage per user and day (the day its sessions started, in TIME_ZONE): the roll-up
    pages and reports read instead of sessions."""

    # No database constraints: the rows are derived from sessions (whose own are checked),
    # and a day's roll-up rewrites a million of them, where checking each row's references
    # again costs more than the roll-up itself. Django still cascades deletes.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="daily_usage", db_constraint=False)
    voucher = models.ForeignKey("vouchers.Voucher", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="daily_usage",
                                db_constraint=False)
    username = models.CharField(max_length=64)
    day = models.DateField()
    sessions = models.PositiveIntegerField(default=0)
    seconds = models.BigIntegerField(default=0)
    bytes_in = models.BigIntegerField(default=0)
    bytes_out = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-day", "username"]
        # Day first: the unique key also serves a day's roll-up (every row of one day); the
        # feed's upserts find their row by the same key. A voucher's page reads its days.
        constraints = [models.UniqueConstraint(fields=["day", "organization", "username"],
                                               name="daily_usage_unique")]
        indexes = [models.Index(fields=["voucher", "day"], name="daily_usage_voucher")]

    def __str__(self):
        return f"{self.username} {self.day}"


class AccountingCursor(models.Model):
    """How far the product has read a RADIUS server's accounting changes."""

    server = models.OneToOneField("radius.RadiusServer", on_delete=models.CASCADE,
                                  related_name="accounting_cursor")
    last_change = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self):
        return f"{self.server} @ {self.last_change}"


class Disconnect(models.Model):
    """A request to end a session, and what happened: the RADIUS Disconnect-Request's answer,
    the check on the router, the API fallback."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Disconnected"
        FAILED = "failed", "Failed"

    class Reason(models.TextChoices):
        OPERATOR = "operator", "Operator"
        REVOKED = "revoked", "Voucher revoked"
        USED_UP = "used_up", "Voucher used up"
        EXPIRED = "expired", "Voucher expired"

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="disconnects")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="disconnects")
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.OPERATOR)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    radius_answer = models.CharField(max_length=64, blank=True)
    method = models.CharField(max_length=20, blank=True)  # "radius" or "api"
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="disconnect_status")]

    def __str__(self):
        return f"disconnect {self.session} ({self.status})"
