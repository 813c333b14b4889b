"""Database triggers that keep the ledger append-only.

``UPDATE`` of a leaf, a node or a checkpoint is refused on SQLite and PostgreSQL;
``DELETE`` too on PostgreSQL (SQLite's flush in tests deletes rows, so there a
deletion is left to the audit, which locates it). Salts are not covered: erasing
one is how personal data is forgotten.
"""

from django.db import migrations

TABLES = ("operations_ledgerleaf", "operations_ledgernode", "operations_ledgercheckpoint")

SQLITE = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS {table}_no_update;"

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION operations_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only';
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION operations_ledger_append_only();
"""
POSTGRES_DROP = "DROP TRIGGER IF EXISTS {table}_append_only ON {table};"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(SQLITE.format(table=table))
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            schema_editor.execute(POSTGRES.format(table=table))


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(SQLITE_DROP.format(table=table))
    elif vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(POSTGRES_DROP.format(table=table))
        schema_editor.execute("DROP FUNCTION IF EXISTS operations_ledger_append_only();")


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
