from django.conf import settings
from django.db import models


class Organization(models.Model):
    """A tenant: one ISP or hotspot business. Everything an operator sees belongs to one."""

    name = models.CharField(max_length=120, unique=True)
    # Sales reports count days in this zone (IANA name); set once on the sales settings page.
    time_zone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Operator(models.Model):
    """A user's membership of exactly one organization."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="operator"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="operators"
    )

    def __str__(self):
        return f"{self.user} @ {self.organization}"
