from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tianping.web.cases"
    label = "cases"
    verbose_name = _("Ethics risk cases")

    def ready(self) -> None:
        from tianping.web.cases import labels, panels
        from tianping.web.core import panels as core_panels
        from tianping.web.core import periodic
        from tianping.web.ledger.models import ACTION_LABELS

        ACTION_LABELS.update(labels.LEDGER_ACTIONS)

        # Similar cases on the system page and in the review workspace.
        core_panels.register("system_detail", panels.similar_cases_panel)
        core_panels.register("review_workspace", panels.similar_cases_panel)
        # A complaint unanswered by its deadline goes to the regulator above the owner.
        periodic.register(
            "tianping.web.cases.services.complaints_escalate_overdue",
            every_s=60 * 60,
            name="cases_complaint_deadlines",
        )
