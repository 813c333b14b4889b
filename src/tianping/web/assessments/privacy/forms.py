"""The form that attaches a dataset for a privacy scan; it checks shape only."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianping.web.assessments import datafiles


class PrivacyScanForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=gettext_lazy("Dataset (CSV, TSV, JSON Lines, Parquet)"), required=False
    )
    server_path = forms.CharField(
        label=gettext_lazy("Or a file on the server"), max_length=1000, required=False
    )
    keep = forms.BooleanField(
        label=gettext_lazy("Keep the uploaded file (encrypted) after the scan"), required=False
    )

    def __init__(self, *args: object, too_large: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.too_large = too_large
        # Reading files on the server is off unless folders are configured (as for audits).
        if not datafiles.data_dirs():
            del self.fields["server_path"]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if self.too_large:
            raise ValidationError(
                _("The file is larger than the limit of {limit} MB.").format(
                    limit=datafiles.max_bytes() // (1024 * 1024)
                )
            )
        return cleaned
