from django.contrib import admin

from accounting.models import AccountingCursor, DailyUsage, Disconnect, Session


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["username", "organization", "router", "mac", "ip", "started_at",
                    "stopped_at", "seconds", "bytes_in", "bytes_out", "terminate_cause"]
    list_filter = ["organization", "terminate_cause"]
    search_fields = ["username", "mac", "ip", "session_id"]
    raw_id_fields = ["voucher", "router", "server"]
    date_hierarchy = "started_at"


@admin.register(DailyUsage)
class DailyUsageAdmin(admin.ModelAdmin):
    list_display = ["day", "username", "organization", "sessions", "seconds", "bytes_in",
                    "bytes_out"]
    list_filter = ["organization"]
    search_fields = ["username"]
    raw_id_fields = ["voucher"]


@admin.register(AccountingCursor)
class AccountingCursorAdmin(admin.ModelAdmin):
    list_display = ["server", "last_change", "read_at", "error"]


@admin.register(Disconnect)
class DisconnectAdmin(admin.ModelAdmin):
    list_display = ["session", "organization", "reason", "status", "radius_answer", "method",
                    "created_at", "finished_at"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["session"]
