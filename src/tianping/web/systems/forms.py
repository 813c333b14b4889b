"""Forms of the registry: they check the shape of input; services check the rules."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from tianping import tiering
from tianping.web.accounts.models import Organisation
from tianping.web.systems.models import AISystem, LifecycleStage, Market, Sector, Tier

MAX_LINES = 100


def _parse_pairs(text: str, second: str) -> list[dict[str, str]]:
    rows = [line.strip() for line in text.splitlines() if line.strip()]
    if len(rows) > MAX_LINES:
        raise ValidationError(_("At most 100 lines."))
    out = []
    for row in rows:
        name, _sep, other = row.partition("|")
        if not name.strip():
            raise ValidationError(_("Each line needs a name before the “|”."))
        out.append({"name": name.strip()[:200], second: other.strip()[:200]})
    return out


def _pairs_text(items: list[dict[str, str]], second: str) -> str:
    return "\n".join(
        f"{i.get('name', '')} | {i.get(second, '')}" if i.get(second) else i.get("name", "")
        for i in items
    )


class SystemForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.CharField(
        label=_("Accountable owner"),
        max_length=200,
        help_text=_("The person or department answerable for the system."),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    lifecycle_stage = forms.ChoiceField(label=_("Lifecycle stage"), choices=LifecycleStage.choices)
    deployment_context = forms.CharField(
        label=_("Deployment context"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    model_version = forms.CharField(label=_("Model version"), max_length=100, required=False)
    components = forms.CharField(
        label=_("Components and vendors"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Qwen2.5-7B | Alibaba Cloud")}),
        help_text=_("One per line: name | vendor."),
    )
    datasets = forms.CharField(
        label=_("Datasets"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name | source."),
    )
    people_affected = forms.CharField(
        label=_("People affected"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    markets = forms.MultipleChoiceField(
        label=_("Markets"),
        choices=Market.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    export_destinations = forms.CharField(
        label=_("Export destinations"),
        max_length=2000,
        required=False,
        help_text=_("Countries or regions, separated by commas."),
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            cast(
                "forms.ModelChoiceField[Any]", self.fields["organisation"]
            ).queryset = organisations

    def clean_components(self) -> list[dict[str, str]]:
        return _parse_pairs(self.cleaned_data["components"], "vendor")

    def clean_datasets(self) -> list[dict[str, str]]:
        return _parse_pairs(self.cleaned_data["datasets"], "source")

    def clean_export_destinations(self) -> list[str]:
        text = self.cleaned_data["export_destinations"].replace("，", ",").replace("、", ",")
        items = [p.strip() for p in text.split(",") if p.strip()]
        if any(len(p) > 100 for p in items):
            raise ValidationError(_("Each destination is limited to 100 characters."))
        return items

    @staticmethod
    def initial_from(system: Any) -> dict[str, Any]:
        return {
            "name": system.name,
            "purpose": system.purpose,
            "owner": system.owner,
            "sector": system.sector,
            "lifecycle_stage": system.lifecycle_stage,
            "deployment_context": system.deployment_context,
            "model_version": system.model_version,
            "components": _pairs_text(system.components, "vendor"),
            "datasets": _pairs_text(system.datasets, "source"),
            "people_affected": system.people_affected,
            "markets": system.markets,
            "export_destinations": ", ".join(system.export_destinations),
        }

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data


YES_NO = (("yes", _("Yes")), ("no", _("No")))


def _prefill_note(fields: Sequence[str]) -> str:
    names = [str(getattr(AISystem._meta.get_field(f), "verbose_name", f)) for f in fields]
    return gettext("Pre-filled from the registration ({fields}); you can change it.").format(
        fields=pgettext("list separator", ", ").join(names)
    )


class IntakeForm(forms.Form):
    """The intake questionnaire, built from the questionnaire data."""

    def __init__(
        self,
        *args: Any,
        language: str,
        prefilled_from: Mapping[str, Sequence[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = tiering.load_questionnaire()
        self.conditions: dict[str, str] = {}
        self.notes = {
            question: _prefill_note(fields) for question, fields in (prefilled_from or {}).items()
        }
        for q in self.questionnaire.questions:
            if q.requires is not None:
                self.conditions[q.id] = json.dumps(q.requires.to_json(), ensure_ascii=False)
            label = q.label.get(language)
            help_text = q.help.get(language) if q.help else ""
            choices = [(c.id, c.label.get(language)) for c in q.choices]
            field: forms.Field
            if q.type == "boolean":
                field = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect)
            elif q.type == "choice":
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
            elif q.type == "multichoice":
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple
                )
            else:
                field = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
            field.label = label
            field.help_text = help_text
            # Conditional questions are checked by the tiering rules, which know the conditions.
            field.required = False
            self.fields[q.id] = field

    def answers(self) -> dict[str, Any]:
        """Answered questions only; booleans as booleans."""
        out: dict[str, Any] = {}
        for q in self.questionnaire.questions:
            value = self.cleaned_data.get(q.id)
            if value in (None, "", []):
                continue
            if q.type == "boolean":
                value = value == "yes"
            out[q.id] = value
        return out

    def rows(self) -> list[tuple[Any, str, str]]:
        """(bound field, JSON condition or "", pre-fill note or "") for the template."""
        return [
            (self[name], self.conditions.get(name, ""), self.notes.get(name, ""))
            for name in self.fields
        ]

    def error_rows(self) -> list[tuple[str, str]]:
        """(question id, message) of every answer's error, in questionnaire order."""
        return [(name, str(e)) for name in self.fields for e in self.errors.get(name, [])]

    @staticmethod
    def initial_from(answers: dict[str, Any]) -> dict[str, Any]:
        return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in answers.items()}


class OverrideForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, widget=forms.RadioSelect)
    justification = forms.CharField(
        label=_("Justification"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the computed tier does not fit; kept on the record."),
    )


class FloorReviewForm(forms.Form):
    """A regulator's decision on an override below a floor."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("confirm", _("Confirm the override")), ("reject", _("Reject the override"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject the override; kept on the record."),
    )


class SystemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    tier = forms.ChoiceField(
        label=_("Tier"),
        required=False,
        choices=[("", _("All tiers")), *Tier.choices, ("none", _("No intake yet"))],
    )
    stage = forms.ChoiceField(
        label=_("Lifecycle stage"),
        required=False,
        choices=[("", _("All stages")), *LifecycleStage.choices],
    )


class ReportForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=(("zh-Hans", _("Chinese")), ("en", _("English")), ("both", _("Bilingual"))),
    )
