from django.db import migrations


def create_defaults(apps, schema_editor):
    from vouchers.services.profiles import create_default_profiles

    Organization = apps.get_model("accounts", "Organization")
    VoucherProfile = apps.get_model("vouchers", "VoucherProfile")
    for organization in Organization.objects.all():
        create_default_profiles(organization, VoucherProfile)


class Migration(migrations.Migration):
    """Default profiles for every existing organization (new ones get them by signal)."""

    dependencies = [("vouchers", "0002_voucherbatch_alphabet_voucherbatch_login_url_and_more"),
                    ("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
