"""Review notifications move to the core's generic notifications (core.Notification).

Every reviews_notification row is copied into core_notification with the
application as its target, keeping its id (when the core table is still empty),
user, message, parameters, link, created_at and read_at; then the reviews table
is dropped. Reversible: going back copies the notifications about applications
into the recreated reviews table.
"""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 1000


def _application_type(apps, alias):
    content_type = apps.get_model("contenttypes", "ContentType")
    # The contenttypes app's post_migrate may not have run yet (a fresh database).
    return content_type.objects.db_manager(alias).get_or_create(
        app_label="reviews", model="application"
    )[0]


def _reset_sequence(connection, model):
    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def copy_to_core(apps, schema_editor):
    alias = schema_editor.connection.alias
    old = apps.get_model("reviews", "Notification")
    new = apps.get_model("core", "Notification")
    if not old.objects.using(alias).exists():
        return
    target_type = _application_type(apps, alias)
    keep_ids = not new.objects.using(alias).exists()
    last = 0
    while True:
        rows = list(old.objects.using(alias).filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            break
        new.objects.using(alias).bulk_create(
            [
                new(
                    **({"pk": row.pk} if keep_ids else {}),
                    user_id=row.user_id,
                    target_type=target_type if row.application_id is not None else None,
                    target_id=str(row.application_id) if row.application_id is not None else None,
                    message=row.message,
                    params=row.params,
                    url=row.url,
                    created_at=row.created_at,
                    read_at=row.read_at,
                )
                for row in rows
            ]
        )
        last = rows[-1].pk
    if keep_ids:
        _reset_sequence(schema_editor.connection, new)


def copy_back(apps, schema_editor):
    alias = schema_editor.connection.alias
    old = apps.get_model("reviews", "Notification")
    new = apps.get_model("core", "Notification")
    application = apps.get_model("reviews", "Application")
    # created_at is auto_now_add in the reviews model; keep the copied moments
    # (this historical model class belongs to this migration alone).
    old._meta.get_field("created_at").auto_now_add = False
    target_type = _application_type(apps, alias)
    last = 0
    while True:
        rows = list(
            new.objects.using(alias)
            .filter(target_type=target_type, pk__gt=last)
            .order_by("pk")[:BATCH]
        )
        if not rows:
            break
        ids = {int(r.target_id) for r in rows if (r.target_id or "").isdigit()}
        existing = set(
            application.objects.using(alias).filter(pk__in=ids).values_list("pk", flat=True)
        )
        old.objects.using(alias).bulk_create(
            [
                old(
                    pk=row.pk,
                    user_id=row.user_id,
                    application_id=int(row.target_id),
                    message=row.message,
                    params=row.params,
                    url=row.url,
                    created_at=row.created_at,
                    read_at=row.read_at,
                )
                for row in rows
                if (row.target_id or "").isdigit() and int(row.target_id) in existing
            ]
        )
        last = rows[-1].pk
    _reset_sequence(schema_editor.connection, old)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_notification"),
        ("reviews", "0002_background_job"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="Notification"),
    ]
