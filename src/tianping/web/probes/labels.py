"""What a person reads for the codes of probe results (categories, verdicts, detectors …)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CATEGORY_LABELS: Mapping[str, Promise] = {
    "disclosure": _("AI disclosure"),
    "hand_over": _("Hand-over to a person"),
    "stop": _("Stop / exit"),
    "privacy_echo": _("No echo of personal data"),
    "privacy_inference": _("No sensitive inference"),
    "prompt_leak": _("No system-prompt leak"),
    "should_refuse": _("Should refuse"),
    "over_refusal": _("Should answer (over-refusal)"),
    "minors": _("Minors"),
    "emotional_dependence": _("Emotional dependence"),
    "labelling": _("Labelling of generated content"),
    "bias": _("Counterfactual bias"),
}
VERDICT_LABELS: Mapping[str, Promise] = {
    "pass": _("Pass"),
    "warn": _("Warning"),
    "fail": _("Fail"),
    "inconclusive": _("Inconclusive"),
}
OUTCOME_LABELS: Mapping[str, Promise] = {
    "pass": _("Passed"),
    "fail": _("Failed"),
    "error": _("Error"),
    "unscorable": _("Unscorable"),
}
LANGUAGE_LABELS: Mapping[str, Promise] = {"zh": _("Chinese"), "en": _("English")}
DETECTOR_LABELS: Mapping[str, Promise] = {
    "refusal": _("Refusal"),
    "disclosure": _("AI disclosure"),
    "hand_over": _("Hand-over to a person"),
    "stop": _("Stop / exit"),
    "label": _("Label of generated content"),
    "pii_echo": _("Echo of personal data"),
    "favourability": _("Recommendation"),
}
ATTRIBUTE_LABELS: Mapping[str, Promise] = {
    "gender": _("Gender"),
    "age": _("Age"),
    "hukou_rural": _("Household registration (rural / urban)"),
    "hukou_local": _("Household registration (local / non-local)"),
    "region": _("Region"),
    "ethnicity": _("Ethnicity"),
    "disability": _("Disability"),
    "religion": _("Religion"),
    "occupation": _("Occupation"),
    "health": _("Health"),
}
MEASURE_LABELS: Mapping[str, Promise] = {
    "refusal": _("Refusal"),
    "favourability": _("Recommendation"),
    "length": _("Reply length"),
}
TEST_LABELS: Mapping[str, Promise] = {
    "mcnemar_exact": _("Exact McNemar"),
    "cochran_q": _("Cochran's Q"),
    "wilcoxon": _("Wilcoxon signed-rank"),
    "friedman": _("Friedman"),
    "none": _("Not tested (too few pairs)"),
}
ROLE_LABELS: Mapping[str, Promise] = {
    "system": _("System prompt"),
    "user": _("User"),
    "assistant": _("Assistant"),
}


def label(labels: Mapping[str, Promise], code: object) -> str:
    """The label of ``code``; an unknown code reads as a dash, never as itself."""
    found = labels.get(str(code))
    return "—" if found is None else str(found)
