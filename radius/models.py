from django.db import models

from hotspot.crypto import EncryptedTextField


class RadiusServer(models.Model):
    """A FreeRADIUS server with the product's agent API next to it."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="radius_servers"
    )
    name = models.CharField(max_length=100)
    host = models.CharField(max_length=253, help_text="Address routers send RADIUS requests to.")
    auth_port = models.PositiveIntegerField(default=1812)
    acct_port = models.PositiveIntegerField(default=1813)
    nas_secret = EncryptedTextField("NAS shared secret")
    agent_url = models.URLField("agent API base URL", max_length=300)
    agent_token = EncryptedTextField("agent API token")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="radius_name_per_org")
        ]

    def __str__(self):
        return self.name
