"""Translated names of what certification writes to the platform log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LEDGER_ACTIONS = {
    "certification.application_submitted": _("Certification applied for"),
    "certification.evaluators_assigned": _("Certification evaluators named"),
    "certification.findings_recorded": _("Certification findings recorded"),
    "certification.evaluation_completed": _("Certification evaluation completed"),
    "certification.application_decided": _("Certification decided"),
    "certification.certificate_issued": _("Certificate issued"),
    "certification.certificate_revoked": _("Certificate revoked"),
    "certification.certificate_suspended": _("Certificate suspended"),
    "certification.certificate_reinstated": _("Certificate reinstated"),
    "certification.certificate_expired": _("Certificate expired"),
    "certification.status_list_published": _("Certificate status list published"),
    "certification.appeal_lodged": _("Certification refusal appealed"),
    "certification.appeal_decided": _("Certification appeal decided"),
    "certification.renewal_submitted": _("Certificate renewal applied for"),
    "certification.certificate_superseded": _("Certificate superseded by a renewal"),
    "certification.surveillance_opened": _("Certificate surveillance case opened"),
    "certification.surveillance_decided": _("Certificate surveillance case decided"),
    "certification.reevaluation_required": _("Certificate re-evaluation required"),
}
"""Every ``certification.*`` kind of platform action, by its name in the reader's language."""
