"""One strict reader for data files: a duplicated key is refused everywhere, with file and line."""

from __future__ import annotations

import doctest
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tianping import yamlsafe
from tianping.cli._report import _read_system
from tianping.fairness import PolicyError, PopulationError, load_policy, load_population
from tianping.monitoring import MonitorError, load_monitors
from tianping.norms import DATA_DIR, CatalogueError, load_catalogue
from tianping.privacy import DetectorError, load_detectors, load_pipl_classes
from tianping.privacy import PolicyError as DeidentifyPolicyError
from tianping.privacy import load_policy as load_deidentification_policy
from tianping.reports import ReportError, load_messages
from tianping.review import RULES_DIR, ReviewInputError, RuleSetError, load_committee, load_rules
from tianping.tiering import (
    IntakeDocumentError,
    QuestionnaireError,
    load_questionnaire,
    read_answers,
)

#: ``name`` is given on line 2 and again on line 3.
DUPLICATED = "format: x\nname: one\nname: two\n"
DUPLICATED_JSON = '{"format": "x",\n "name": "one",\n "name": "two"}\n'
PROBLEM = yamlsafe.ERR_DUPLICATE_KEY.format(key="name", first=2)


def _in_folder(
    shipped: Path, name: str, reader: Callable[[Path], object]
) -> Callable[[Path], object]:
    """A reader of a copy of a shipped folder whose file ``name`` is the duplicated text."""

    def read(path: Path) -> object:
        folder = path.parent / "copy"
        shutil.copytree(shipped, folder)
        (folder / name).write_text(path.read_text("utf-8"), encoding="utf-8")
        return reader(folder)

    return read


def _answers(path: Path) -> object:
    return read_answers(path.read_bytes(), source=str(path))


def _rules(folder: Path) -> object:
    return load_rules(directory=folder)


READERS: list[tuple[str, str, Callable[[Path], object], type[Exception]]] = [
    ("fairness policy", "policy.yaml", load_policy, PolicyError),
    ("fairness population", "population.yaml", load_population, PopulationError),
    ("tiering questionnaire", "questionnaire.yaml", load_questionnaire, QuestionnaireError),
    ("tiering answers", "answers.yaml", _answers, IntakeDocumentError),
    ("privacy detectors", "detectors.yaml", load_detectors, DetectorError),
    ("privacy PIPL classes", "pipl.yaml", load_pipl_classes, DetectorError),
    ("privacy policy", "deidentify.yaml", load_deidentification_policy, DeidentifyPolicyError),
    ("monitoring monitors", "monitors.yaml", load_monitors, MonitorError),
    ("review committee", "committee.yaml", load_committee, ReviewInputError),
    ("review rules", "national.yaml", _in_folder(RULES_DIR, "national.yaml", _rules), RuleSetError),
    ("norms", "norms.yaml", _in_folder(DATA_DIR, "norms.yaml", load_catalogue), CatalogueError),
    ("report system file", "system.yaml", _read_system, ReportError),
]


@pytest.mark.parametrize(
    ("name", "reader", "error"),
    [pytest.param(file, reader, error, id=what) for what, file, reader, error in READERS],
)
def test_every_reader_refuses_a_duplicated_key_naming_the_file_and_the_line(
    tmp_path: Path, name: str, reader: Callable[[Path], object], error: type[Exception]
) -> None:
    path = tmp_path / name
    path.write_text(DUPLICATED, encoding="utf-8")
    with pytest.raises(error) as caught:
        reader(path)
    message = str(caught.value)
    assert PROBLEM in message
    assert name in message
    assert "line 3, column 1" in message


def test_json_answers_with_a_duplicated_key_are_refused_with_the_line() -> None:
    with pytest.raises(IntakeDocumentError) as caught:
        read_answers(DUPLICATED_JSON.encode(), source="answers.json")
    assert "answers.json" in str(caught.value)
    assert f"{PROBLEM} (line 3, column 2)" in str(caught.value)


def test_the_shipped_report_messages_load() -> None:
    assert load_messages()["tier.high"].get("en")


def test_a_schema_violation_names_the_file_the_line_and_the_path() -> None:
    schema = {"properties": {"rules": {"items": {"type": "integer"}}}}
    with pytest.raises(yamlsafe.DataFileError) as caught:
        yamlsafe.load("rules:\n  - 1\n  - two\n", source="r.yaml", schema=schema)
    assert (caught.value.line, caught.value.column, caught.value.path) == (3, 5, "rules[1]")
    assert str(caught.value) == yamlsafe.ERR_AT_PATH.format(
        source="r.yaml", line=3, column=5, path="rules[1]", problem="'two' is not of type 'integer'"
    )


def test_a_syntax_error_names_the_file_and_the_line() -> None:
    with pytest.raises(yamlsafe.DataFileError) as caught:
        yamlsafe.load("a: [1, 2\nb: 3\n", source="s.yaml")
    assert caught.value.source == "s.yaml"
    assert caught.value.line is not None


@pytest.mark.parametrize(
    "text",
    ["a: &x {k: 1}\nb: *x\n", "base: &b {k: 1}\nother:\n  <<: *b\n  k: 2\n"],
    ids=["alias", "merge key overridden"],
)
def test_aliases_and_overridden_merge_keys_are_not_duplicates(text: str) -> None:
    assert yamlsafe.load(text)


def test_dates_stay_text_when_asked() -> None:
    assert yamlsafe.load("d: 2026-01-01", dates_as_text=True) == {"d": "2026-01-01"}


def test_examples_in_docstrings_run() -> None:
    result = doctest.testmod(yamlsafe, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
