"""The sales ledger: facts about vouchers (each recorded once), the roll-up the reports
read, resellers, API keys and idempotency keys."""

from django.conf import settings
from django.db import models


class Reseller(models.Model):
    """A named party an operator hands vouchers to, at a price; they owe it."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="resellers")
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"],
                                               name="reseller_name_per_org")]

    def __str__(self):
        return self.name


class ResellerPayment(models.Model):
    """Money a reseller paid the operator: lowers what the reseller owes."""

    reseller = models.ForeignKey(Reseller, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL)
    note = models.CharField(max_length=200, blank=True)


class ApiKey(models.Model):
    """An organization's key for /api/v1/. Only its SHA-256 is stored; the key is shown
    once, when made. `prefix` (the first characters) lets operators tell keys apart."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class VoucherFact(models.Model):
    """One thing that happened to a voucher, commercially, with its time. Each kind is
    recorded at most once per voucher (the unique constraint): a retry, a re-sync or a
    second Accounting-Start finds the row there and adds nothing."""

    class Kind(models.TextChoices):
        PRINTED = "printed", "Printed"
        SOLD = "sold", "Sold"
        ACTIVATED = "activated", "Activated"
        USED_UP = "used_up", "Used up"
        EXPIRED_UNUSED = "expired_unused", "Expired unused"
        REVOKED = "revoked", "Revoked"
        REFUNDED = "refunded", "Refunded"

    class Channel(models.TextChoices):
        COUNTER = "counter", "Counter"
        RESELLER = "reseller", "Reseller"
        API = "api", "API"

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="+")
    voucher = models.ForeignKey("vouchers.Voucher", on_delete=models.CASCADE,
                                related_name="facts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    # Copied from the voucher's batch when recorded: reports group by them without joins.
    profile = models.ForeignKey("vouchers.VoucherProfile", on_delete=models.PROTECT,
                                related_name="+")
    router = models.ForeignKey("routers.Router", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # A sale's (and a refund's) terms.
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    reseller = models.ForeignKey(Reseller, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="facts")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["voucher", "kind"],
                                               name="voucher_fact_once")]
        indexes = [models.Index(fields=["organization", "kind", "at"],
                                name="fact_org_kind_at_idx"),
                   # The newest voucher sold of a profile: where selling looks first.
                   models.Index(fields=["profile", "kind", "voucher"],
                                name="fact_profile_kind_voucher_idx")]

    def __str__(self):
        return f"{self.voucher_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class DailySales(models.Model):
    """Facts counted per day of the organization's time zone and per dimension: what the
    reports read (a month is ~30 days x a few profiles, whatever the voucher count).
    Written in the same transaction as the facts it counts; rebuilt from the facts by
    `sales.services.rollup.rebuild` (a changed time zone, `manage.py sales_rollup`).

    kind "cohort_activated" counts, on the day of the sale, sold vouchers since activated:
    the activation rate of a period's sales."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=10, default="")
    profile_id = models.BigIntegerField()
    router_id = models.BigIntegerField(default=0)
    operator_id = models.BigIntegerField(default=0)
    reseller_id = models.BigIntegerField(default=0)
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["organization", "day", "kind", "channel", "profile_id", "router_id",
                    "operator_id", "reseller_id"], name="daily_sales_key")]


class SoldStock(models.Model):
    """A sold voucher nobody has used yet (no activation, expiry, revoke or refund):
    sold-but-unused stock and its age without scanning all facts. Kept with the facts."""

    voucher = models.OneToOneField("vouchers.Voucher", on_delete=models.CASCADE,
                                   primary_key=True, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="+")
    sold_at = models.DateTimeField()
    profile_id = models.BigIntegerField()
    reseller_id = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=10)

    class Meta:
        indexes = [models.Index(fields=["organization", "sold_at"], name="stock_org_sold_idx")]


class IdempotentSale(models.Model):
    """An API sale's Idempotency-Key: the same key again returns this sale."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    profile_id = models.BigIntegerField()
    fact = models.ForeignKey(VoucherFact, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"],
                                               name="idempotency_key_per_api_key")]
