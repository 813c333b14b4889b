"""Translated names of the network's ledger actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tianping.web.network.models import StepKind

LEDGER_ACTIONS = {
    **{f"network.report_{kind.value}": kind.label for kind in StepKind},
    "network.warning_issued": _("Early warning issued"),
    "network.report_attachment": _("File attached to a risk report"),
    "network.list_proposed": _("High-risk list change proposed"),
    "network.list_approved": _("High-risk list change approved"),
    "network.list_rejected": _("High-risk list change rejected"),
}
