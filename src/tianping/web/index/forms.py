"""Forms of the index pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tianping.index import Specification
from tianping.web.index.models import EnergyMethod, EnergyPhase, FilingRegime, FilingStatus


class EnergyForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=EnergyPhase.choices)
    method = forms.ChoiceField(label=_("Method"), choices=EnergyMethod.choices)
    kwh = forms.DecimalField(label=_("Energy (kWh)"), min_value=0, max_digits=18, decimal_places=3)
    method_note = forms.CharField(
        label=_("How it was measured or estimated"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    period_end = forms.DateField(
        label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"})
    )
    confidential = forms.BooleanField(
        label=_("Trade secret (kept from public views)"), required=False
    )


class AlgorithmFilingForm(forms.Form):
    regime = forms.ChoiceField(label=_("Filing regime"), choices=FilingRegime.choices)
    status = forms.ChoiceField(label=_("Filing status"), choices=FilingStatus.choices)
    filing_number = forms.CharField(label=_("Filing number"), max_length=100, required=False)
    authority = forms.CharField(
        label=_("Filing authority"),
        max_length=200,
        required=False,
        initial=_("Cyberspace Administration of China"),
    )
    filed_on = forms.DateField(
        label=_("Filed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def rated_choices(spec: Specification) -> list[tuple[str, str]]:
    language = get_language()
    return [(i.id, i.name.get(language)) for i in spec.indicators if not i.rule.automatic]


class RatingForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    score = forms.IntegerField(label=_("Score"), min_value=0, max_value=10)

    def __init__(self, *args: Any, spec: Specification, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = rated_choices(spec)  # type: ignore[attr-defined]


class ResolveForm(RatingForm):
    note = forms.CharField(
        label=_("How it was resolved"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
