from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tianping.cases import FACETS
from tianping.text import normalise_language
from tianping.web.cases.models import CaseVisibility, RequestKind
from tianping.web.cases.selectors import MAX_QUERY_CHARS
from tianping.web.uploads import UploadLimitFormMixin


def _choices(facet: str) -> list[tuple[str, Any]]:
    language = normalise_language(get_language() or "zh-Hans")
    return [("", _("Any"))] + [(code, label.get(language)) for code, label in FACETS[facet].items()]


class SearchForm(forms.Form):
    """The search box and the facet filters of the case database."""

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_CHARS)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    risk_category = forms.ChoiceField(label=_("Risk category"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    system_type = forms.ChoiceField(label=_("System type"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2999)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for facet in FACETS:
            field = self.fields[facet]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _choices(facet)

    def filters(self) -> dict[str, str | None]:
        data = self.cleaned_data
        found: dict[str, str | None] = {facet: data.get(facet) or None for facet in FACETS}
        found["year"] = str(data["year"]) if data.get("year") else None
        return found


class PublishForm(forms.Form):
    """The reporter's consent to publish an accepted risk report as a case."""

    visibility = forms.ChoiceField(label=_("Who may read the case"), choices=CaseVisibility.choices)
    consent = forms.BooleanField(
        label=_(
            "I consent, for the reporting organisation, to publishing this report, "
            "de-identified, in the case database."
        ),
        required=False,
    )


class CaseRequestForm(forms.Form):
    """A correction or takedown request for a case."""

    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices)
    company = forms.CharField(label=_("Company named in the case"), max_length=200)
    requester = forms.CharField(label=_("Your name"), max_length=200)
    contact = forms.CharField(label=_("Contact (e-mail or phone)"), max_length=200)
    text = forms.CharField(
        label=_("What should change, and why"), max_length=5000, widget=forms.Textarea
    )


class DecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
    )
    decision = forms.CharField(label=_("Reasons"), max_length=5000, widget=forms.Textarea)


class ComplaintForm(forms.Form):
    """A complaint by a person affected by a system."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    contact = forms.CharField(label=_("Contact (e-mail or phone)"), max_length=200)
    text = forms.CharField(label=_("What happened to you"), max_length=5000, widget=forms.Textarea)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea)


class AiidUploadForm(UploadLimitFormMixin, forms.Form):
    file = forms.FileField(
        label=_("AI Incident Database snapshot (incidents.csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
