"""The public verify page's form: paste a certificate, upload its JSON file, or a photo of its
QR code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tianping.web.certification.forms import MAX_DOCUMENT_CHARS
from tianping.web.uploads import UploadLimitFormMixin


class VerifyUploadForm(UploadLimitFormMixin, forms.Form):
    document = forms.CharField(
        label=_("Certificate (JSON)"),
        max_length=MAX_DOCUMENT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    file = forms.FileField(
        label=_("Or upload the certificate's JSON file, or a photo of its QR code"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/json,.json,image/png,image/jpeg,image/webp"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("document") and not data.get("file"):
            raise ValidationError(_("Paste a certificate or choose a file."))
        if data.get("document") and data.get("file"):
            raise ValidationError(_("Paste a certificate or choose a file, not both."))
        return data
