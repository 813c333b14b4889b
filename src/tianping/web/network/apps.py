from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

HOUR_S = 60 * 60


class NetworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tianping.web.network"
    label = "network"
    verbose_name = _("Risk network")

    def ready(self) -> None:
        from tianping.web.core import events, periodic
        from tianping.web.ledger.models import ACTION_LABELS
        from tianping.web.network import labels
        from tianping.web.operations.events import AlertOpened, IncidentOpened

        ACTION_LABELS.update(labels.LEDGER_ACTIONS)
        # An incident or a monitor alert drafts a risk report for its organisation to file.
        events.subscribe(IncidentOpened, "tianping.web.network.handlers.draft_from_incident")
        events.subscribe(AlertOpened, "tianping.web.network.handlers.draft_from_alert")
        periodic.register(
            "tianping.web.network.services.reports_escalate_overdue",
            every_s=HOUR_S,
            name="network_triage_deadlines",
        )
        periodic.register(
            "tianping.web.network.services.warnings_resend_overdue",
            every_s=HOUR_S,
            name="network_warning_deadlines",
        )
        periodic.register(
            "tianping.web.network.filings.filings_remind",
            every_s=24 * HOUR_S,
            name="network_filing_reminders",
        )
        periodic.register(
            "tianping.web.network.triggers.triggers_run",
            every_s=HOUR_S,
            name="network_warning_triggers",
        )
