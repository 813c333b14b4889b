"""Forms of expert re-review and aftercare: they check the shape of input; services the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Role
from tianping.web.reviews.models import Discipline

MAX_LINES = 100


def _text(label: Any, *, limit: int, rows: int = 4, required: bool = True, **kw: Any) -> Any:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


class PanelAddForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Expert with an account"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Leave empty to name an expert who has no account."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Required for an expert without an account."),
    )
    disciplines = forms.MultipleChoiceField(
        label=_("Disciplines"), choices=Discipline.choices, widget=forms.CheckboxSelectMultiple
    )
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(memberships__role=Role.EXPERT, is_active=True)
            .distinct()
            .order_by("username")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose an account or give the expert's name."))
        return data


def parse_interests(text: str) -> list[dict[str, str]]:
    """``party | description`` per line into the list the service takes."""
    rows = [line.strip() for line in text.splitlines() if line.strip()]
    if len(rows) > MAX_LINES:
        raise ValidationError(_("At most 100 lines."))
    out = []
    for row in rows:
        party, _sep, description = row.partition("|")
        if not party.strip() or not description.strip():
            raise ValidationError(_("Each line needs a party, a “|” and a description."))
        out.append({"party": party.strip(), "description": description.strip()})
    return out


class InterestsForm(forms.Form):
    interests = _text(
        _("Direct interests in the matter"),
        limit=20000,
        required=False,
        help_text=_("One per line: party | description. Leave empty to declare none."),
    )
    confirm = forms.BooleanField(
        label=_("I declare that the list above is complete."), required=True
    )

    def clean_interests(self) -> list[dict[str, str]]:
        return parse_interests(self.cleaned_data.get("interests") or "")


class VoteForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Your view on the committee's preliminary opinion"),
        choices=[("agree", _("Agree")), ("disagree", _("Disagree"))],
        widget=forms.RadioSelect,
    )
    comment = _text(_("Comment"), limit=5000, required=False)


class ConcludeForm(forms.Form):
    reasons = _text(
        _("The panel's reasons"),
        limit=20000,
        required=False,
        help_text=_("One per line. Required when the panel disagrees."),
    )


class ProposalForm(forms.Form):
    proposal = _text(_("Proposal to update the expert re-review list"), limit=5000)
