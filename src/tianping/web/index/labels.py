"""Translated names of what the index writes to the platform log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LEDGER_ACTIONS = {
    "index.scorecard_computed": _("Responsibility index scorecard computed"),
    "index.scorecard_published": _("Responsibility index scorecard published"),
}
"""Every ``index.*`` kind of platform action, by its name in the reader's language."""

RULE_LABELS = {
    "document": _("Document present or complete"),
    "fairness_verdict": _("Fairness verdict"),
    "probe_pass_rate": _("Probe pass rate"),
    "certificate_level": _("Certificate level"),
    "incident_count": _("Incident count"),
    "monitor_coverage": _("Monitor coverage"),
    "switch_tested": _("Switch tested"),
    "energy_reported": _("Energy reported"),
    "status_level": _("Recorded status"),
    "count_ratio": _("Recorded share"),
    "raters": _("Two human raters"),
}
"""Each evidence rule of the specification, by its name in the reader's language."""

SCALE_LABELS = {
    "binary": _("Yes or no"),
    "fraction": _("Fraction from 0 to 1"),
    "ordinal": _("Ordered levels"),
}
"""Each scale of the specification, by its name in the reader's language."""

CONFIDENCE_LABELS = {
    "high": _("High: stated in the source"),
    "medium": _("Medium: a reading of the source"),
    "low": _("Low: the specification's own choice"),
}
"""How firmly an indicator's basis supports it, in the reader's language."""
