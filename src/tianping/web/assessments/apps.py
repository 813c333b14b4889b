from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "tianping.web.assessments"
    label = "assessments"
    verbose_name = _("Bias assessments")

    def ready(self) -> None:
        from tianping.web.core import periodic

        # Kept uploads past their retention period are deleted (hourly, by every worker).
        periodic.register("tianping.web.assessments.inputs.purge_expired", every_s=3600)
