from django.db import migrations

from radius import schema


def create(apps, schema_editor):
    connection = schema_editor.connection
    schema.create_agent_tables(connection)
    if connection.alias != "default":
        return  # a separate RADIUS database: its users are claimed by their next write
    # FreeRADIUS's tables share the product's database: every voucher already in RADIUS
    # belongs to the scope of the server its batch syncs to.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO radowner (username, scope)"
            " SELECT DISTINCT v.code, s.agent_scope FROM vouchers_voucher v"
            " JOIN vouchers_voucherbatch b ON b.id = v.batch_id"
            " LEFT JOIN routers_router r ON r.id = b.router_id"
            " JOIN radius_radiusserver s ON s.id = COALESCE(b.radius_server_id, r.radius_server_id)"
            " WHERE v.code IN (SELECT username FROM radcheck)"
            " AND v.code NOT IN (SELECT username FROM radowner)"
        )


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS radowner")


class Migration(migrations.Migration):
    """The agent's table of which scope owns each username, beside FreeRADIUS's tables."""

    dependencies = [
        ("radius", "0003_agent_scopes"),
        ("vouchers", "0003_default_profiles"),
        ("routers", "0002_probe_schedule"),
    ]

    operations = [migrations.RunPython(create, drop, hints={"radius_schema": True})]
