from django.contrib import admin

from radius.models import AgentScope, RadiusServer


@admin.register(RadiusServer)
class RadiusServerAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "host", "auth_port", "acct_port", "agent_url",
                    "agent_scope", "is_active"]
    list_filter = ["is_active", "organization"]
    search_fields = ["name", "host", "agent_scope"]

    def get_readonly_fields(self, request, obj=None):
        # Secrets are write-once here: shown never, replaced only by a new value. The agent
        # token is made by the product (operators' RADIUS pages: "New agent token").
        return ["created_at", "agent_scope"] if obj is None else [
            "created_at", "agent_scope", "nas_secret"]

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "agent_token"]
        if obj is not None:
            fields = [f for f in fields if f != "nas_secret"]
        return fields


@admin.register(AgentScope)
class AgentScopeAdmin(admin.ModelAdmin):
    """The tokens this installation's agent accepts (digests only)."""

    list_display = ["key", "label", "created_at", "updated_at"]
    search_fields = ["key", "label"]
    readonly_fields = ["key", "token_digest", "created_at", "updated_at"]
