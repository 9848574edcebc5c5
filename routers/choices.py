from django.db import models


class RouterStatus(models.TextChoices):
    CONFIG_PENDING = "config_pending", "Waiting for initial script"
    PROBING = "probing", "Probing"
    ONLINE = "online", "Online"
    PROVISIONING = "provisioning", "Deploying"
    ACTIVE = "active", "Active"
    CONNECTION_FAILED = "connection_failed", "Connection failed"
    FAILED = "failed", "Deployment failed"
    OFFLINE = "offline", "Offline"


S = RouterStatus

# Allowed status changes. Anything else is a bug and raises InvalidTransition.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CONFIG_PENDING: frozenset({S.PROBING}),
    S.PROBING: frozenset({S.ONLINE, S.CONNECTION_FAILED, S.PROBING}),
    S.ONLINE: frozenset({S.PROVISIONING, S.OFFLINE, S.PROBING}),
    S.PROVISIONING: frozenset({S.ACTIVE, S.FAILED, S.ONLINE}),
    S.ACTIVE: frozenset({S.PROVISIONING, S.OFFLINE, S.PROBING}),
    S.CONNECTION_FAILED: frozenset({S.PROBING}),
    S.FAILED: frozenset({S.PROVISIONING, S.ONLINE, S.OFFLINE, S.PROBING}),
    S.OFFLINE: frozenset({S.ONLINE, S.ACTIVE, S.PROBING}),
}

# Statuses in which the router is expected to answer (health checks cover these).
REACHABLE = frozenset({S.ONLINE, S.ACTIVE, S.FAILED, S.OFFLINE})
# Probing leaves these alone: the router already answered.
PROBE_SKIPS = frozenset({S.ONLINE, S.ACTIVE, S.PROVISIONING})


class ConfigKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    SERVICE = "service", "Service"


class ProbeOutcome(models.TextChoices):
    CONNECTED = "connected", "Connected"
    REFUSED = "refused", "Connection refused"
    TIMEOUT = "timeout", "Timed out"
    LOGIN_REFUSED = "login_refused", "Login refused"
    TLS = "tls", "TLS failure"
    CERTIFICATE_CHANGED = "certificate_changed", "Certificate changed"
    CLOSED = "closed", "Closed by the router"
    TOO_OLD = "too_old", "RouterOS too old"
    ERROR = "error", "Error"
