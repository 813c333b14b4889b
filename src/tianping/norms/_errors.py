"""Errors of the normative catalogue and the messages they carry.

Messages are module constants filled with :meth:`str.format`, so that tests can
assert against the constant and a translation layer can replace them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tianping.errors import TianpingError

# -- loading and validating catalogue files ---------------------------------
CATALOGUE_INVALID = "The normative catalogue in {directory} is invalid ({count} {problems}):"
CATALOGUE_INVALID_HINT = "Run `python -m tianping.norms.validate {directory}` for the full report."
MORE_PROBLEMS = "… and {count} more"
NOT_A_DIRECTORY = "not a directory: the catalogue is a folder of YAML files"
MISSING_FILE = "file is missing"
NOT_UTF8 = "file is not UTF-8 text: {error}"
YAML_SYNTAX = "YAML syntax error: {error}"
BLANK_TEXT = "text is blank; write the text in this language"
DUPLICATE_ID = "{what} {key!r} appears more than once (first at {first})"
VERSION_MISMATCH = (
    "{field} {value!r} differs from norms.yaml ({expected!r}); the files form one edition"
)
ARTICLES_NOT_CONSECUTIVE = (
    "article numbers must run 1, 2, 3 … in order; expected {expected}, found {found}"
)
CHAPTERS_NOT_CONSECUTIVE = (
    "chapter numbers must run 1, 2, 3 … in order; expected {expected}, found {found}"
)
PRINCIPLES_NOT_CONSECUTIVE = (
    "principle numbers must run 1, 2, 3 … in order; expected {expected}, found {found}"
)
CHAPTER_RANGE_GAP = "chapter {chapter} starts at article {found}; expected article {expected}"
CHAPTER_RANGE_END = "the last chapter ends at article {found}, but the last article is {expected}"
BAD_RANGE = "first_article {first} comes after last_article {last}"
UNKNOWN_REFERENCE = "{what} {key!r} does not exist; known: {known}"
ARTICLE_OUTSIDE_CHAPTER = "article {article} is outside chapter {chapter} (articles {first}–{last})"
CATEGORY_MISMATCH = "category {found!r} differs from {owner}'s category {expected!r}"
CATEGORY_RANGE_MISMATCH = (
    "articles {first}–{last} differ from chapter {chapter}'s "
    "articles {chapter_first}–{chapter_last}"
)
CLAUSE_OUT_OF_RANGE = "article {article} has {count} numbered clauses; there is no clause {clause}"
CLAUSE_NOT_ALLOWED = "article {article} has no numbered clauses; remove `clause`"
CLAUSE_REQUIRED = "items of article {article} must name the clause (principle) they derive from"
CLAUSE_PRINCIPLE_MISSING = (
    "the item derives from clause {clause} of article {article}, which states principle "
    "{principle!r}; list it under `principles`"
)
DUPLICATE_CLAUSE = "clause {clause} of article {article} already states principle {other!r}"
ITEM_ID_ARTICLE = "id {item_id!r} names article {named}, but the item belongs to article {article}"
TIERS_NOT_UPWARD_CLOSED = (
    "an item for tier {tier!r} also applies to every higher tier; add {missing}"
)
ARTICLE_WITHOUT_ITEMS = (
    "article {article} has no requirement item; every checkable article needs one"
)
CLAUSE_WITHOUT_ITEMS = "clause {clause} of article {article} ({principle}) has no requirement item"
VOCABULARY_INCOMPLETE = "the {what} list must name each of {expected}; missing {missing}"
HISTORY_MISMATCH = "replaying the history gives activities {replayed}, but the list holds {listed}"
HISTORY_LAST_VERSION = (
    "the last history entry is version {found!r}; the list is version {expected!r}"
)
HISTORY_ORDER = "history entries must be in date order; {later} comes after {earlier}"
HISTORY_BAD_REMOVAL = "activity {key!r} is removed but was not on the list"
HISTORY_BAD_ADDITION = "activity {key!r} is added but is already on the list"
BUILD_FAILED = "could not build the catalogue: {error}"

# -- looking things up -------------------------------------------------------
UNKNOWN_ARTICLE = (
    "There is no article {number} in the Ethical Norms; they have articles {first}–{last}."
)
UNKNOWN_ARTICLE_HINT = "Run `tianping norms list --what articles` to see them."
UNKNOWN_ENTRY = "There is no {what} {key!r} in the normative catalogue; known: {known}."


@dataclass(frozen=True, slots=True)
class CatalogueProblem:
    """One thing wrong with a catalogue file: where it is and what it is.

    Attributes
    ----------
    file
        The file's name inside the catalogue folder, e.g. ``requirements.yaml``.
    path
        Where inside the file, e.g. ``items[3] (REQ-03-04).stage``; empty when the
        problem concerns the whole file.
    message
        What is wrong, in a sentence.
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


class CatalogueError(TianpingError):
    """A catalogue folder that does not validate; the catalogue fails closed.

    ``problems`` lists every problem found; ``file``, ``path`` and ``problem``
    describe the first one.
    """

    #: At most this many problems are spelled out in the message.
    SHOWN = 20

    def __init__(self, directory: Path, problems: Sequence[CatalogueProblem]) -> None:
        if not problems:
            raise ValueError("CatalogueError needs at least one problem")
        self.directory = directory
        self.problems = tuple(problems)
        first = self.problems[0]
        self.file = first.file
        self.path = first.path
        self.problem = first.message
        lines = [
            CATALOGUE_INVALID.format(
                directory=directory,
                count=len(self.problems),
                problems="problem" if len(self.problems) == 1 else "problems",
            )
        ]
        lines += [f"  {problem}" for problem in self.problems[: self.SHOWN]]
        if len(self.problems) > self.SHOWN:
            lines.append("  " + MORE_PROBLEMS.format(count=len(self.problems) - self.SHOWN))
        super().__init__("\n".join(lines), hint=CATALOGUE_INVALID_HINT.format(directory=directory))


class NotInCatalogueError(TianpingError, LookupError):
    """A lookup (article, principle, stage …) for something the catalogue does not hold."""

    def __init__(self, message: str, *, what: str, key: object, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.what = what
        self.key = key


__all__ = ["CatalogueError", "CatalogueProblem", "NotInCatalogueError"]
