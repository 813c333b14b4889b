from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tianping.web.vendors"
    label = "vendors"
    verbose_name = _("Vendors")

    def ready(self) -> None:
        from tianping.web.ledger.models import ACTION_LABELS
        from tianping.web.vendors import labels

        ACTION_LABELS.update(labels.LEDGER_ACTIONS)
