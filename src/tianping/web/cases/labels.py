"""The ledger actions of the case database, by their names."""

from django.utils.translation import gettext_lazy as _

LEDGER_ACTIONS = {
    "cases.report_published": _("Risk report published as a case"),
    "cases.request_filed": _("Case correction or takedown requested"),
    "cases.request_decided": _("Case correction or takedown decided"),
    "cases.complaint_escalated": _("Public complaint escalated to the regulator"),
}
