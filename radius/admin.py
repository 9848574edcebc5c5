from django.contrib import admin

from radius.models import RadiusServer


@admin.register(RadiusServer)
class RadiusServerAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "host", "auth_port", "acct_port", "agent_url",
                    "is_active"]
    list_filter = ["is_active", "organization"]
    search_fields = ["name", "host"]

    def get_readonly_fields(self, request, obj=None):
        # Secrets are write-once here: shown never, replaced only by a new value.
        return ["created_at"] if obj is None else ["created_at", "nas_secret", "agent_token"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None:
            fields = [f for f in fields if f not in ("nas_secret", "agent_token")]
        return fields
