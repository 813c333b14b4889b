"""The full-text index over the cases' token columns, per database.

SQLite: an FTS5 table with external content (``cases_caserecord``), kept in step
by triggers. PostgreSQL: a stored ``tsvector`` per language over
``to_tsvector('simple', …)`` of the jieba-segmented text, GIN-indexed.
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE cases_caserecord_fts USING fts5(
        search_zh, search_en, content='cases_caserecord', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER cases_caserecord_fts_ai AFTER INSERT ON cases_caserecord BEGIN
        INSERT INTO cases_caserecord_fts(rowid, search_zh, search_en)
        VALUES (new.id, new.search_zh, new.search_en); END""",
    """CREATE TRIGGER cases_caserecord_fts_ad AFTER DELETE ON cases_caserecord BEGIN
        INSERT INTO cases_caserecord_fts(cases_caserecord_fts, rowid, search_zh, search_en)
        VALUES ('delete', old.id, old.search_zh, old.search_en); END""",
    """CREATE TRIGGER cases_caserecord_fts_au AFTER UPDATE ON cases_caserecord BEGIN
        INSERT INTO cases_caserecord_fts(cases_caserecord_fts, rowid, search_zh, search_en)
        VALUES ('delete', old.id, old.search_zh, old.search_en);
        INSERT INTO cases_caserecord_fts(rowid, search_zh, search_en)
        VALUES (new.id, new.search_zh, new.search_en); END""",
    "INSERT INTO cases_caserecord_fts(cases_caserecord_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_caserecord_fts_au",
    "DROP TRIGGER IF EXISTS cases_caserecord_fts_ad",
    "DROP TRIGGER IF EXISTS cases_caserecord_fts_ai",
    "DROP TABLE IF EXISTS cases_caserecord_fts",
]
POSTGRESQL = [
    """ALTER TABLE cases_caserecord ADD COLUMN search_zh_tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', search_zh)) STORED""",
    """ALTER TABLE cases_caserecord ADD COLUMN search_en_tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', search_en)) STORED""",
    "CREATE INDEX cases_caserecord_zh_gin ON cases_caserecord USING GIN (search_zh_tsv)",
    "CREATE INDEX cases_caserecord_en_gin ON cases_caserecord USING GIN (search_en_tsv)",
]
POSTGRESQL_REVERSE = [
    "ALTER TABLE cases_caserecord DROP COLUMN IF EXISTS search_zh_tsv",
    "ALTER TABLE cases_caserecord DROP COLUMN IF EXISTS search_en_tsv",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor)
    for statement in statements or []:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(
        schema_editor.connection.vendor
    )
    for statement in statements or []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_record")]

    operations = [migrations.RunPython(forwards, backwards)]
