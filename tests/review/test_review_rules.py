"""Rule sets as data: the shipped files, the JSON Schema, and the overlay merge semantics."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any, get_args

import pytest

from tianping.review import (
    DISCIPLINES,
    RULE_DEFINITIONS,
    RULES_DIR,
    SCHEMA_DIR,
    MonthDay,
    ReviewInputError,
    RuleSetError,
    UnknownRuleSetError,
    _models,
    available_rule_sets,
    check_rule_files,
    load_rules,
)
from tianping.review import _messages as msg

from .conftest import overlay, shipped, write_rules


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (SCHEMA_DIR / "ruleset.schema.json").read_text(encoding="utf-8")
    )
    return loaded


# --- the shipped rules --------------------------------------------------------------------------


def test_the_shipped_rule_files_are_valid() -> None:
    assert check_rule_files() == []
    assert available_rule_sets() == ("national", "sichuan")


def test_every_rule_cites_its_source_article_confidence_and_date() -> None:
    for name in available_rule_sets():
        for rule in load_rules(name):
            assert rule.source.title.zh and rule.source.title.en
            assert rule.citation.zh and rule.citation.en
            assert rule.confidence in ("V", "S", "M", "?")
            assert rule.effective_from >= date(2023, 12, 1)
            if rule.article is None:
                assert "not identified" in rule.citation.en


def test_the_national_numbers_are_those_of_the_2023_measures_and_2026_ai_measures() -> None:
    rules = load_rules()
    assert rules.count("committee.min_size") == 7  # Measures 2023 Art. 7
    assert rules.count("committee.max_term_years") == 5  # Art. 7
    assert rules.count("committee.min_external") == 1  # Art. 7
    assert rules.names("committee.disciplines") == ("domain", "ethics", "law")  # Art. 7
    assert rules.count("registration.committee_days") == 30
    assert rules.month_day("registration.annual_report_due") == MonthDay(3, 31)
    assert rules.count("quorum.min_present") == 5  # Art. 14
    assert rules.fraction("decision.threshold") == Fraction(2, 3)
    assert rules.count("decision.deadline_days") == 30
    assert rules.count("emergency.deadline_hours") == 72
    assert rules.count("simplified.min_reviewers") == 2
    assert rules.count("follow_up.interval_months") == 12
    assert rules.count("follow_up.listed_interval_months") == 6
    assert rules.count("expert_panel.min_size") == 5  # Art. 28
    assert rules.fraction("expert_panel.threshold") == Fraction(2, 3)  # Art. 30
    assert rules.count("ai_committee.min_size") == 5  # 2026 AI measures, reported
    assert rules["ai_committee.min_size"].confidence == "S"


def test_the_verified_articles_are_cited_as_checked() -> None:
    rules = load_rules()
    assert rules["quorum.min_present"].citation.en == "S&T Ethics Review Measures (2023), Art. 14"
    assert rules["quorum.min_present"].citation.zh == "《科技伦理审查办法（试行）》第十四条"
    assert rules["application.bundle"].article == 9
    assert rules["application.single_notice"].article == 10
    assert rules["expert_panel.threshold"].article == 30
    assert rules["registration.committee_days"].article_confidence == "M"


def test_every_rule_has_a_test_that_names_it() -> None:
    """A unit test for every rule: each rule id appears in a test of the checks."""
    folder = Path(__file__).parent
    text = "".join(
        path.read_text(encoding="utf-8")
        for path in folder.glob("test_review_*.py")
        if path.name != Path(__file__).name
    )
    assert [rule_id for rule_id in RULE_DEFINITIONS if f'"{rule_id}"' not in text] == []


# --- schema and code agree -------------------------------------------------------------------


def test_the_schema_knows_exactly_the_rules_the_code_knows() -> None:
    schema = _schema()
    assert list(schema["properties"]["rules"]["properties"]) == list(RULE_DEFINITIONS)
    required = schema["then"]["properties"]["rules"]["required"]
    assert required == [k for k, d in RULE_DEFINITIONS.items() if not d.optional]


@pytest.mark.parametrize(
    ("definition", "literal"),
    [
        ("disciplines_rule", _models.Discipline),
        ("pledges_rule", _models.Pledge),
        ("quorum_categories_rule", _models.QuorumCategory),
        ("grounds_rule", _models.SimplifiedGround),
        ("escalation_rule", _models.EscalationTrigger),
        ("conflict_grounds_rule", _models.ConflictGround),
    ],
)
def test_the_schema_vocabularies_match_the_code(definition: str, literal: Any) -> None:
    value = _schema()["$defs"][definition]["allOf"][1]["properties"]["value"]
    assert tuple(value["items"]["enum"]) == get_args(literal)


def test_every_vocabulary_has_a_bilingual_label() -> None:
    assert set(msg.DISCIPLINE_LABELS) == set(DISCIPLINES)
    assert set(msg.QUORUM_CATEGORY_LABELS) == set(get_args(_models.QuorumCategory))
    assert set(msg.PLEDGE_LABELS) == set(get_args(_models.Pledge))
    assert set(msg.SIMPLIFIED_GROUND_LABELS) == set(get_args(_models.SimplifiedGround))
    assert set(msg.ESCALATION_LABELS) == set(get_args(_models.EscalationTrigger))
    assert set(msg.DECISION_LABELS) == set(get_args(_models.VoteChoice))


# --- overlays: inherit, add, tighten, never loosen --------------------------------------------


def test_sichuan_inherits_every_national_rule_and_adds_its_own() -> None:
    national, sichuan = load_rules(), load_rules("sichuan")
    assert sichuan.chain == ("national", "sichuan")
    assert set(national.rules) < set(sichuan.rules)
    assert set(sichuan.rules) - set(national.rules) == {"committee.odd_size", "committee.pledges"}
    for rule_id, rule in national.rules.items():
        assert sichuan[rule_id] == rule
    assert sichuan["committee.odd_size"].layer == "sichuan"
    assert sichuan["committee.odd_size"].source.id == "sichuan_rules"
    assert national.flag("committee.odd_size") is False  # absent optional flag: off


def test_an_overlay_rule_replaces_the_inherited_rule_with_its_own_citation(tmp_path: Path) -> None:
    folder = write_rules(
        tmp_path, national=shipped("national"), testland=overlay({"quorum.min_present": 7})
    )
    rules = load_rules("testland", directory=folder)
    assert rules.count("quorum.min_present") == 7
    assert rules["quorum.min_present"].layer == "testland"
    assert rules["quorum.min_present"].citation.en == "Test rules, Art. 1"
    assert rules.count("committee.min_size") == 7  # inherited untouched


def test_overlays_chain_city_on_province_on_nation(tmp_path: Path) -> None:
    city = overlay({"decision.deadline_days": 20}, extends="sichuan", name="chengdu")
    folder = write_rules(
        tmp_path, national=shipped("national"), sichuan=shipped("sichuan"), chengdu=city
    )
    rules = load_rules("chengdu", directory=folder)
    assert rules.chain == ("national", "sichuan", "chengdu")
    assert rules.flag("committee.odd_size")
    assert rules.count("decision.deadline_days") == 20


@pytest.mark.parametrize(
    ("rule_id", "value"),
    [
        ("committee.min_size", 5),  # a minimum may not fall
        ("decision.deadline_days", 45),  # a maximum may not rise
        ("committee.both_genders", False),  # a requirement may not be switched off
        ("committee.disciplines", ["domain", "ethics"]),  # requirements may not be dropped
        (
            "procedure.simplified_grounds",
            [
                "minimal_risk",
                "minor_change",
                "routine_follow_up",
            ],
        ),
        ("decision.threshold", "1/2"),  # the 2/3 may not fall
        ("registration.annual_report_due", "04-30"),  # a due day may not come later
    ],
)
def test_an_overlay_may_not_loosen_an_inherited_rule(
    tmp_path: Path, rule_id: str, value: object
) -> None:
    folder = write_rules(tmp_path, national=shipped("national"), testland=overlay({rule_id: value}))
    if rule_id == "procedure.simplified_grounds":  # keeping the same list is allowed
        assert load_rules("testland", directory=folder).names(rule_id) == tuple(value)  # type: ignore[arg-type]
        return
    with pytest.raises(RuleSetError) as caught:
        load_rules("testland", directory=folder)
    assert "loosens the rule it overrides" in str(caught.value)
    assert caught.value.problems[0].path == f"rules[{rule_id}].value"


def test_an_overlay_may_narrow_the_simplified_grounds_but_not_widen_them(tmp_path: Path) -> None:
    narrower = overlay({"procedure.simplified_grounds": ["minimal_risk"]})
    folder = write_rules(tmp_path, national=shipped("national"), testland=narrower)
    assert load_rules("testland", directory=folder).names("procedure.simplified_grounds") == (
        "minimal_risk",
    )


def test_an_overlay_may_not_make_a_bundle_item_waivable_or_drop_one(tmp_path: Path) -> None:
    items = shipped("national")["rules"]["application.bundle"]["value"]
    loosened = [
        dict(item, waivable=True) if item["id"] == "emergency_plan" else item for item in items[1:]
    ]
    folder = write_rules(
        tmp_path, national=shipped("national"), testland=overlay({"application.bundle": loosened})
    )
    with pytest.raises(RuleSetError) as caught:
        load_rules("testland", directory=folder)
    text = str(caught.value)
    assert "loosens" in text and "'emergency_plan' is not waivable" in text


# --- the schema rejects bad rule files ----------------------------------------------------------


def _broken(tmp_path: Path, change: Any) -> RuleSetError:
    document = shipped("national")
    change(document)
    folder = write_rules(tmp_path, national=document)
    with pytest.raises(RuleSetError) as caught:
        load_rules(directory=folder)
    return caught.value


def test_the_schema_rejects_an_unknown_rule_id(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["rules"]["quorum.min_presnet"] = d["rules"]["quorum.min_present"]

    error = _broken(tmp_path, change)
    assert "quorum.min_presnet" in str(error) and "the known rules are" in str(error)


def test_the_schema_rejects_a_rule_without_its_citation(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        del d["rules"]["quorum.min_present"]["article"]
        del d["rules"]["quorum.min_present"]["confidence"]

    error = _broken(tmp_path, change)
    assert [p.path for p in error.problems] == ["rules[quorum.min_present]"] * 2


@pytest.mark.parametrize(
    ("rule_id", "bad"),
    [
        ("quorum.min_present", "five"),
        ("quorum.min_present", 0),
        ("committee.chair", "yes"),
        ("committee.disciplines", ["medicine"]),
        ("decision.threshold", 0.67),
        ("registration.annual_report_due", "31-03"),
    ],
)
def test_the_schema_rejects_a_value_of_the_wrong_kind(
    tmp_path: Path, rule_id: str, bad: object
) -> None:
    def change(d: dict[str, Any]) -> None:
        d["rules"][rule_id]["value"] = bad

    error = _broken(tmp_path, change)
    assert error.problems[0].file == "national.yaml"
    assert error.problems[0].path.startswith(f"rules[{rule_id}].value")


def test_a_base_rule_set_must_define_every_required_rule(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        del d["rules"]["decision.threshold"]

    assert "'decision.threshold' is a required property" in str(_broken(tmp_path, change))


@pytest.mark.parametrize(
    ("rule_id", "bad", "expected"),
    [
        ("decision.threshold", "3/2", msg.PROBLEM_BAD_FRACTION.format(value="3/2")),
        (
            "registration.annual_report_due",
            "02-29",
            msg.PROBLEM_BAD_MONTH_DAY.format(value="02-29"),
        ),
        (
            "registration.annual_report_due",
            "02-30",
            msg.PROBLEM_BAD_MONTH_DAY.format(value="02-30"),
        ),
    ],
)
def test_values_the_schema_cannot_judge_are_checked_on_load(
    tmp_path: Path, rule_id: str, bad: str, expected: str
) -> None:
    def change(d: dict[str, Any]) -> None:
        d["rules"][rule_id]["value"] = bad

    assert _broken(tmp_path, change).problems[0].message == expected


def test_a_rule_must_cite_a_known_source(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["rules"]["quorum.min_present"]["source"] = "measures_2032"

    assert "source 'measures_2032' is not defined" in str(_broken(tmp_path, change))


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    text = (RULES_DIR / "national.yaml").read_text("utf-8")
    text = text.replace("  quorum.min_present:\n", "  quorum.min_present:\n    value: 3\n", 1)
    (tmp_path / "national.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_rules(directory=tmp_path)
    assert "duplicate key 'value'" in str(caught.value)


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["rules"]["quorum.min_present"]["value"] = -1
        d["rules"]["committee.chair"]["value"] = "yes"
        d["rules"]["decision.threshold"]["confidence"] = "sure"

    assert len(_broken(tmp_path, change).problems) == 3


def test_an_unknown_parent_and_a_cycle_are_refused(tmp_path: Path) -> None:
    folder = write_rules(
        tmp_path,
        national=shipped("national"),
        testland=overlay({"quorum.min_present": 6}, extends="atlantis"),
    )
    with pytest.raises(RuleSetError, match="extends 'atlantis'"):
        load_rules("testland", directory=folder)
    cycle_a = overlay({"quorum.min_present": 6}, extends="b", name="a")
    cycle_b = overlay({"quorum.min_present": 6}, extends="a", name="b")
    folder = write_rules(tmp_path / "cycle", a=cycle_a, b=cycle_b)
    with pytest.raises(RuleSetError, match="cycle"):
        load_rules("a", directory=folder)
    assert any("cycle" in p.message for p in check_rule_files(folder))


def test_the_file_name_must_match_the_rule_set_id(tmp_path: Path) -> None:
    folder = write_rules(
        tmp_path, national=shipped("national"), other=overlay({"quorum.min_present": 6}, name="x")
    )
    assert any("differs from the file name" in p.message for p in check_rule_files(folder))


def test_a_broken_sibling_overlay_does_not_block_the_national_rules(tmp_path: Path) -> None:
    broken = overlay({"quorum.min_present": "many"})
    folder = write_rules(tmp_path, national=shipped("national"), testland=broken)
    assert load_rules(directory=folder).count("quorum.min_present") == 5
    with pytest.raises(RuleSetError):
        load_rules("testland", directory=folder)
    assert [p.file for p in check_rule_files(folder)] == ["testland.yaml"]


def test_an_unknown_province_is_a_lookup_error() -> None:
    with pytest.raises(UnknownRuleSetError) as caught:
        load_rules("atlantis")
    assert "available: national, sichuan" in str(caught.value)
    assert isinstance(caught.value, LookupError)


# --- rules in force on a day --------------------------------------------------------------------


def test_rules_not_yet_in_force_are_left_out() -> None:
    before_pilot = load_rules(on=date(2026, 5, 31))
    assert "ai_committee.min_size" not in before_pilot
    assert "ai_committee.min_size" in load_rules(on=date(2026, 6, 1))


def test_an_overlay_rule_not_yet_in_force_falls_back_to_the_parent() -> None:
    assert "committee.odd_size" not in load_rules("sichuan", on=date(2025, 4, 17))
    assert load_rules("sichuan", on=date(2025, 4, 18)).flag("committee.odd_size")


def test_a_day_before_the_measures_took_effect_is_refused() -> None:
    with pytest.raises(ReviewInputError) as caught:
        load_rules(on=date(2023, 11, 30))
    assert "is not in force on 2023-11-30" in str(caught.value)


def test_the_rule_set_serialises_with_every_citation() -> None:
    document = load_rules("sichuan", on=date(2026, 11, 1)).to_json("en")
    assert document["chain"] == ["national", "sichuan"]
    rules = {r["id"]: r for r in document["rules"]}  # type: ignore[attr-defined]
    assert rules["decision.threshold"]["value"] == "2/3"
    assert rules["committee.odd_size"]["citation"].startswith("Sichuan Implementing Rules")
    json.dumps(load_rules().to_json())  # both languages, JSON-able
