from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProbesConfig(AppConfig):
    name = "tianping.web.probes"
    label = "probes"
    verbose_name = _("Generative-AI probes")
