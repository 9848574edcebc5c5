from django.contrib import admin

from subscribers.models import Event, Plan, Run, Subscriber, Switch


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "rate_limit", "addressing", "address_pool")
    list_filter = ("organization",)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("username", "organization", "plan", "status", "radius_status")
    list_filter = ("status", "radius_status", "organization")
    search_fields = ("username", "full_name", "phone")
    exclude = ("password",)  # revealed only on the subscriber's page, with an audit line
    readonly_fields = ("radius_error", "radius_synced_at", "imported_secret")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("at", "subscriber", "kind", "message", "actor")
    list_filter = ("kind",)


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "organization", "status", "progress", "done", "failed")
    exclude = ("csv",)


@admin.register(Switch)
class SwitchAdmin(admin.ModelAdmin):
    list_display = ("pk", "router", "direction", "status", "rolled_back", "rollback_clean")
