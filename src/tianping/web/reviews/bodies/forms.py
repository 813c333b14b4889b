"""The forms of the pages of review bodies."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation
from tianping.web.reviews.files import ACCEPT
from tianping.web.reviews.models import (
    Discipline,
    Gender,
    Member,
    MemberRole,
    ReviewBody,
    RuleSetName,
)
from tianping.web.uploads import UploadLimitFormMixin

MAX_LINES = 100


DATE = forms.DateInput(attrs={"type": "date"})


PLEDGES = [
    ("confidentiality", _("Confidentiality pledge")),
    ("conflict_of_interest", _("Conflict-of-interest declaration")),
]


def _lines(text: str) -> list[str]:
    rows = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(rows) > MAX_LINES:
        raise ValidationError(_("At most 100 lines."))
    if any(len(row) > 200 for row in rows):
        raise ValidationError(_("Each line is limited to 200 characters."))
    return rows


def _pairs(text: str, first: str, second: str) -> list[dict[str, str]]:
    out = []
    for row in _lines(text):
        left, sep, right = row.partition("|")
        if not sep or not left.strip() or not right.strip():
            raise ValidationError(_("Each line needs two parts separated by “|”."))
        out.append({first: left.strip(), second: right.strip()})
    return out


class BodyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    established_on = forms.DateField(label=_("Set up on"), widget=DATE)
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE, required=False)
    rule_set = forms.ChoiceField(label=_("Rule set"), choices=RuleSetName.choices)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    disciplines = forms.MultipleChoiceField(
        label=_("Disciplines"), choices=Discipline.choices, widget=forms.CheckboxSelectMultiple
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    external = forms.BooleanField(label=_("External to the organisation"), required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200)
    term_start = forms.DateField(label=_("Term starts"), widget=DATE)
    term_end = forms.DateField(label=_("Term ends"), widget=DATE)
    pledges = forms.MultipleChoiceField(
        label=_("Pledges signed"),
        choices=PLEDGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interests = forms.CharField(
        label=_("Declared interests"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: party | description."),
    )
    training = forms.CharField(
        label=_("Ethics training"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: course | completed on (YYYY-MM-DD)."),
    )
    username = forms.CharField(
        label=_("User account"),
        required=False,
        max_length=150,
        help_text=_("The member's user name on this platform, if they have one."),
    )

    def clean_interests(self) -> list[dict[str, str]]:
        return _pairs(self.cleaned_data["interests"], "party", "description")

    def clean_training(self) -> list[dict[str, str]]:
        entries = _pairs(self.cleaned_data["training"], "course", "completed_on")
        for entry in entries:
            try:
                date.fromisoformat(entry["completed_on"])
            except ValueError as exc:
                raise ValidationError(_("Give the date as YYYY-MM-DD.")) from exc
        return entries

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("username", None)
        return data

    @staticmethod
    def initial_from(member: Member) -> dict[str, Any]:
        return {
            "name": member.name,
            "role": member.role,
            "disciplines": list(member.disciplines),
            "gender": member.gender,
            "external": member.external,
            "affiliation": member.affiliation,
            "term_start": member.term_start,
            "term_end": member.term_end,
            "pledges": list(member.pledges),
            "interests": "\n".join(
                f"{i.get('party', '')} | {i.get('description', '')}" for i in member.interests
            ),
            "training": "\n".join(
                f"{t.get('course', '')} | {t.get('completed_on', '')}" for t in member.training
            ),
            "username": member.user.get_username() if member.user else "",
        }


class RegistrationForm(forms.Form):
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE)


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year covered"), min_value=2000, max_value=2200)
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE)


class EntrustmentForm(UploadLimitFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Entrusting organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    centre = forms.ModelChoiceField(
        label=_("Review centre"), queryset=ReviewBody.objects.none(), empty_label=None
    )
    agreement_reference = forms.CharField(label=_("Agreement reference"), max_length=100)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    document = forms.FileField(
        label=_("Signed agreement"),
        required=False,
        help_text=_("Only its SHA-256 digest and its name are kept."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        centres: QuerySet[ReviewBody],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
