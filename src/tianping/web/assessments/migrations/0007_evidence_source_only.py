# The per-kind fields go; the generic source is indexed, one evidence record per source.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0006_evidence_source_fill'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='evidence',
            name='bias_assessment',
        ),
        migrations.RemoveField(
            model_name='evidence',
            name='privacy_scan',
        ),
        migrations.AddIndex(
            model_name='evidence',
            index=models.Index(fields=['source_type', 'source_id'], name='evidence_source'),
        ),
        migrations.AddConstraint(
            model_name='evidence',
            constraint=models.UniqueConstraint(condition=models.Q(('source_type__isnull', False)), fields=('source_type', 'source_id'), name='unique_evidence_source'),
        ),
    ]
