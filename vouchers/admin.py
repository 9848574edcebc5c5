from django.contrib import admin

from vouchers.models import Voucher, VoucherBatch, VoucherProfile


@admin.register(VoucherProfile)
class VoucherProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "time_limit", "data_limit", "rate_limit_up",
                    "rate_limit_down", "shared_users", "validity", "price"]
    list_filter = ["organization", "validity"]
    search_fields = ["name"]


@admin.register(VoucherBatch)
class VoucherBatchAdmin(admin.ModelAdmin):
    list_display = ["batch_id", "organization", "profile", "count", "router", "radius_server",
                    "created_at"]
    list_filter = ["organization", "profile"]
    search_fields = ["batch_id"]


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = ["code", "batch", "state", "radius_sync_status", "radius_synced_at",
                    "expires_at"]
    list_filter = ["state", "radius_sync_status", "organization"]
    search_fields = ["code", "batch__batch_id"]
    readonly_fields = ["radius_sync_status", "radius_synced_at", "radius_sync_error"]
    list_select_related = ["batch"]
