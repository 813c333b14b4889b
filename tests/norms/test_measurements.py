"""The measurement mapping: which measurement answers which item, how fully, and when."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tianping import tiering
from tianping.norms import (
    EXTENTS,
    MEASUREMENT_KINDS,
    MEASUREMENTS_FILE,
    CatalogueError,
    NotInCatalogueError,
    check_measurements,
    items_for,
    load_catalogue,
    load_measurements,
)
from tianping.norms._measurements import BAD_CONDITION, MEASUREMENT_MISSING

HIRING = {
    "personal_info": True,
    "sensitive_pi": False,
    "minors": False,
    "affects_rights": True,
    "automated_decisions": ["hiring"],
    "public_facing": False,
    "generative": False,
    "third_party_components": False,
    "exported": False,
    "listed_activities": ["none"],
    "scale": "lt_10k",
    "mitigations": ["human_review"],
}


def ids(pairs: list[tuple[str, str]]) -> list[str]:
    return [item for item, _extent in pairs]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "measurements.yaml"
    shutil.copy(MEASUREMENTS_FILE, target)
    return target


def edit(path: Path, change: Any) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")


def entry(document: dict[str, Any], measurement: str) -> dict[str, Any]:
    return next(m for m in document["measurements"] if m["id"] == measurement)


# -- the shipped mapping ----------------------------------------------------------


def test_the_shipped_mapping_has_no_problems() -> None:
    assert check_measurements() == []


def test_every_kind_of_measurement_is_mapped_once() -> None:
    mapping = load_measurements()
    assert [m.id for m in mapping.measurements] == list(MEASUREMENT_KINDS)


def test_every_mapped_item_is_in_the_catalogue_with_a_known_extent() -> None:
    catalogue = load_catalogue()
    for measurement in load_measurements().measurements:
        for answer in measurement.answers:
            assert catalogue.requirement(answer.item).id == answer.item
            assert answer.extent in EXTENTS


def test_the_shipped_mapping_is_loaded_once() -> None:
    assert load_measurements() is load_measurements()


def test_a_hiring_models_bias_audit_answers_neither_generated_content_nor_prices() -> None:
    found = items_for("bias_assessment", HIRING)
    assert "REQ-13-07" not in ids(found)
    assert "REQ-13-06" not in ids(found)
    assert ("REQ-13-02", "full") in found


def test_a_bias_audit_answers_price_discrimination_in_part_only_for_pricing_systems() -> None:
    pricing = {**HIRING, "automated_decisions": ["hiring", "pricing"]}
    assert ("REQ-13-06", "partial") in items_for("bias_assessment", pricing)


def test_no_bias_audit_answers_the_generated_content_item_even_for_a_generative_system() -> None:
    generative = {**HIRING, "generative": True}
    assert "REQ-13-07" not in ids(items_for("bias_assessment", generative))
    assert ("REQ-13-07", "full") in items_for("probe_run", generative)


def test_a_privacy_scan_is_no_security_test_nor_a_non_generative_training_summary() -> None:
    found = ids(items_for("privacy_scan", HIRING))
    assert "REQ-12-06" not in found
    assert "REQ-11-08" not in found
    assert "REQ-03-10" in found  # automated hiring decisions need a PIPL impact assessment


def test_a_privacy_scan_of_a_generative_system_informs_its_training_data_summary() -> None:
    found = items_for("privacy_scan", {**HIRING, "generative": True})
    assert ("REQ-11-08", "partial") in found
    assert "REQ-12-06" not in ids(found)


def test_without_an_intake_only_the_unconditional_items_apply() -> None:
    mapping = load_measurements()
    for measurement in mapping.measurements:
        unconditional = [(a.item, a.extent) for a in measurement.answers if a.applies_when is None]
        assert items_for(measurement.id, None) == unconditional
    assert items_for("probe_run") == []


def test_items_come_in_the_mappings_order() -> None:
    measurement = load_measurements().measurement("bias_assessment")
    everything = {"automated_decisions": ["pricing"]}
    assert ids(items_for("bias_assessment", everything)) == [a.item for a in measurement.answers]


def test_an_unknown_measurement_raises_not_in_catalogue_error() -> None:
    with pytest.raises(NotInCatalogueError) as caught:
        items_for("horoscope", {})
    assert caught.value.what == "measurement"


def test_the_items_a_measurement_answers_are_listed_per_item() -> None:
    found = [(m.id, a.extent) for m, a in load_measurements().answering("REQ-13-07")]
    assert found == [("probe_run", "full")]


def test_conditions_are_the_questionnaires_own() -> None:
    answer = load_measurements().measurement("bias_assessment").answers[-1]
    assert isinstance(answer.applies_when, tiering.Clause)
    assert answer.applies_when.describe("en") == "automated_decisions includes any of pricing"


# -- broken copies are refused -----------------------------------------------------


def test_an_unknown_item_is_refused(copy: Path) -> None:
    edit(copy, lambda d: entry(d, "probe_run")["answers"][0].update(item="REQ-99-01"))
    problems = check_measurements(copy)
    assert [p.path for p in problems] == ["measurements[2] (probe_run).answers[0].item"]
    with pytest.raises(CatalogueError):
        load_measurements(copy)


def test_a_condition_on_an_unknown_choice_is_refused(copy: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        answer = entry(document, "bias_assessment")["answers"][-1]
        answer["applies_when"] = {"question": "automated_decisions", "includes_any": ["horoscopes"]}

    edit(copy, change)
    (problem,) = check_measurements(copy)
    assert problem.path.endswith(".applies_when")
    assert problem.message.startswith(BAD_CONDITION.split("{")[0])
    assert "horoscopes" in problem.message


def test_a_condition_on_an_unknown_question_is_refused(copy: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        entry(document, "probe_run")["answers"][0]["applies_when"] = {
            "question": "is_sentient",
            "equals": True,
        }

    edit(copy, change)
    (problem,) = check_measurements(copy)
    assert "is_sentient" in problem.message


def test_an_unknown_extent_is_refused_by_the_schema(copy: Path) -> None:
    edit(copy, lambda d: entry(d, "probe_run")["answers"][0].update(extent="most"))
    (problem,) = check_measurements(copy)
    assert problem.path == "measurements[2] (probe_run).answers[0].extent"


def test_an_item_listed_twice_for_one_measurement_is_refused(copy: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        answers = entry(document, "certificate")["answers"]
        answers.append(dict(answers[0]))

    edit(copy, change)
    (problem,) = check_measurements(copy)
    assert "appears more than once" in problem.message


def test_a_measurement_left_out_is_refused(copy: Path) -> None:
    edit(copy, lambda d: d["measurements"].remove(entry(d, "certificate")))
    (problem,) = check_measurements(copy)
    assert problem.message == MEASUREMENT_MISSING.format(
        key="certificate", known=", ".join(MEASUREMENT_KINDS)
    )


def test_a_repeated_key_is_refused_by_the_strict_loader(copy: Path) -> None:
    copy.write_text(copy.read_text(encoding="utf-8") + 'version: "2026.2"\n', encoding="utf-8")
    (problem,) = check_measurements(copy)
    assert "duplicate key 'version'" in problem.message


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    (problem,) = check_measurements(tmp_path / "measurements.yaml")
    assert problem.message == "file is missing"
