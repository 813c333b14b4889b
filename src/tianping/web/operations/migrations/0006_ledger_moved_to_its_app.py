"""The ledger's models leave the ``operations`` app's state for the ``ledger`` app (state only).

No table is dropped, renamed or rebuilt: ``ledger/migrations/0001_initial.py``
took them over under their old names, so their rows and the append-only
triggers stay. :class:`IngestBatch` now points at ``ledger.LedgerLog``, the
same table.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
        ("operations", "0005_playbook_empty_defaults"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="ledgerleaf", name="log"),
                migrations.RemoveField(model_name="ledgerlog", name="system"),
                migrations.RemoveField(model_name="platformaction", name="log"),
                migrations.AlterField(
                    model_name="ingestbatch",
                    name="log",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="ledger.ledgerlog",
                    ),
                ),
                migrations.RemoveField(model_name="ledgernode", name="log"),
                migrations.RemoveField(model_name="ledgersalt", name="log"),
                migrations.RemoveField(model_name="platformaction", name="actor"),
                migrations.RemoveField(model_name="platformaction", name="system"),
                migrations.DeleteModel(name="LedgerCheckpoint"),
                migrations.DeleteModel(name="LedgerLeaf"),
                migrations.DeleteModel(name="LedgerNode"),
                migrations.DeleteModel(name="LedgerLog"),
                migrations.DeleteModel(name="LedgerSalt"),
                migrations.DeleteModel(name="PlatformAction"),
            ],
            database_operations=[],
        ),
    ]
