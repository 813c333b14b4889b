"""Translated names of what the vendor register writes to the platform log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LEDGER_ACTIONS = {
    "vendors.supplier_added": _("Supplier added"),
    "vendors.supplier_changed": _("Supplier changed"),
    "vendors.questionnaire_answered": _("Supplier questionnaire answered"),
    "vendors.bom_uploaded": _("AI-BOM uploaded"),
    "vendors.component_changed": _("AI-BOM component changed"),
}
"""Every ``vendors.*`` kind of platform action, by its name in the reader's language."""

RISK_LEVELS = {
    "low": _("Low risk"),
    "medium": _("Medium risk"),
    "high": _("High risk"),
}
"""The supplier risk ratings, by their name in the reader's language."""
