"""Forms of the review workspace, meetings, the simplified procedure and appeals.

They check the shape of input; the services check the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.web.reviews.models import (
    Appeal,
    Comment,
    DecisionType,
    ItemFinding,
    Member,
    VoteChoice,
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _member_choices(members: Any) -> list[tuple[int, str]]:
    return [(m.pk, f"{m.name} · {m.get_role_display()}") for m in members]


class FindingForm(forms.Form):
    item = forms.CharField(max_length=32, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Finding"), choices=ItemFinding.Outcome.choices)
    note = forms.CharField(
        label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Comment.Kind.choices)
    body = forms.CharField(
        label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reply_to = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            cast(forms.ChoiceField, self.fields["kind"]).choices = [
                c for c in Comment.Kind.choices if c[0] in kinds
            ]


class DeclarationForm(forms.Form):
    has_conflict = forms.BooleanField(
        label=_("I have a conflict of interest with this application"), required=False
    )
    statement = forms.CharField(
        label=_("Statement"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you declare a conflict: what is your interest?"),
    )


class MeetingForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Scheduled for"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    location = forms.CharField(label=_("Place or video link"), max_length=300, required=False)
    consultants = forms.CharField(
        label=_("Invited consultants"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One name a line. Consultants advise; they never vote or count."),
    )

    def clean_consultants(self) -> list[str]:
        return _lines(self.cleaned_data.get("consultants", ""))


class RescheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("New time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("Now, to hold the meeting earlier, or a later time."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgendaForm(forms.Form):
    application = forms.ChoiceField(label=_("Application"))

    def __init__(self, *args: Any, applications: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["application"]).choices = [
            (a.pk, str(a)) for a in applications
        ]


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Members present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, members: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["present"]).choices = _member_choices(members)

    def member_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data.get("present", [])]


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=VoteChoice.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangesForm(forms.Form):
    """Required changes and reasons, one a line (for a decision that needs them)."""

    required_changes = forms.CharField(
        label=_("Required changes"),
        required=False,
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line; needed for an approval or re-review after modification."),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=100000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line; needed for a decision not to approve."),
    )

    expected_version = forms.IntegerField(
        required=False, min_value=0, max_value=2**31, widget=forms.HiddenInput
    )

    def clean_required_changes(self) -> list[str]:
        return _lines(self.cleaned_data.get("required_changes", ""))

    def clean_reasons(self) -> list[str]:
        return _lines(self.cleaned_data.get("reasons", ""))


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewersForm(forms.Form):
    members = forms.MultipleChoiceField(label=_("Reviewers"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, members: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["members"]).choices = _member_choices(
            [m for m in members if isinstance(m, Member) and m.role != "consultant"]
        )

    def member_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data.get("members", [])]


class OpinionForm(forms.Form):
    view = forms.ChoiceField(label=_("Your view"), choices=DecisionType.choices)
    doubt = forms.BooleanField(label=_("I have a doubt about the matter"), required=False)
    requests_meeting = forms.BooleanField(
        label=_("I ask for a meeting (general procedure)"), required=False
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For an approval after modification: the changes required, one a line."),
    )


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds of the appeal"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Appeal.Outcome.UPHELD, Appeal.Outcome.UPHELD.label),
            (Appeal.Outcome.DISMISSED, Appeal.Outcome.DISMISSED.label),
        ],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Response"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    expected_version = forms.IntegerField(
        required=False, min_value=0, max_value=2**31, widget=forms.HiddenInput
    )
