"""Forms of applications, review bodies and entrustments: the shape of input only.

The services check the rules; these forms parse what a browser sends
(line-separated lists, ``party | description`` pairs) into what they take."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tianping.web.reviews.applications.services import MAX_EXTENSION
from tianping.web.reviews.bodies.forms import _lines
from tianping.web.reviews.files import ACCEPT
from tianping.web.reviews.models import (
    Application,
    Procedure,
    ReviewBody,
    SimplifiedGround,
)
from tianping.web.systems.models import Tier
from tianping.web.uploads import UploadLimitFormMixin


class VersionForm(forms.Form):
    """A POST that acts on the version of the application the page showed."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)


class ApplicationForm(forms.Form):
    title = forms.CharField(label=_("Title of the activity"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Name, purpose, significance and necessity of the activity."),
    )
    team = forms.CharField(
        label=_("Team"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The people carrying out the activity, one per line (name or user name)."),
    )
    parties = forms.CharField(
        label=_("Other parties"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Funders, partners, sponsors, one per line."),
    )

    def clean_team(self) -> list[str]:
        return _lines(self.cleaned_data["team"])

    def clean_parties(self) -> list[str]:
        return _lines(self.cleaned_data["parties"])

    @staticmethod
    def initial_from(application: Application) -> dict[str, Any]:
        return {
            "title": application.title,
            "summary": application.summary,
            "team": "\n".join(str(t) for t in application.team or []),
            "parties": "\n".join(str(p) for p in application.parties or []),
            "expected_version": application.version,
        }


class ApplicationEditForm(ApplicationForm, VersionForm):
    pass


class SelfAssessmentForm(VersionForm):
    risks = forms.CharField(
        label=_("Ethics risks of the activity"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    controls = forms.CharField(
        label=_("Controls against them"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    residual_risk = forms.ChoiceField(label=_("Residual risk"), choices=Tier.choices)


class AttachmentForm(UploadLimitFormMixin, VersionForm):
    kind = forms.ChoiceField(label=_("Item"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, OpenDocument text, plain text, PNG or JPEG."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds


class WaiverForm(VersionForm):
    kind = forms.ChoiceField(label=_("Item"))
    reason = forms.CharField(
        label=_("Why it does not apply"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds


class EvidenceForm(VersionForm):
    evidence: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Evidence"), queryset=None, empty_label=None
    )

    def __init__(self, *args: Any, queryset: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = queryset  # type: ignore[attr-defined]


class AcceptForm(VersionForm):
    procedure = forms.ChoiceField(label=_("Procedure"), choices=Procedure.choices)
    ground = forms.ChoiceField(
        label=_("Ground for the simplified procedure"),
        choices=[("", "—"), *SimplifiedGround.choices],
        required=False,
    )


class MaterialsForm(VersionForm):
    kinds = forms.MultipleChoiceField(
        label=_("Items to supply"), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note to the applicant"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kinds"]).choices = kinds


class ExtensionForm(VersionForm):
    length = forms.IntegerField(label=_("Extend by"), min_value=1, max_value=MAX_EXTENSION["hours"])
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required: an extension states its reason."),
    )


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Application.Status.choices], required=False
    )
    body = forms.ModelChoiceField(
        label=_("Review body"), queryset=ReviewBody.objects.none(), required=False
    )

    def __init__(self, *args: Any, bodies: QuerySet[ReviewBody], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
