from django.db import migrations


def drop_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS radowner_scope")


def create_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE INDEX IF NOT EXISTS radowner_scope ON radowner (scope, username)")


class Migration(migrations.Migration):
    """radowner without its (scope, username) index: every lookup goes by username (the
    primary key) and compares the scope on the row, and the index cost every voucher
    written a second index entry (a third of the ownership insert)."""

    dependencies = [("radius", "0006_subscribers_owner_kind")]

    operations = [migrations.RunPython(drop_index, create_index, hints={"radius_schema": True})]
