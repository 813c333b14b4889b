"""The errors :mod:`tianping.review` raises; all derive from :class:`TianpingError`.

Three kinds: a rule file that does not validate (:class:`RuleSetError`, listing
every problem), a rule set that does not exist (:class:`UnknownRuleSetError`),
and input the rules cannot be applied to (:class:`ReviewInputError`: a member
voting twice, a non-member voting, an extension without a reason …). Messages
are bilingual templates from :mod:`tianping.review._messages`; ``str(error)`` is
English unless another language is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from tianping.errors import LocalizedError, TianpingError
from tianping.review._messages import (
    ERR_RULESET_INVALID,
    ERR_RULESET_INVALID_HINT,
    MORE_PROBLEMS,
    render,
)
from tianping.text import LocalizedText


class ReviewError(LocalizedError):
    """The base of every error :mod:`tianping.review` raises.

    A :class:`~tianping.errors.LocalizedError` whose hint may use the message's
    ``{placeholders}`` too.
    """

    def hint_in(self, language: str | None) -> str | None:
        """The hint in ``language``, filled from the same parameters as the message."""
        return None if self.hint_text is None else render(self.hint_text, language, self.params)


class ReviewInputError(ReviewError, ValueError):
    """Input the rules cannot be applied to; nothing was decided.

    Raised, for example, for a member who votes twice, a vote from someone who
    is not a voting member present, an extension without a reason, or a naive
    datetime. When several things are wrong they are all listed in one error
    (``problems``), never only the first.
    """

    def __init__(
        self,
        template: LocalizedText,
        *,
        language: str | None = "en",
        hint: LocalizedText | None = None,
        params: Mapping[str, object] | None = None,
        problems: Sequence[LocalizedText] = (),
    ) -> None:
        self.problems = tuple(problems)
        super().__init__(template, language=language, hint=hint, params=params)

    def localized(self, language: str | None) -> str:
        """The message in ``language``, followed by every problem on its own line."""
        head = render(self.template, language, self.params)
        return "\n".join([head, *(f"  - {p.get(language)}" for p in self.problems)])

    def in_language(self, language: str | None) -> Self:
        """The same error with its message, problems and hint in ``language``."""
        return type(self)(
            self.template,
            language=language,
            hint=self.hint_text,
            params=self.params,
            problems=self.problems,
        )


class UnknownRuleSetError(ReviewError, LookupError):
    """A rule set (province) that the rules folder does not hold."""


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One thing wrong with a rule file: where it is and what it is.

    Attributes
    ----------
    file
        The file's name inside the rules folder, e.g. ``sichuan.yaml``.
    path
        Where inside the file, e.g. ``rules.committee.min_size.value``; empty when
        the problem concerns the whole file.
    message
        What is wrong, in a sentence (English: schema messages are English).
    """

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.path}: {self.message}"
            if self.path
            else (f"{self.file}: {self.message}")
        )

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "path": self.path, "message": self.message}


class RuleSetError(TianpingError):
    """A rules folder that does not validate; the rule engine fails closed.

    ``problems`` lists every problem found, not only the first.
    """

    #: At most this many problems are spelled out in the message.
    SHOWN = 20

    def __init__(self, directory: Path, problems: Sequence[RuleProblem]) -> None:
        if not problems:
            raise ValueError("RuleSetError needs at least one problem")
        self.directory = directory
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [
            ERR_RULESET_INVALID.en.format(
                directory=directory, count=count, problems="problem" if count == 1 else "problems"
            )
        ]
        lines += [f"  {problem}" for problem in self.problems[: self.SHOWN]]
        if count > self.SHOWN:
            lines.append("  " + MORE_PROBLEMS.en.format(count=count - self.SHOWN))
        super().__init__("\n".join(lines), hint=ERR_RULESET_INVALID_HINT.en)


__all__ = [
    "ReviewError",
    "ReviewInputError",
    "RuleProblem",
    "RuleSetError",
    "UnknownRuleSetError",
]
