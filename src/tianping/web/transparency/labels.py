"""Translated names of the documents and of what this app writes to the platform log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "model-card": _("Model card"),
    "training-data": _("Training-data summary"),
    "algorithm": _("Algorithm documentation and data-sourcing records"),
    "transparency-report": _("Six-monthly transparency report"),
    "user-notice": _("User notice"),
    "playbook": _("Incident playbook one-pager"),
}
"""Each document kind, by its name in the reader's language."""

LEDGER_ACTIONS = {
    "transparency.document_published": _("Transparency document published"),
}
"""Every ``transparency.*`` kind of platform action, by its name in the reader's language."""
