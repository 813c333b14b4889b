from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tianping.web.transparency"
    label = "transparency"
    verbose_name = _("Transparency documents")

    def ready(self) -> None:
        from tianping.web.core import periodic
        from tianping.web.ledger.models import ACTION_LABELS
        from tianping.web.transparency import labels

        ACTION_LABELS.update(labels.LEDGER_ACTIONS)
        periodic.register(
            "tianping.web.transparency.services.report_reminders_send", every_s=24 * 3600
        )
