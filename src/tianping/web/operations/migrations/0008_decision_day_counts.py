"""Decisions per day and system, kept by ingestion; filled from the batches already ingested."""

from datetime import date

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    """Sum the batches already ingested by the day (platform zone) they were received."""
    batch_model = apps.get_model("operations", "IngestBatch")
    count_model = apps.get_model("operations", "DecisionDayCount")
    totals: dict[tuple[int, date], int] = {}
    batches = batch_model.objects.filter(log__system__isnull=False).values_list(
        "log__system_id", "created_at", "count"
    )
    for system_id, created_at, count in batches.iterator():
        key = (system_id, timezone.localtime(created_at).date())
        totals[key] = totals.get(key, 0) + count
    count_model.objects.bulk_create(
        [count_model(system_id=s, day=d, count=c) for (s, d), c in sorted(totals.items())],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0007_monitor_error_status"),
        ("systems", "0006_flag_overrides_below_floors"),
    ]

    operations = [
        migrations.CreateModel(
            name="DecisionDayCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="day")),
                ("count", models.PositiveBigIntegerField(default=0, verbose_name="decisions")),
                (
                    "system",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decision_day_counts",
                        to="systems.aisystem",
                        verbose_name="AI system",
                    ),
                ),
            ],
            options={
                "verbose_name": "decisions per day",
                "verbose_name_plural": "decisions per day",
                "ordering": ["system", "day"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("system", "day"), name="one_decision_count_per_day"
                    )
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
