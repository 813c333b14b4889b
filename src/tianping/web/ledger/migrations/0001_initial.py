"""The ledger's models, moved from ``operations`` without moving a row (state only).

The tables were created by ``operations/migrations/0001_initial.py`` and keep
their names (``db_table``); the append-only triggers of
``operations/migrations/0002_append_only_triggers.py`` still guard them. This
migration only tells Django's state that the ``ledger`` app owns them;
``operations/migrations/0006_ledger_moved_to_its_app.py`` drops them from the
``operations`` app's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('systems', '0003_background_job'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The tables exist once operations' migrations up to the move have run.
        ('operations', '0005_playbook_empty_defaults'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LedgerLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('origin', models.CharField(max_length=200, unique=True, verbose_name='origin')),
                        ('kind', models.CharField(choices=[('decisions', 'Decision records'), ('platform', 'Platform actions')], max_length=16, verbose_name='kind')),
                        ('size', models.BigIntegerField(default=0, verbose_name='entries')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('system', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ledger_logs', to='systems.aisystem', verbose_name='AI system')),
                    ],
                    options={
                        'verbose_name': 'ledger log',
                        'verbose_name_plural': 'ledger logs',
                        'db_table': 'operations_ledgerlog',
                    },
                ),
                migrations.CreateModel(
                    name='LedgerLeaf',
                    fields=[
                        ('pk', models.CompositePrimaryKey('log_id', 'idx', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('idx', models.BigIntegerField()),
                        ('data', models.BinaryField()),
                        ('hash', models.BinaryField()),
                        ('log', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.ledgerlog')),
                    ],
                    options={
                        'verbose_name': 'ledger entry',
                        'verbose_name_plural': 'ledger entries',
                        'db_table': 'operations_ledgerleaf',
                    },
                ),
                migrations.CreateModel(
                    name='LedgerCheckpoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('size', models.BigIntegerField(verbose_name='tree size')),
                        ('note', models.TextField(verbose_name='signed note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='signed at')),
                        ('log', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='checkpoints', to='ledger.ledgerlog')),
                    ],
                    options={
                        'verbose_name': 'ledger checkpoint',
                        'verbose_name_plural': 'ledger checkpoints',
                        'db_table': 'operations_ledgercheckpoint',
                    },
                ),
                migrations.CreateModel(
                    name='LedgerNode',
                    fields=[
                        ('pk', models.CompositePrimaryKey('log_id', 'pos', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('pos', models.BigIntegerField()),
                        ('hash', models.BinaryField()),
                        ('log', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.ledgerlog')),
                    ],
                    options={
                        'verbose_name': 'ledger node',
                        'verbose_name_plural': 'ledger nodes',
                        'db_table': 'operations_ledgernode',
                    },
                ),
                migrations.CreateModel(
                    name='LedgerSalt',
                    fields=[
                        ('pk', models.CompositePrimaryKey('log_id', 'idx', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('idx', models.BigIntegerField()),
                        ('salt', models.BinaryField()),
                        ('log', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.ledgerlog')),
                    ],
                    options={
                        'verbose_name': 'ledger salt',
                        'verbose_name_plural': 'ledger salts',
                        'db_table': 'operations_ledgersalt',
                    },
                ),
                migrations.CreateModel(
                    name='PlatformAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('idx', models.BigIntegerField(verbose_name='entry')),
                        ('kind', models.CharField(max_length=64, verbose_name='action')),
                        ('subject', models.CharField(max_length=200, verbose_name='subject')),
                        ('at', models.DateTimeField(verbose_name='at')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
                        ('log', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.ledgerlog')),
                        ('system', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='platform_actions', to='systems.aisystem', verbose_name='AI system')),
                    ],
                    options={
                        'verbose_name': 'platform action',
                        'verbose_name_plural': 'platform actions',
                        'db_table': 'operations_platformaction',
                        'ordering': ['-idx'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='ledgerlog',
                    constraint=models.UniqueConstraint(condition=models.Q(('kind', 'decisions')), fields=('system',), name='one_decision_log_per_system'),
                ),
                migrations.AddConstraint(
                    model_name='ledgerlog',
                    constraint=models.UniqueConstraint(condition=models.Q(('kind', 'platform')), fields=('kind',), name='one_platform_log'),
                ),
                migrations.AddConstraint(
                    model_name='ledgerlog',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'platform'), ('system__isnull', True)), models.Q(('kind', 'decisions'), ('system__isnull', False)), _connector='OR'), name='decision_logs_belong_to_a_system'),
                ),
                migrations.AddIndex(
                    model_name='ledgercheckpoint',
                    index=models.Index(fields=['log', 'id'], name='checkpoint_log_order'),
                ),
                migrations.AddIndex(
                    model_name='platformaction',
                    index=models.Index(fields=['system', '-idx'], name='platform_action_by_system'),
                ),
                migrations.AddConstraint(
                    model_name='platformaction',
                    constraint=models.UniqueConstraint(fields=('log', 'idx'), name='one_action_per_platform_entry'),
                ),
            ],
            database_operations=[],
        ),
    ]
