import hotspot.crypto
import radius.models
from django.db import migrations, models


def give_scopes(apps, schema_editor):
    """Existing servers all carried the one installation-wide token: each gets a token and a
    scope of its own (named server<pk>, as its NAS rows already are), registered with this
    installation's agent. A separate agent learns them with `manage.py radius_agent_scope`."""
    RadiusServer = apps.get_model("radius", "RadiusServer")
    AgentScope = apps.get_model("radius", "AgentScope")
    for server in RadiusServer.objects.all():
        server.agent_scope = f"server{server.pk}"
        server.agent_token = radius.models.new_agent_token()
        server.save(update_fields=["agent_scope", "agent_token"])
        AgentScope.objects.create(key=server.agent_scope,
                                  token_digest=radius.models.token_digest(server.agent_token),
                                  label=f"{server.name} (organization {server.organization_id})")


class Migration(migrations.Migration):

    dependencies = [("radius", "0002_freeradius_schema")]

    operations = [
        migrations.CreateModel(
            name="AgentScope",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40, unique=True)),
                ("token_digest", models.CharField(max_length=64, unique=True)),
                ("label", models.CharField(blank=True, max_length=120)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"ordering": ["key"]},
        ),
        migrations.AddField(
            model_name="radiusserver", name="agent_scope",
            field=models.CharField(editable=False, max_length=40, null=True, verbose_name="agent scope"),
        ),
        migrations.AddField(
            model_name="radiusserver", name="agent_token_rotated_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="radiusserver", name="agent_token",
            field=hotspot.crypto.EncryptedTextField(default=radius.models.new_agent_token, verbose_name="agent API token"),
        ),
        migrations.RunPython(give_scopes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="radiusserver", name="agent_scope",
            field=models.CharField(default=radius.models.new_scope_key, editable=False, max_length=40, unique=True, verbose_name="agent scope"),
        ),
    ]
