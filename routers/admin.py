from django.contrib import admin

from routers.models import ProbeAttempt, Router, RouterConfig, RouterEvent


@admin.register(Router)
class RouterAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "host", "api_port", "status", "model",
                    "routeros_version", "last_seen"]
    list_filter = ["status", "organization", "use_tls"]
    search_fields = ["name", "host", "serial"]
    # The config token is encrypted and never shown here; status changes go
    # through Router.set_status, so the admin shows it read-only.
    readonly_fields = ["status", "model", "board", "routeros_version", "serial", "last_seen",
                       "probe_attempts", "missed_checks", "tls_fingerprint", "tls_pinned_at",
                       "created_at", "updated_at"]
    exclude = ["config_token"]


@admin.register(RouterConfig)
class RouterConfigAdmin(admin.ModelAdmin):
    list_display = ["router", "kind", "checksum", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["router__name", "checksum"]
    readonly_fields = ["checksum", "created_at"]


@admin.register(RouterEvent)
class RouterEventAdmin(admin.ModelAdmin):
    list_display = ["router", "kind", "status_from", "status_to", "message", "created_at"]
    list_filter = ["kind", "status_to"]
    search_fields = ["router__name", "message"]


@admin.register(ProbeAttempt)
class ProbeAttemptAdmin(admin.ModelAdmin):
    list_display = ["router", "number", "outcome", "error", "created_at"]
    list_filter = ["outcome"]
    search_fields = ["router__name", "error"]
