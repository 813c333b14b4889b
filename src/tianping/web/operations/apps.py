from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "tianping.web.operations"
    label = "operations"
    verbose_name = _("Operations: ledger, runtime switch, decision ingestion")
