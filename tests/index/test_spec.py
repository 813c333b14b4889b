"""The specification is versioned data, read strictly."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import tianping.index
from tianping.index import (
    RULE_KINDS,
    SpecificationError,
    _evidence,
    _history,
    _raters,
    _scoring,
    _sensitivity,
    _spec,
    load_spec,
    spec_versions,
)
from tianping.index._spec import DATA_DIR

SHIPPED = DATA_DIR / "spec-2026.1.yaml"


def test_the_newest_specification_loads_with_every_domain_and_rule() -> None:
    spec = load_spec()
    assert spec_versions()[-1] == spec.version == "2026.3"
    assert {d.id for d in spec.domains} == {
        "transparency",
        "fairness",
        "privacy",
        "controllability",
        "accountability",
        "safety",
        "energy",
    }
    assert 95 <= len(spec.indicators) <= 110
    assert {i.rule.kind for i in spec.indicators} == set(RULE_KINDS)
    for indicator in spec.indicators:
        assert indicator.definition.zh.strip() and indicator.definition.en.strip()
        assert indicator.name.zh.strip() and indicator.name.en.strip()
    assert sum(spec.effective_weights()) == 1
    assert spec.concentration > 0 and spec.reply_period_days == 30


def test_the_new_version_keeps_the_old_one_loadable_and_states_its_changes(spec) -> None:
    newest = load_spec()
    assert spec.version == "2026.1" and len(spec.indicators) == 37
    assert load_spec(newest.previous).previous == spec.version  # 2026.3 → 2026.2 → 2026.1
    assert newest.changes is not None and newest.changes.zh.strip() and newest.changes.en.strip()
    # Every indicator of the previous version is carried over unchanged.
    assert all(newest.indicator(i.id) == i for i in spec.indicators)
    assert newest.domains == spec.domains and newest.concentration == spec.concentration
    added = [i for i in newest.indicators if spec.indicator(i.id) is None]
    assert added and all(i.basis and i.confidence in {"high", "medium", "low"} for i in added)


def test_a_duplicated_key_is_refused_with_the_file_and_line(tmp_path: Path) -> None:
    text = SHIPPED.read_text("utf-8").replace(
        "concentration: 200\n", "concentration: 200\nconcentration: 5\n"
    )
    path = tmp_path / "spec.yaml"
    path.write_text(text, "utf-8")
    line = text.splitlines().index("concentration: 5") + 1
    with pytest.raises(SpecificationError) as caught:
        load_spec(path=path)
    assert str(path) in str(caught.value)
    assert f"line {line}" in str(caught.value)
    assert "duplicate key 'concentration'" in str(caught.value)
    assert caught.value.hint


def test_a_schema_violation_names_its_place(tmp_path: Path) -> None:
    text = SHIPPED.read_text("utf-8").replace("zero_at: 5}", "zero_at: -5}", 1)
    path = tmp_path / "spec.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(SpecificationError, match=r"indicators\[\d+\]\.rule\.zero_at"):
        load_spec(path=path)


def test_an_indicator_of_an_undefined_domain_is_refused(tmp_path: Path) -> None:
    text = SHIPPED.read_text("utf-8").replace("domain: energy", "domain: enrgy", 1)
    path = tmp_path / "spec.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(SpecificationError, match="undefined domain enrgy"):
        load_spec(path=path)


def test_an_unknown_version_lists_the_shipped_ones() -> None:
    with pytest.raises(SpecificationError, match=r"2026\.1") as caught:
        load_spec("1999.1")
    assert "1999.1" in caught.value.in_language("zh-Hans").message


def test_the_examples_in_the_docstrings_hold() -> None:
    for module in (tianping.index, _spec, _scoring, _sensitivity, _evidence, _raters, _history):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__
