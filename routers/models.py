from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from hotspot.crypto import EncryptedTextField
from routers.choices import TRANSITIONS, ConfigKind, ProbeOutcome, RouterStatus


class InvalidTransition(Exception):
    """A status change the router's lifecycle does not allow."""


class RouterQuerySet(models.QuerySet):
    def for_org(self, organization):
        return self.filter(organization=organization)


class Router(models.Model):
    """A MikroTik router the product manages through the RouterOS API."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="routers"
    )
    name = models.CharField(max_length=64, help_text="The router's RouterOS identity.")
    host = models.CharField("management host", max_length=253)
    api_port = models.PositiveIntegerField(default=8728)
    use_tls = models.BooleanField("TLS (api-ssl)", default=False)
    # Trust on first use: the SHA-256 of api-ssl's certificate, taken at the first successful
    # probe; every later connection refuses another (routers.services.tls clears it).
    tls_fingerprint = models.CharField("api-ssl certificate (SHA-256)", max_length=64,
                                       blank=True, editable=False)
    tls_pinned_at = models.DateTimeField("certificate trusted at", null=True, blank=True,
                                         editable=False)
    api_username = models.CharField(max_length=80)
    config_token = EncryptedTextField(editable=False)
    status = models.CharField(
        max_length=20, choices=RouterStatus.choices, default=RouterStatus.CONFIG_PENDING
    )
    model = models.CharField(max_length=120, blank=True)
    board = models.CharField(max_length=120, blank=True)
    routeros_version = models.CharField("RouterOS version", max_length=60, blank=True)
    serial = models.CharField(max_length=60, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    probe_attempts = models.PositiveIntegerField(default=0)
    next_probe_at = models.DateTimeField(null=True, blank=True)
    missed_checks = models.PositiveIntegerField(default=0)
    radius_server = models.ForeignKey(
        "radius.RadiusServer", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="routers",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RouterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="router_name_per_org")
        ]
        indexes = [
            models.Index(fields=["status"], name="router_status_idx"),
            models.Index(fields=["last_seen"], name="router_last_seen_idx"),
            models.Index(fields=["organization", "status"], name="router_org_status_idx"),
            models.Index(fields=["status", "next_probe_at"], name="router_probe_due_idx"),
        ]

    def __str__(self):
        return self.name

    def set_status(self, new: str, message: str = "") -> None:
        """The one way to change a router's status: checks the transition, records it."""
        old = self.status
        if new not in TRANSITIONS.get(old, ()):
            raise InvalidTransition(f"router {self.name}: {old} -> {new} is not allowed")
        self.status = new
        self.save(update_fields=["status", "updated_at"])
        RouterEvent.objects.create(
            router=self, kind=RouterEvent.Kind.STATUS, status_from=old, status_to=new,
            message=message,
        )
        from routers import live  # late import: live renders templates

        live.status_changed(self)

    def mark_seen(self) -> None:
        self.last_seen = timezone.now()
        self.missed_checks = 0
        self.save(update_fields=["last_seen", "missed_checks", "updated_at"])


class RouterConfig(models.Model):
    """A generated RouterOS configuration: the script and the plan it renders."""

    router = models.ForeignKey(Router, on_delete=models.CASCADE, related_name="configs")
    kind = models.CharField(max_length=10, choices=ConfigKind.choices)
    script = models.TextField()
    plan = models.JSONField(default=dict, blank=True)
    checksum = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["router", "kind", "-created_at"], name="config_router_idx")]

    def save(self, *args, **kwargs):
        self.checksum = hashlib.sha256(self.script.encode()).hexdigest()
        super().save(*args, **kwargs)

    @property
    def operator_script(self) -> str:
        """An initial script as the operator applies it, the token filled in.

        Stored scripts hold placeholders only, so no secret sits in clear text in the
        database. A service script's RADIUS secret is filled in by its own app
        (provisioning.services.scripts.operator_script).
        """
        if self.kind != ConfigKind.INITIAL:
            raise ValueError("service scripts are filled in by provisioning")
        from routers.routeros.quoting import rsc_quote
        from routers.services.onboarding import TOKEN_PLACEHOLDER

        # Read the token afresh: a cached router object may predate a new token.
        token = Router.objects.values_list("config_token", flat=True).get(pk=self.router_id)
        return self.script.replace(rsc_quote(TOKEN_PLACEHOLDER), rsc_quote(token))

    def __str__(self):
        return f"{self.get_kind_display()} config for {self.router}"


class RouterEvent(models.Model):
    """The router's history: status changes and notable events."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status change"
        CONNECTED = "router_connected", "Router connected"
        TOKEN = "token", "New token"
        CERTIFICATE = "certificate", "Certificate"
        INFO = "info", "Info"

    router = models.ForeignKey(Router, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status_from = models.CharField(max_length=20, blank=True)
    status_to = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["router", "-created_at"], name="event_router_idx")]


class ProbeAttempt(models.Model):
    """One attempt to log in to a router while onboarding it."""

    router = models.ForeignKey(Router, on_delete=models.CASCADE, related_name="probe_log")
    number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=20, choices=ProbeOutcome.choices)
    error = models.TextField(blank=True)
    hint = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["router", "-created_at"], name="probe_router_idx")]

    @property
    def ok(self) -> bool:
        return self.outcome == ProbeOutcome.CONNECTED
