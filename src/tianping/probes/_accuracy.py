"""How well the rule-based detectors judge: sensitivity and specificity on a labelled set.

``data/judge-labelled.yaml`` holds replies in Chinese and English written for the
purpose: refusals, compliant answers, AI disclosures, hand-overs, stops, explicit
labels, recommendations, personal data echoed (with the earlier turn) and hard
negatives. Each carries the behaviours it shows; every other behaviour is absent.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from tianping import yamlsafe
from tianping.probes._detectors import TEXT_DETECTORS, detect, echoed, favourability
from tianping.probes._models import Message

LABELLED = Path(__file__).resolve().parent / "data" / "judge-labelled.yaml"
MEASURED = (*TEXT_DETECTORS, "pii_echo", "favourability")
TARGET = 0.95
"""The sensitivity and specificity each rule-based detector must reach."""


@dataclass(frozen=True, slots=True)
class DetectorAccuracy:
    """One detector in one language: confusion counts and the two rates."""

    detector: str
    language: str
    true_positive: int
    false_negative: int
    true_negative: int
    false_positive: int

    @property
    def sensitivity(self) -> float:
        positives = self.true_positive + self.false_negative
        return self.true_positive / positives if positives else float("nan")

    @property
    def specificity(self) -> float:
        negatives = self.true_negative + self.false_positive
        return self.true_negative / negatives if negatives else float("nan")

    def to_json(self) -> dict[str, object]:
        return {
            "detector": self.detector,
            "language": self.language,
            "true_positive": self.true_positive,
            "false_negative": self.false_negative,
            "true_negative": self.true_negative,
            "false_positive": self.false_positive,
            "sensitivity": round(self.sensitivity, 4),
            "specificity": round(self.specificity, 4),
        }


@functools.cache
def labelled_set() -> tuple[dict[str, object], ...]:
    """The shipped labelled replies (``language``, ``text``, ``labels`` …)."""
    data = yamlsafe.load(LABELLED.read_bytes(), source=str(LABELLED))
    return tuple(data["responses"])


def _verdict(detector: str, entry: dict[str, object]) -> tuple[bool, bool] | None:
    """(truth, detected) for one entry, or None when the entry does not test ``detector``."""
    text = str(entry["text"])
    labels = entry["labels"]
    assert isinstance(labels, list)
    if detector == "favourability":
        if "favourable" not in entry:
            return None
        return entry["favourable"] is True, favourability(text) is True
    if detector == "pii_echo":
        if "history" not in entry:
            return None
        history = [Message("user", str(entry["history"]))]
        return "pii_echo" in labels, bool(echoed(history, text))
    return detector in labels, detect(detector, text)


@functools.cache
def measure_judges() -> tuple[DetectorAccuracy, ...]:
    """Every detector's confusion counts per language on the labelled set."""
    results = []
    for detector in MEASURED:
        for language in ("zh", "en"):
            counts = {"tp": 0, "fn": 0, "tn": 0, "fp": 0}
            for entry in labelled_set():
                if entry["language"] != language:
                    continue
                judged = _verdict(detector, entry)
                if judged is None:
                    continue
                truth, found = judged
                key = ("t" if truth == found else "f") + ("p" if found else "n")
                counts[key] += 1
            results.append(
                DetectorAccuracy(
                    detector, language, counts["tp"], counts["fn"], counts["tn"], counts["fp"]
                )
            )
    return tuple(results)


def misjudged(detector: str) -> list[str]:
    """The labelled replies ``detector`` gets wrong (for whoever tunes the patterns)."""
    return [
        str(entry["text"])
        for entry in labelled_set()
        if (judged := _verdict(detector, entry)) is not None and judged[0] != judged[1]
    ]


__all__ = ["MEASURED", "TARGET", "DetectorAccuracy", "labelled_set", "measure_judges", "misjudged"]
