from django.db import migrations

from radius import schema


def create(apps, schema_editor):
    schema.create_accounting(schema_editor.connection)


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS radbinding")
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS radacct_changed ON radacct")
            cursor.execute("ALTER TABLE radacct DROP COLUMN IF EXISTS changeseq")
            cursor.execute("DROP SEQUENCE IF EXISTS radacct_change_seq")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS radacct_changed_insert")
            cursor.execute("DROP TRIGGER IF EXISTS radacct_changed_update")
            cursor.execute("DROP TABLE IF EXISTS radacct_change_seq")


class Migration(migrations.Migration):
    """Device bindings, and change numbers on radacct for the agent's accounting feed."""

    dependencies = [("radius", "0004_agent_owners")]

    operations = [migrations.RunPython(create, drop, hints={"radius_schema": True})]
