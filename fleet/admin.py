from django.contrib import admin

from fleet.models import (
    ImportedHotspotProfile,
    ImportedHotspotUser,
    ImportedPool,
    ImportedPppSecret,
    ImportRun,
)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "router", "kind", "preview", "status", "added", "updated", "removed",
                    "failed", "created_at", "finished_at"]
    list_filter = ["status", "kind", "preview"]
    search_fields = ["router__name"]
    # Status is written by the import service only.
    readonly_fields = ["status", "progress", "stage", "added", "updated", "unchanged", "removed",
                       "failed", "errors", "changes", "started_at", "finished_at", "created_at"]


class ImportedAdmin(admin.ModelAdmin):
    list_display = ["name", "router", "ros_id", "removed_at", "last_changed_at"]
    list_filter = ["removed_at"]
    search_fields = ["name", "router__name"]
    raw_id_fields = ["router", "last_run"]


@admin.register(ImportedPool)
class ImportedPoolAdmin(ImportedAdmin):
    list_display = [*ImportedAdmin.list_display, "ranges", "address_count"]


@admin.register(ImportedPppSecret)
class ImportedPppSecretAdmin(ImportedAdmin):
    exclude = ["password"]  # encrypted at rest, never shown


@admin.register(ImportedHotspotUser)
class ImportedHotspotUserAdmin(ImportedAdmin):
    exclude = ["password"]


@admin.register(ImportedHotspotProfile)
class ImportedHotspotProfileAdmin(ImportedAdmin):
    pass
