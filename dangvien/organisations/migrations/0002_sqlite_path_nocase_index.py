"""On SQLite, LIKE 'prefix%' (what subtree filters compile to) only uses an index declared
COLLATE NOCASE, because SQLite's LIKE is case-insensitive. PostgreSQL uses the btree index
Django already creates (path is unique)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS organisation_path_nocase "
            "ON organisations_organisation (path COLLATE NOCASE)"
        )
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS organisation_path_pattern "
            "ON organisations_organisation (path varchar_pattern_ops)"
        )


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS organisation_path_nocase")
    schema_editor.execute("DROP INDEX IF EXISTS organisation_path_pattern")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
