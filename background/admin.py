from django.contrib import admin

from background.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Job rows are what the workers did: read-only here (the reaper and the runner own
    their state)."""

    list_display = ["__str__", "router", "organization", "status", "stage", "attempts",
                    "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "error", "router__name"]
    list_select_related = ["router", "organization"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False
