import json

from django.contrib import admin
from django.utils.html import format_html

from provisioning.models import Deployment, DeploymentEvent
from provisioning.services import sealing

SNAPSHOTS = ("before", "after")


def _pretty(state: dict):
    return format_html("<pre>{}</pre>", json.dumps(state, indent=1, sort_keys=True))


class DeploymentEventInline(admin.TabularInline):
    model = DeploymentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "stage", "progress", "level", "message"]
    fields = readonly_fields


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    """Deployments are a record of what a job did to a router: read-only here, since
    editing them would break the rollback that relies on them."""

    list_display = ["__str__", "router", "kind", "status", "stage", "progress", "rolled_back",
                    "round_trips", "created_at", "finished_at"]
    list_filter = ["status", "kind", "rolled_back"]
    search_fields = ["router__name", "error", "router_message"]
    list_select_related = ["router"]
    inlines = [DeploymentEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [*(f.name for f in Deployment._meta.fields if f.name not in SNAPSHOTS),
                "before_masked", "after_masked"]

    def get_exclude(self, request, obj=None):
        return SNAPSHOTS  # shown masked below: sealed secrets are no business of a page

    @admin.display(description="before")
    def before_masked(self, obj):
        return _pretty(sealing.masked(obj.before))

    @admin.display(description="after")
    def after_masked(self, obj):
        return _pretty(sealing.masked(obj.after))

    def has_add_permission(self, request):
        return False
