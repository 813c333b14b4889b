# Evidence links carry the extent the measurement mapping gives (full or partial); links the
# mapping does not justify are kept, when removed, as EvidenceLinkRemoval rows (see 0009).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0007_evidence_source_only'),
        ('systems', '0003_background_job'),
    ]

    operations = [
        migrations.AddField(
            model_name='evidencelink',
            name='extent',
            field=models.CharField(choices=[('full', 'Answers it in full'), ('partial', 'Answers it in part')], default='partial', max_length=8, verbose_name='extent'),
        ),
        migrations.CreateModel(
            name='EvidenceLinkRemoval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('evidence_title', models.CharField(max_length=300, verbose_name='title')),
                ('evidence_sha256', models.CharField(max_length=64, verbose_name='SHA-256 digest')),
                ('item', models.CharField(max_length=32, verbose_name='requirement item')),
                ('catalogue_version', models.CharField(max_length=32, verbose_name='catalogue version')),
                ('basis', models.CharField(max_length=200, verbose_name='basis')),
                ('reason', models.CharField(choices=[('not_justified', 'The measurement mapping does not link this result to it')], max_length=32, verbose_name='reason')),
                ('mapping_version', models.CharField(max_length=32, verbose_name='mapping version')),
                ('removed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='removed at')),
                ('evidence', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='removed_links', to='assessments.evidence', verbose_name='evidence')),
                ('intake', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='systems.intake', verbose_name='intake')),
                ('system', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence_link_removals', to='systems.aisystem', verbose_name='AI system')),
            ],
            options={
                'verbose_name': 'removed evidence link',
                'verbose_name_plural': 'removed evidence links',
                'ordering': ['-removed_at', '-pk'],
            },
        ),
    ]
