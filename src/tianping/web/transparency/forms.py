"""The owner's fields of a document, written as YAML (docs/transparency.md, *The input*)."""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from tianping import yamlsafe

MAX_CHARS = 64 * 1024


def fields_text(fields: dict[str, Any]) -> str:
    """The owner's stored fields as the YAML the form shows."""
    if not fields:
        return ""
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)


class OwnerFieldsForm(forms.Form):
    owner_fields = forms.CharField(
        label=_("Owner's fields (YAML)"),
        help_text=_(
            "Only what the platform cannot know: the owner's statements, the system's role, "
            "limits, opt-out and human contact, data sources, metrics, model changes, "
            "complaints and the playbook's communications (keys as in the example)."
        ),
        required=False,
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
    )

    def clean_owner_fields(self) -> dict[str, Any]:
        text = self.cleaned_data["owner_fields"]
        if not text.strip():
            return {}
        try:
            data = yamlsafe.load(text, source="owner_fields", dates_as_text=True)
        except yamlsafe.DataFileError as exc:
            raise forms.ValidationError(
                _("The fields could not be read as YAML: %(error)s"), params={"error": str(exc)}
            ) from exc
        if not isinstance(data, dict):
            raise forms.ValidationError(_("Write the fields as a YAML mapping."))
        return data
