"""Settings for the hotspot operator's system, read from environment variables.

Every variable is listed with its default in .env.example. Defaults work for a
development machine: SQLite and secrets generated once under var/.
"""

import datetime
import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hotspot import queues

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={value!r}, use true or false")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None


def envsecret(name: str, filename: str, make) -> str:
    """A secret from the environment, else from a file under var/ written once."""
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = envsecret("SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
# Fernet keys (comma-separated, newest first) that encrypt config tokens, RADIUS
# secrets and API tokens at rest. Old keys stay listed to decrypt during rotation.
FIELD_ENCRYPTION_KEYS = [
    k.strip()
    for k in envsecret(
        "FIELD_ENCRYPTION_KEY",
        "field_encryption_key",
        lambda: __import__("cryptography.fernet").fernet.Fernet.generate_key().decode(),
    ).split(",")
    if k.strip()
]
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# HTTPS in production (docs/operations.md): all off by default so `make run` works on
# http://127.0.0.1; with them set, `manage.py check --deploy` reports no issues.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)


def envproxyheader(name: str) -> tuple[str, str] | None:
    """'X-Forwarded-Proto' (or 'X-Forwarded-Proto: https') -> ('HTTP_X_FORWARDED_PROTO',
    'https'): requests carrying that header value count as HTTPS. Set it only behind a
    proxy that always sets (or strips) the header, never when clients reach daphne."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    header, _, expected = value.partition(":")
    header = header.strip().upper().replace("-", "_")
    if not header.startswith("HTTP_"):
        header = "HTTP_" + header
    return header, expected.strip() or "https"


SECURE_PROXY_SSL_HEADER = envproxyheader("SECURE_PROXY_SSL_HEADER")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_rq",
    "channels",
    "axes",
    "hotspot",
    "background",
    "accounts",
    "routers",
    "provisioning",
    "vouchers",
    "radius",
]

MIDDLEWARE = [
    "hotspot.middleware.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.OrganizationMiddleware",
    "hotspot.middleware.QueryTextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hotspot.urls"
WSGI_APPLICATION = "hotspot.wsgi.application"
ASGI_APPLICATION = "hotspot.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # One date format and human units on every page (hotspot/templatetags/human.py).
            "builtins": ["hotspot.templatetags.human"],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and scheduler share the file: wait for locks instead of failing, and
    # take the write lock when a transaction begins (IMMEDIATE): a deferred transaction
    # that reads first and then writes fails at once with "database is locked" when
    # another process writes meanwhile, which no timeout can help.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"})
elif envbool("DB_POOL", False):
    # psycopg's connection pool for processes that serve many short requests (web, the
    # RADIUS agent). Not for RQ workers: a forked work horse must not share pooled sockets.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The private Redis that `make run` starts listens on this socket when REDIS_URL is unset.
REDIS_URL = os.environ.get("REDIS_URL") or f"unix://{VAR_DIR / 'redis.sock'}"

RQ_QUEUES = queues.rq_settings(REDIS_URL)
RQ = {"COMMIT_MODE": "on_db_commit"}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "capacity": 500, "expiry": 30},
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hotspot",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Logins (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one user name, or from
# one address, logins from it are refused for LOGIN_LOCKOUT_MINUTES (each failure during a
# lockout starts it again). A success clears the count. An administrator unlocks at once
# in the admin (Axes > Access attempts: delete) or with `manage.py axes_reset_username`.
# Behind a reverse proxy, run daphne with --proxy-headers so the address is the client's.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# The user name and address are what an operator needs in the log; the password never is
# (Django masks it before any signal or log sees it).
AXES_SENSITIVE_PARAMETERS = []
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "routers:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

# Bounded input (hotspot/bodylimit.py, hotspot/inputs.py): a request body larger than this
# is refused with 413 before any of it is read, before authentication; Django's own limit
# on reading a body is the same. JSON deeper than JSON_MAX_DEPTH is refused with 400.
REQUEST_BODY_MAX_BYTES = envint("REQUEST_BODY_MAX_BYTES", 1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
JSON_MAX_DEPTH = envint("JSON_MAX_DEPTH", 16)

# Outbound policy (hotspot/outbound.py): router hosts and RADIUS agent URLs on loopback,
# link-local, unspecified, multicast or reserved addresses are refused unless listed here
# (networks, comma-separated). The installation's own database and Redis are always refused.
# Default: none; with DEBUG on, and under `make run` (scripts/run_all.py), loopback, for the
# simulated router of the README's demo.
OUTBOUND_ALLOW_NETWORKS = [
    n.strip() for n in os.environ.get(
        "OUTBOUND_ALLOW_NETWORKS", "127.0.0.0/8,::1/128" if DEBUG else "").split(",")
    if n.strip()
]
for _network in OUTBOUND_ALLOW_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"OUTBOUND_ALLOW_NETWORKS: {_network!r} is not a network like 127.0.0.0/8"
        ) from None



def envprefixes(name: str) -> tuple[str, ...]:
    """Comma-separated IPv4/IPv6 addresses or networks, as prefixes ("192.0.2.7/32").

    Anything else stops the server at startup: these values go into router scripts.
    """
    prefixes = []
    for entry in os.environ.get(name, "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            prefixes.append(str(ipaddress.ip_network(entry, strict=True)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {entry[:80]!r} is not an address or network like 192.0.2.7 or "
                "192.0.2.0/24 (a network's host bits must be zero)"
            ) from None
    return tuple(dict.fromkeys(prefixes))


# The addresses this server reaches routers from (as the routers see them, after any NAT).
# The initial script limits the router's api (and api-ssl) service to them; empty leaves
# the API open to every address, and the wizard says so.
MANAGEMENT_ADDRESSES = envprefixes("MANAGEMENT_ADDRESSES")

# Router onboarding and probing (seed 000: every 10 s, up to 60 attempts).
PROBE_INTERVAL_SECONDS = envfloat("PROBE_INTERVAL_SECONDS", 10)
# How often the scheduler looks for routers due for a probe.
PROBE_TICK_SECONDS = envfloat("PROBE_TICK_SECONDS", 1)
PROBE_MAX_ATTEMPTS = envint("PROBE_MAX_ATTEMPTS", 60)
ROUTER_CONNECT_TIMEOUT = envfloat("ROUTER_CONNECT_TIMEOUT", 5)
ROUTER_COMMAND_TIMEOUT = envfloat("ROUTER_COMMAND_TIMEOUT", 15)
# Reads of several menus go out together as tagged commands (one round trip); off, they
# go one at a time (for a middlebox that mangles pipelined API traffic).
ROUTER_API_PIPELINING = envbool("ROUTER_API_PIPELINING", True)
DISCOVERY_CACHE_SECONDS = envint("DISCOVERY_CACHE_SECONDS", 600)

# INFO: what operators and admins act on (deployments, imports, failures); routine periodic
# work logs at DEBUG (LOG_LEVEL=DEBUG shows it, and RQ's own per-job lines).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
                             "datefmt": "%H:%M:%S"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.channels.server": {"level": "WARNING"},
                # accounts.signals logs failed logins and lockouts in the product's words
                # (user name and address; never the password); axes' own lines repeat them.
                "axes": {"level": "ERROR"}},
}

# --- Vouchers and RADIUS (vouchers/, radius/) -------------------------------------------
# FreeRADIUS's tables live in the main database unless RADIUS_DATABASE_URL names another
# (the agent deployed next to FreeRADIUS); radius.dbrouter puts the schema there.
RADIUS_DATABASE_URL = os.environ.get("RADIUS_DATABASE_URL", "")
if RADIUS_DATABASE_URL:
    DATABASES["radius"] = dj_database_url.parse(RADIUS_DATABASE_URL, conn_max_age=0)
RADIUS_DATABASE = "radius" if RADIUS_DATABASE_URL else "default"
DATABASE_ROUTERS = ["radius.dbrouter.RadiusRouter"]
# The agent API has no installation-wide token: each RADIUS server has its own token and
# scope (radius.scopes; a separate agent learns them with manage.py radius_agent_scope).
RADIUS_AGENT_TIMEOUT = envfloat("RADIUS_AGENT_TIMEOUT", 15)
# Seconds between a router's interim accounting updates (the deployed configuration, and
# FreeRADIUS's reply to routers that take it from RADIUS).
RADIUS_INTERIM_INTERVAL = envint("RADIUS_INTERIM_INTERVAL", 300)
# The UDP port routers take Disconnect/CoA requests on (`/radius incoming`; RFC 5176: 3799).
RADIUS_INCOMING_PORT = envint("RADIUS_INCOMING_PORT", 3799)
RADIUS_SYNC_ATTEMPTS = envint("RADIUS_SYNC_ATTEMPTS", 3)
# Backoff between attempts of one chunk: this, then twice this (seconds).
RADIUS_SYNC_BACKOFF_SECONDS = envfloat("RADIUS_SYNC_BACKOFF_SECONDS", 1.0)
VOUCHER_MAX_BATCH = envint("VOUCHER_MAX_BATCH", 100_000)
VOUCHER_RECONCILE_SECONDS = envint("VOUCHER_RECONCILE_SECONDS", 300)
VOUCHER_EXPIRE_SECONDS = envint("VOUCHER_EXPIRE_SECONDS", 600)
# Where a printed voucher's QR code sends the customer: the hotspot's login page.
VOUCHER_LOGIN_URL = os.environ.get("VOUCHER_LOGIN_URL", "http://hotspot.lan/login")
# Accounting: sessions online, usage, disconnects (accounting/).
INSTALLED_APPS += ["accounting"]
# How often each RADIUS server's accounting changes are read (keep it under the interim
# interval: a client shows online within one).
ACCOUNTING_PULL_SECONDS = envint("ACCOUNTING_PULL_SECONDS", 60)
# Yesterday's daily usage is recomputed from its sessions this often (hourly).
ACCOUNTING_ROLLUP_SECONDS = envint("ACCOUNTING_ROLLUP_SECONDS", 3600)
# The reconciler compares open sessions with the routers' active lists this often, and
# leaves sessions younger than the grace alone (their Start may be ahead of the router).
ACCOUNTING_RECONCILE_SECONDS = envint("ACCOUNTING_RECONCILE_SECONDS", 300)
ACCOUNTING_RECONCILE_GRACE_SECONDS = envint("ACCOUNTING_RECONCILE_GRACE_SECONDS", 120)
# --- end vouchers and RADIUS --------------------------------------------------------------

# Background work (background/): every job is a row with a heartbeat. A running row
# whose heartbeat is older than JOB_STALE_SECONDS lost its worker: the reaper (in the
# scheduler, every JOB_REAPER_SECONDS) runs it again or, for a deployment, rolls it
# back. A pending row whose queue message is gone is sent again after the grace period.
JOB_HEARTBEAT_SECONDS = envfloat("JOB_HEARTBEAT_SECONDS", 5)
JOB_STALE_SECONDS = envfloat("JOB_STALE_SECONDS", 30)
JOB_REAPER_SECONDS = envfloat("JOB_REAPER_SECONDS", 5)
JOB_PENDING_GRACE_SECONDS = envfloat("JOB_PENDING_GRACE_SECONDS", 10)
# Finished job rows are kept this long (failed ones for the background-work page).
JOB_KEEP_DAYS = envint("JOB_KEEP_DAYS", 14)
JOB_PRUNE_SECONDS = envint("JOB_PRUNE_SECONDS", 3600)
# A rollback that meets an unreachable router is tried again after these delays.
DEPLOY_ROLLBACK_RETRY_SECONDS = tuple(
    int(s) for s in os.environ.get("DEPLOY_ROLLBACK_RETRY_SECONDS", "15,30,60,120,300").split(",")
    if s.strip())

# --- Fleet: imports, health checks, live data (fleet/) ------------------------------------
INSTALLED_APPS += ["fleet"]
# An import run may take this long before RQ stops it (seed 004: 10 minutes).
FLEET_IMPORT_TIMEOUT = envint("FLEET_IMPORT_TIMEOUT", 600)
# One print of a large menu (10,000 secrets) may take this long.
FLEET_IMPORT_COMMAND_TIMEOUT = envfloat("FLEET_IMPORT_COMMAND_TIMEOUT", 120)
FLEET_HEALTH_INTERVAL_SECONDS = envint("FLEET_HEALTH_INTERVAL_SECONDS", 60)
# Each router's check (connect + login) is bounded by this; a dead router costs no more.
FLEET_HEALTH_TIMEOUT = envfloat("FLEET_HEALTH_TIMEOUT", 3)
FLEET_HEALTH_PARALLEL = envint("FLEET_HEALTH_PARALLEL", 64)
FLEET_HEALTH_JOB_TIMEOUT = envint("FLEET_HEALTH_JOB_TIMEOUT", 300)
# A router is marked offline after this many checks in a row without an answer.
FLEET_OFFLINE_AFTER_MISSED = envint("FLEET_OFFLINE_AFTER_MISSED", 2)
# Live data older than this is refetched when someone polls it; kept this long in the cache.
FLEET_LIVE_DATA_MAX_AGE = envfloat("FLEET_LIVE_DATA_MAX_AGE", 4)
FLEET_LIVE_DATA_TTL = envint("FLEET_LIVE_DATA_TTL", 300)
FLEET_LIVE_DATA_TIMEOUT = envfloat("FLEET_LIVE_DATA_TIMEOUT", 5)
FLEET_STALE_IMPORTS_INTERVAL_SECONDS = envint("FLEET_STALE_IMPORTS_INTERVAL_SECONDS", 300)
FLEET_DRIFT_INTERVAL_SECONDS = envint("FLEET_DRIFT_INTERVAL_SECONDS", 300)
FLEET_DRIFT_TIMEOUT = envfloat("FLEET_DRIFT_TIMEOUT", 10)
FLEET_DRIFT_PARALLEL = envint("FLEET_DRIFT_PARALLEL", 64)
FLEET_DRIFT_JOB_TIMEOUT = envint("FLEET_DRIFT_JOB_TIMEOUT", 300)
# --- end fleet ------------------------------------------------------------------------------

# --- subscribers (PPPoE plans and subscribers) -------------------------------------------------
INSTALLED_APPS += ["subscribers"]
# Active subscribers whose validity has ended are expired (RADIUS rejects them) this often.
SUBSCRIBER_EXPIRY_SECONDS = envint("SUBSCRIBER_EXPIRY_SECONDS", 300)
# Subscribers on quota plans are re-synced this often once a new quota period has begun.
SUBSCRIBER_QUOTA_ROLL_SECONDS = envint("SUBSCRIBER_QUOTA_ROLL_SECONDS", 600)
# --- end subscribers ----------------------------------------------------------------------------

# Sales ledger, reports, resellers and the /api/v1/ selling API (sales/).
INSTALLED_APPS += ["sales"]
