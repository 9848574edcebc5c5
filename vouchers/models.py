from django.conf import settings
from django.db import models


class VoucherProfile(models.Model):
    """What a voucher buys: time, data, speed, shared users, validity, price."""

    class Validity(models.TextChoices):
        AFTER_FIRST_USE = "after_first_use", "From first use"
        FIXED = "fixed", "Fixed expiry date"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="voucher_profiles"
    )
    name = models.CharField(max_length=64)
    time_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds of use.")
    data_limit = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    rate_limit_up = models.CharField(max_length=20, blank=True, help_text="e.g. 2M")
    rate_limit_down = models.CharField(max_length=20, blank=True, help_text="e.g. 5M")
    shared_users = models.PositiveIntegerField(default=1)
    bind_device = models.BooleanField(
        "one device per voucher", default=False,
        help_text="A voucher works only on the first device it logs in from (its MAC); "
                  "the operator can release it.")
    validity = models.CharField(
        max_length=20, choices=Validity.choices, default=Validity.AFTER_FIRST_USE
    )
    validity_seconds = models.PositiveIntegerField(null=True, blank=True)
    fixed_expiry = models.DateTimeField(null=True, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="profile_name_per_org")
        ]

    def __str__(self):
        return self.name


class VoucherBatch(models.Model):
    """A batch of vouchers generated together and synced to RADIUS."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="voucher_batches"
    )
    batch_id = models.CharField(max_length=40, unique=True)
    profile = models.ForeignKey(VoucherProfile, on_delete=models.PROTECT, related_name="batches")
    router = models.ForeignKey(
        "routers.Router", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="voucher_batches",
    )
    radius_server = models.ForeignKey(
        "radius.RadiusServer", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="voucher_batches",
    )
    count = models.PositiveIntegerField()
    code_length = models.PositiveSmallIntegerField(default=8)
    prefix = models.CharField(max_length=10, blank=True)
    separate_password = models.BooleanField(default=False)
    alphabet = models.CharField(max_length=64, default="23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    login_url = models.CharField(
        "hotspot login URL", max_length=300, blank=True,
        help_text="Opened by the QR code, e.g. http://hotspot.lan/login",
    )
    verify_report = models.JSONField(null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "voucher batches"

    def __str__(self):
        return self.batch_id

    def target_server(self):
        """The RADIUS server this batch syncs to: its own, else its router's."""
        if self.radius_server_id:
            return self.radius_server
        return self.router.radius_server if self.router_id else None


class Voucher(models.Model):
    """One sellable code; its RADIUS sync status is tracked individually."""

    class State(models.TextChoices):
        UNUSED = "unused", "Unused"
        ACTIVE = "active", "Active"
        USED_UP = "used_up", "Used up"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    class SyncStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        SYNCED = "synced", "Synced"
        FAILED = "failed", "Failed"

    # States whose users must exist in RADIUS; the others must be absent from it.
    LIVE_STATES = (State.UNUSED, State.ACTIVE)

    # The batch's organization, copied for scoping queries. No database constraint of its
    # own: the batch's (NOT NULL, to a batch that has this organization) already holds it,
    # and PostgreSQL checks each constraint once per row at commit (100,000 vouchers:
    # 0.25 s of the batch's generation per constraint). Django still cascades deletes.
    # No index either: every query scoped by organization also narrows by the voucher's
    # id, code or batch, which have theirs; an index here was one more entry written per
    # voucher at every status change.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="vouchers",
        db_constraint=False, db_index=False,
    )
    # Every index is written again whenever a voucher's sync status changes (a status is
    # indexed, so PostgreSQL cannot update in place): a batch's vouchers are found through
    # voucher_batch_sync_id_idx (batch first), not a batch index of their own, and the
    # code is unique by a constraint, without the LIKE index Django adds to a unique
    # field (nothing searches codes by prefix).
    batch = models.ForeignKey(VoucherBatch, on_delete=models.CASCADE, related_name="vouchers",
                              db_index=False)
    code = models.CharField(max_length=40)
    password = models.CharField(max_length=40)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNUSED)
    first_used_at = models.DateTimeField(null=True, blank=True)
    # When the operator last released the voucher's device: the next device is bound.
    device_released_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    radius_sync_status = models.CharField(
        max_length=10, choices=SyncStatus.choices, default=SyncStatus.PENDING
    )
    radius_synced_at = models.DateTimeField(null=True, blank=True)
    radius_sync_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # With the id last, a sync's claim (this batch's pending vouchers after the last
            # id it took, in id order, 2,000 at a time) reads just the rows it takes: on
            # (batch, status) alone it read and sorted every pending voucher of the batch
            # each time, quadratic in the batch's size.
            models.Index(fields=["batch", "radius_sync_status", "id"],
                         name="voucher_batch_sync_id_idx"),
            # Vouchers waiting or failed, across batches (the reconciler, "retry all"); a
            # synced voucher leaves it, so marking 100,000 synced writes no entry here.
            models.Index(fields=["radius_sync_status"], name="voucher_unsynced_idx",
                         condition=models.Q(radius_sync_status__in=["pending", "failed"])),
            # Expiry finds live vouchers whose expiry has passed: a voucher with no expiry
            # yet (valid from first use, not used) has no entry, so generating or syncing
            # it writes none.
            models.Index(fields=["state", "expires_at"], name="voucher_state_expiry_idx",
                         condition=models.Q(expires_at__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="voucher_code_unique"),
        ]

    def __str__(self):
        return self.code
