"""What a check found: one :class:`Finding` per failure, each with its rule and citation.

Every check returns a result object whose ``findings`` list *every* failure it
found, never only the first, each with a bilingual explanation, the id of the
rule it breaks and that rule's citation. ``ok`` is true when there is none.
"""

from __future__ import annotations

from dataclasses import dataclass

from tianping.review._rules import Rule
from tianping.text import LocalizedText


def text_json(value: LocalizedText, language: str | None) -> str | dict[str, str]:
    """Both languages when ``language`` is ``None``, else the text in that language."""
    return value.to_json() if language is None else value.get(language)


@dataclass(frozen=True, slots=True)
class Finding:
    """One failure: what is wrong, about whom, and the rule it breaks.

    Attributes
    ----------
    rule
        The rule broken; its id, citation and confidence go with the finding.
    message
        What is wrong, in both languages.
    subject
        What it is about, when it is about one thing: a member id, an
        attachment type, an expert id.
    """

    rule: Rule
    message: LocalizedText
    subject: str | None = None

    @property
    def rule_id(self) -> str:
        """The id of the rule broken, e.g. ``quorum.min_present``."""
        return self.rule.id

    def describe(self, language: str | None = None) -> str:
        """``message [citation]`` in one language."""
        return f"{self.message.get(language)} [{self.rule.citation.get(language)}]"

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "rule": self.rule.id,
            "message": text_json(self.message, language),
            "citation": text_json(self.rule.citation, language),
            "confidence": self.rule.confidence,
            "subject": self.subject,
        }


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The base of every check's result: the findings, and whether there are none."""

    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """Whether the check found nothing wrong."""
        return not self.findings

    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules broken, in order, without repeats."""
        return tuple(dict.fromkeys(f.rule.id for f in self.findings))

    def findings_json(self, language: str | None = None) -> list[dict[str, object]]:
        return [finding.to_json(language) for finding in self.findings]


__all__ = ["CheckResult", "Finding", "text_json"]
