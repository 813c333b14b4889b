"""A member's own declaration is told apart from conflicts only detected; meetings keep
their reschedulings.

``Declaration.submitted_at`` is set when the member declares. Existing rows the
member declared (a ``declaration_submitted`` event on the application's timeline
names them) get the time of their latest such event; rows holding only the
conflicts detected at acceptance stay empty. Reversible (the column is dropped).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _mark_submitted(apps, schema_editor):
    alias = schema_editor.connection.alias
    event = apps.get_model("reviews", "ReviewEvent")
    declaration = apps.get_model("reviews", "Declaration")
    latest = {}
    events = (
        event.objects.using(alias)
        .filter(kind="declaration_submitted")
        .order_by("at", "pk")
        .values_list("application_id", "payload", "at")
    )
    for application_id, payload, at in events.iterator():
        member_id = payload.get("member") if isinstance(payload, dict) else None
        if isinstance(member_id, int):
            latest[(application_id, member_id)] = at
    for (application_id, member_id), at in latest.items():
        declaration.objects.using(alias).filter(
            application_id=application_id, member_id=member_id
        ).update(submitted_at=at)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_notification_to_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="declaration",
            name="submitted_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Empty while the member has not declared (a row may hold only conflicts the rules detected); a member declares before giving findings or voting.",
                null=True,
                verbose_name="declared by the member at",
            ),
        ),
        migrations.RunPython(_mark_submitted, migrations.RunPython.noop),
        migrations.CreateModel(
            name="MeetingReschedule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("previous_for", models.DateTimeField(verbose_name="previously scheduled for")),
                ("scheduled_for", models.DateTimeField(verbose_name="rescheduled for")),
                ("reason", models.TextField(max_length=2000, verbose_name="reason")),
                (
                    "rescheduled_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="rescheduled at"),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reschedules",
                        to="reviews.meeting",
                        verbose_name="meeting",
                    ),
                ),
                (
                    "rescheduled_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="rescheduled by",
                    ),
                ),
            ],
            options={
                "verbose_name": "meeting rescheduling",
                "verbose_name_plural": "meeting reschedulings",
                "ordering": ["meeting", "rescheduled_at", "pk"],
            },
        ),
    ]
