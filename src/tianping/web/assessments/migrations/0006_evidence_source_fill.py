# Copies each evidence record's bias assessment or privacy scan into its generic source,
# and back. The content types are got or created here: post_migrate may not have run.

from django.db import migrations

# (the old one-to-one field, the model it pointed to)
FIELDS = (('bias_assessment', 'biasassessment'), ('privacy_scan', 'privacyscan'))


def _content_type(apps, alias, model):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    content_type, _created = ContentType.objects.using(alias).get_or_create(
        app_label='assessments', model=model
    )
    return content_type


def fill_source(apps, schema_editor):
    alias = schema_editor.connection.alias
    Evidence = apps.get_model('assessments', 'Evidence')
    for field, model in FIELDS:
        rows = Evidence.objects.using(alias).filter(**{f'{field}__isnull': False})
        if not rows.exists():
            continue
        content_type = _content_type(apps, alias, model)
        for pk, source_pk in rows.values_list('pk', f'{field}_id').iterator():
            Evidence.objects.using(alias).filter(pk=pk).update(
                source_type=content_type, source_id=str(source_pk)
            )


def fill_back(apps, schema_editor):
    alias = schema_editor.connection.alias
    Evidence = apps.get_model('assessments', 'Evidence')
    known = [_content_type(apps, alias, model).pk for _field, model in FIELDS]
    others = Evidence.objects.using(alias).filter(source_type__isnull=False).exclude(
        source_type__in=known
    )
    if others.exists():
        raise RuntimeError(
            f'Cannot migrate evidence back to per-kind fields: {others.count()} evidence '
            'record(s) come from sources other than bias assessments and privacy scans '
            '(probe runs, documents, certificates …), which the old fields cannot hold. '
            'Delete or export them first.'
        )
    for field, model in FIELDS:
        Source = apps.get_model('assessments', model)
        content_type = _content_type(apps, alias, model)
        rows = Evidence.objects.using(alias).filter(source_type=content_type)
        for pk, source_id in rows.values_list('pk', 'source_id').iterator():
            source = Source.objects.using(alias).filter(pk=source_id).first()
            if source is not None:
                Evidence.objects.using(alias).filter(pk=pk).update(**{field: source})


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0005_evidence_source'),
    ]

    operations = [
        migrations.RunPython(fill_source, fill_back),
    ]
