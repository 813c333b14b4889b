from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndexConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tianping.web.index"
    label = "index"
    verbose_name = _("Machine Responsibility Index")

    def ready(self) -> None:
        from tianping.web.index import labels
        from tianping.web.ledger.models import ACTION_LABELS

        ACTION_LABELS.update(labels.LEDGER_ACTIONS)
