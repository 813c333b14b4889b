"""PostgreSQL: the cases' text-search vectors also hold key lexemes, so the GIN index alone
narrows a search to a range of ids and to the chosen facet values.

Each vector gains, besides the words of its text, ``~b10:N``, ``~b14:N`` and ``~b18:N`` (the
case's id divided by 2**10, 2**14 and 2**18: blocks of ids, newest last) and ``~FIELD:VALUE``
for the coded fields a search filters by (``sector``, ``region``, ``system_type``,
``risk_category``, ``severity``, ``year``). The search text and a query are made of the
tokenizer's words (letters and digits only), so no word of either is a key. SQLite is
unchanged (FTS5 walks the matches newest first by itself).
"""

from django.db import migrations

KEYS = (
    "array_to_tsvector(ARRAY["
    "'~b10:' || (id / 1024)::text, '~b14:' || (id / 16384)::text, "
    "'~b18:' || (id / 262144)::text, '~sector:' || sector, '~region:' || region, "
    "'~system_type:' || system_type, '~risk_category:' || risk_category, "
    "'~severity:' || severity, '~year:' || year::text])"
)


def _columns(keys: bool) -> list[str]:
    statements = []
    for language in ("zh", "en"):
        column = f"search_{language}_tsv"
        expression = f"to_tsvector('simple', search_{language})"
        if keys:
            expression += f" || {KEYS}"
        statements += [
            f"ALTER TABLE cases_caserecord DROP COLUMN IF EXISTS {column}",
            f"ALTER TABLE cases_caserecord ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED",
            f"CREATE INDEX cases_caserecord_{language}_gin ON cases_caserecord USING GIN ({column})",
        ]
    return statements


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in _columns(keys=True):
            schema_editor.execute(statement)
        # A search weighs its words by the vectors' statistics: gather them now.
        schema_editor.execute("ANALYZE cases_caserecord")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in _columns(keys=False):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_aiid_import")]

    operations = [migrations.RunPython(forwards, backwards)]
