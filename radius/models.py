import hashlib
import secrets

from django.db import models

from hotspot.crypto import EncryptedTextField


def new_agent_token() -> str:
    return secrets.token_urlsafe(32)


def new_scope_key() -> str:
    # Random, not the primary key: one agent may serve servers of several installations.
    return "s" + secrets.token_hex(8)


def token_digest(token: str) -> str:
    """What an agent stores of a token: SHA-256, enough to recognise it, useless to send."""
    return hashlib.sha256(token.encode()).hexdigest()


class RadiusServer(models.Model):
    """A FreeRADIUS server with the product's agent API next to it.

    Each server has its own agent token and scope: the agent answers that token for the
    users and NAS rows written under this scope only (radius.agent).
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="radius_servers"
    )
    name = models.CharField(max_length=100)
    host = models.CharField(max_length=253, help_text="Address routers send RADIUS requests to.")
    auth_port = models.PositiveIntegerField(default=1812)
    acct_port = models.PositiveIntegerField(default=1813)
    nas_secret = EncryptedTextField("NAS shared secret")
    agent_url = models.URLField("agent API base URL", max_length=300)
    agent_token = EncryptedTextField("agent API token", default=new_agent_token)
    agent_scope = models.CharField("agent scope", max_length=40, unique=True,
                                   default=new_scope_key, editable=False)
    agent_token_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="radius_name_per_org")
        ]

    def __str__(self):
        return self.name


class AgentScope(models.Model):
    """A token this installation's agent API accepts, and the scope it grants.

    The token itself is never stored here, only its digest. A RadiusServer of this
    installation registers its scope here (its agent may be this installation); a
    separate agent installation gets its rows from `manage.py radius_agent_scope`.
    """

    key = models.CharField(max_length=40, unique=True)
    token_digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.label or self.key
