# Evidence of any kind of result: a generic source (content type + key as text) beside
# the two per-kind fields, which 0006 copies into it and 0007 removes. Three migrations,
# so that on PostgreSQL the rows are not updated and the table altered in one transaction.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0004_uploads_encrypted_and_discarded'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='evidence',
            name='source_id',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='source ID'),
        ),
        migrations.AddField(
            model_name='evidence',
            name='source_type',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name='source type'),
        ),
        migrations.AlterField(
            model_name='evidence',
            name='kind',
            field=models.CharField(choices=[('bias_assessment', 'Bias assessment'), ('privacy_profile', 'Dataset privacy profile'), ('probe_run', 'Generative-AI probe run'), ('document', 'Document'), ('certificate', 'Certificate')], max_length=32, verbose_name='kind'),
        ),
    ]
