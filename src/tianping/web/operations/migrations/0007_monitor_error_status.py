"""A monitor that raises is stored as an ``error`` reading and alert (choices only: no SQL)."""

from django.db import migrations, models

STATUSES = [
    ("ok", "OK"),
    ("warn", "Warning"),
    ("fail", "Failed"),
    ("insufficient_data", "Insufficient data"),
    ("error", "error"),
]


class Migration(migrations.Migration):
    dependencies = [("operations", "0006_ledger_moved_to_its_app")]

    operations = [
        migrations.AlterField(
            model_name="monitoralert",
            name="severity",
            field=models.CharField(choices=STATUSES, max_length=20, verbose_name="severity"),
        ),
        migrations.AlterField(
            model_name="monitorreadingrecord",
            name="status",
            field=models.CharField(choices=STATUSES, max_length=20, verbose_name="status"),
        ),
    ]
