from django.db import migrations

from radius import schema


def create(apps, schema_editor):
    schema.create(schema_editor.connection)


def drop(apps, schema_editor):
    schema.drop(schema_editor.connection)


class Migration(migrations.Migration):
    """FreeRADIUS's tables, on the database radius.dbrouter assigns (RADIUS_DATABASE_URL)."""

    dependencies = [("radius", "0001_initial")]

    operations = [migrations.RunPython(create, drop, hints={"radius_schema": True})]
