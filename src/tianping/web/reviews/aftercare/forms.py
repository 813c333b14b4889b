"""The forms of the pages of aftercare."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.web.reviews.expert.forms import _text


class ReportForm(forms.Form):
    report = _text(_("Report"), limit=10000, rows=8)


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), limit=2000)
