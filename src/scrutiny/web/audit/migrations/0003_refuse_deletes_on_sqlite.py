"""Refuse DELETE of audit events on SQLite too (PostgreSQL has refused it since 0002).

Django's `flush` empties SQLite tables with DELETE, so `flush` (which on PostgreSQL
uses TRUNCATE, which row triggers do not see) lifts this trigger for the moment it
empties the whole database: scrutiny.web.audit.management.commands.flush.
"""

from django.db import migrations

from scrutiny.web.audit.triggers import SQLITE_NO_DELETE, SQLITE_NO_DELETE_DROP


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_DELETE)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_DELETE_DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
