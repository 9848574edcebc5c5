from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


def create_default_organization(apps, schema_editor):
    # A fresh install has one organization; hosted setups add more in the admin.
    Organization = apps.get_model("accounts", "Organization")
    Organization.objects.get_or_create(name="Default organization")


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Organization",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="Operator",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("organization", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="operators", to="accounts.organization")),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="operator", to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.RunPython(create_default_organization, migrations.RunPython.noop),
    ]
