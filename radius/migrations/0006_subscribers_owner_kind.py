from django.db import migrations


def add(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE radowner ADD COLUMN IF NOT EXISTS kind varchar(10)"
                           " NOT NULL DEFAULT 'voucher'")
        else:
            cursor.execute("ALTER TABLE radowner ADD COLUMN kind varchar(10)"
                           " NOT NULL DEFAULT 'voucher'")


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE radowner DROP COLUMN kind")


class Migration(migrations.Migration):
    """radowner.kind: a username is a voucher's or a PPPoE subscriber's, within a scope."""

    dependencies = [("radius", "0005_agent_accounting")]

    operations = [migrations.RunPython(add, drop, hints={"radius_schema": True})]
