"""The form that attaches a predictions file and sets up its audit; it checks shape only."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tianping import fairness
from tianping.web.assessments import datafiles
from tianping.web.assessments.bias.services import MAX_MIN_GROUP_SIZE, MAX_REPLICATES
from tianping.web.assessments.inputs import retention_days

MAX_BIN_LINES = 10


def parse_columns(text: str) -> list[str]:
    """``sex, age_band`` (also with Chinese commas) → ``["sex", "age_band"]``."""
    normalised = text.replace("，", ",").replace("、", ",")
    return [part.strip() for part in normalised.split(",") if part.strip()]


def parse_bins(text: str) -> dict[str, list[float]]:
    """``age=0,25,40,60,200`` per line (or separated by ``;``) → ``{"age": [0, 25, …]}``."""
    bins: dict[str, list[float]] = {}
    lines = [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]
    if len(lines) > MAX_BIN_LINES:
        raise ValidationError(_("Give bins for at most 10 attributes."))
    for line in lines:
        name, sep, edges = line.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            values = [float(e) for e in edges.replace("，", ",").split(",") if e.strip()]
            if not all(math.isfinite(v) for v in values):
                raise ValueError
        except ValueError as exc:
            raise ValidationError(
                _("Write each line as COLUMN=EDGE,EDGE,…, for example age=0,25,40,60,200.")
            ) from exc
        bins[name.strip()] = values
    return bins


def policy_choices(language: str) -> list[tuple[str, str]]:
    choices = []
    for policy_id in fairness.available_policies():
        policy = fairness.load_policy(policy_id)
        choices.append((policy_id, policy.title.get(language)))
    return choices


class BiasAssessmentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("For example: credit model 2.1, decisions of the first quarter."),
    )
    file = forms.FileField(
        label=_("Predictions file"),
        required=False,
        help_text=_("CSV (UTF-8), Parquet or JSON Lines, one row per decision, up to {limit} MB."),
    )
    server_path = forms.CharField(
        label=_("…or a file on the server"),
        max_length=1000,
        required=False,
        help_text=_("The full path of a file inside: {folders}."),
    )
    keep = forms.BooleanField(
        label=_("Keep the uploaded file (encrypted) after the audit"),
        required=False,
        help_text=_(
            "Otherwise it is deleted when the audit ends; a kept file is deleted after {days} days."
        ),
    )
    protected = forms.CharField(
        label=_("Protected attributes"),
        max_length=2000,
        help_text=_("Column names, separated by commas: sex, age_band, region."),
    )
    label = forms.CharField(
        label=_("Label column"), max_length=200, help_text=_("The true outcome, 0/1.")
    )
    prediction = forms.CharField(
        label=_("Prediction column"),
        max_length=200,
        required=False,
        help_text=_("The model's decision, 0/1. Leave empty to use a score and a threshold."),
    )
    score = forms.CharField(
        label=_("Score column"),
        max_length=200,
        required=False,
        help_text=_("Optional: a score in [0, 1] (AUC and calibration per group)."),
    )
    threshold = forms.FloatField(
        label=_("Threshold"),
        initial=0.5,
        min_value=0.0,
        max_value=1.0,
        help_text=_("Without a prediction column, the decision is score ≥ threshold."),
    )
    positive = forms.CharField(
        label=_("Positive value"),
        max_length=200,
        required=False,
        help_text=_(
            "When label and prediction are not 0/1 or true/false: the value (or values, "
            "separated by commas) that counts as positive."
        ),
    )
    bins = forms.CharField(
        label=_("Bins"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "age=0,25,40,60,200"}),
        help_text=_("Bin edges of numeric protected attributes, one attribute per line."),
    )
    policy = forms.ChoiceField(label=_("Policy"), choices=())
    replicates = forms.IntegerField(
        label=_("Bootstrap replicates"),
        initial=fairness.DEFAULT_REPLICATES,
        min_value=0,
        max_value=MAX_REPLICATES,
        help_text=_("For the intervals of the disparities; 0 for none."),
    )
    min_group_size = forms.IntegerField(
        label=_("Minimum group size"),
        initial=fairness.DEFAULT_MIN_GROUP_SIZE,
        min_value=0,
        max_value=MAX_MIN_GROUP_SIZE,
        help_text=_("Smaller groups are reported but left out of the verdicts."),
    )

    def __init__(self, *args: Any, language: str, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        policy = self.fields["policy"]
        assert isinstance(policy, forms.ChoiceField)
        policy.choices = policy_choices(language)
        self.fields["policy"].initial = fairness.DEFAULT_POLICY
        limit = f"{datafiles.max_bytes() / (1024 * 1024):.0f}"
        self.fields["file"].help_text = str(self.fields["file"].help_text).format(limit=limit)
        self.fields["keep"].help_text = str(self.fields["keep"].help_text).format(
            days=retention_days()
        )
        folders = datafiles.data_dirs()
        if folders:
            self.fields["server_path"].help_text = str(self.fields["server_path"].help_text).format(
                folders=", ".join(str(f) for f in folders)
            )
        else:
            del self.fields["server_path"]

    def clean_file(self) -> Any:
        if self.too_large:
            limit = f"{datafiles.max_bytes() / (1024 * 1024):.0f}"
            raise ValidationError(
                _("The file is larger than the limit of {limit} MB.").format(limit=limit)
            )
        return self.cleaned_data.get("file")

    def clean_protected(self) -> list[str]:
        columns = parse_columns(self.cleaned_data["protected"])
        if not columns:
            raise ValidationError(_("Name at least one protected attribute."))
        return columns

    def clean_bins(self) -> dict[str, list[float]]:
        return parse_bins(self.cleaned_data.get("bins") or "")

    def clean(self) -> dict[str, Any]:
        super().clean()  # forms.Form.clean returns self.cleaned_data
        cleaned = self.cleaned_data
        has_file = bool(cleaned.get("file")) or self.too_large
        has_path = bool((cleaned.get("server_path") or "").strip())
        if not has_file and not has_path and not self.errors.get("file"):
            self.add_error("file", _("Choose a predictions file."))
        elif has_file and has_path:
            self.add_error(None, _("Upload a file or give a path on the server, not both."))
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "upload": data.get("file"),
            "server_path": data.get("server_path") or "",
            "title": data.get("title") or "",
            "keep": bool(data.get("keep")),
            "protected": data["protected"],
            "label": data["label"],
            "prediction": data.get("prediction") or "",
            "score": data.get("score") or "",
            "threshold": data["threshold"],
            "positive": data.get("positive") or "",
            "bins": data.get("bins") or {},
            "policy": data["policy"],
            "replicates": data["replicates"],
            "min_group_size": data["min_group_size"],
        }
