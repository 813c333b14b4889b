"""The questionnaire as data: its contract ids, its conditions, and strict loading."""

from __future__ import annotations

import copy
import doctest
import importlib
import json
import re
from importlib import resources
from typing import Any

import pytest
import yaml

from tianping.tiering import (
    Clause,
    Questionnaire,
    QuestionnaireError,
    load_questionnaire,
    parse_questionnaire,
)

CONTRACT = {
    "personal_info": ("boolean", ()),
    "sensitive_pi": ("boolean", ()),
    "minors": ("boolean", ()),
    "affects_rights": ("boolean", ()),
    "automated_decisions": (
        "multichoice",
        ("hiring", "credit", "pricing", "recommendation", "content_review", "safety", "none"),
    ),
    "public_facing": ("boolean", ()),
    "generative": ("boolean", ()),
    "third_party_components": ("boolean", ()),
    "exported": ("boolean", ()),
    "export_markets": (
        "multichoice",
        ("eu", "us", "asean", "middle_east", "africa", "latin_america", "other"),
    ),
    "listed_activities": (
        "multichoice",
        (
            "human_machine_integration",
            "public_opinion_mobilisation",
            "autonomous_decision_safety",
            "none",
        ),
    ),
    "scale": ("choice", ("lt_10k", "10k_1m", "gt_1m")),
    "mitigations": (
        "multichoice",
        ("human_review", "appeal_path", "monitoring", "opt_out", "none"),
    ),
}


def raw_data() -> dict[str, Any]:
    text = resources.files("tianping.tiering").joinpath("data/questionnaire.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_the_questionnaire_is_versioned_with_an_effective_date(
    questionnaire: Questionnaire,
) -> None:
    assert questionnaire.version == "2026.1"
    assert questionnaire.effective_from.isoformat() == "2026-06-01"


def test_question_and_choice_ids_are_exactly_the_contract(questionnaire: Questionnaire) -> None:
    found = {q.id: (q.type, q.choice_ids) for q in questionnaire.questions}
    assert found == CONTRACT


def test_none_is_the_only_exclusive_choice(questionnaire: Questionnaire) -> None:
    exclusive = {(q.id, c.id) for q in questionnaire.questions for c in q.choices if c.exclusive}
    assert exclusive == {
        ("automated_decisions", "none"),
        ("listed_activities", "none"),
        ("mitigations", "none"),
    }


@pytest.mark.parametrize(
    ("question_id", "condition"),
    [
        ("sensitive_pi", Clause("personal_info", equals=True)),
        ("minors", Clause("personal_info", equals=True)),
        ("export_markets", Clause("exported", equals=True)),
    ],
)
def test_dependent_questions_apply_only_under_their_condition(
    questionnaire: Questionnaire, question_id: str, condition: Clause
) -> None:
    question = questionnaire.question(question_id)
    assert question.requires == condition
    assert question.required


def test_only_the_dependent_questions_have_conditions(questionnaire: Questionnaire) -> None:
    conditional = {q.id for q in questionnaire.questions if q.requires is not None}
    assert conditional == {"sensitive_pi", "minors", "export_markets"}


def test_every_question_has_a_title_label_and_help_in_both_languages(
    questionnaire: Questionnaire,
) -> None:
    for question in questionnaire.questions:
        for text in (question.title, question.label, question.help):
            assert text.zh.strip() and text.en.strip()
        for choice in question.choices:
            assert choice.label.zh.strip() and choice.label.en.strip()


def test_chinese_texts_have_no_spaces_left_by_line_folding(questionnaire: Questionnaire) -> None:
    data = json.dumps(questionnaire.to_json(), ensure_ascii=False)
    assert not re.search(r"[\u4e00-\u9fff，。；：、）] [\u4e00-\u9fff（《]", data)


def test_load_questionnaire_is_cached(questionnaire: Questionnaire) -> None:
    assert load_questionnaire() is questionnaire


def test_the_largest_raw_impact_counts_every_choice_of_a_multichoice_and_the_top_choice(
    questionnaire: Questionnaire,
) -> None:
    # booleans 2+4+4+5+2+3+1+2, automated decisions 28, listed activities 15, scale 4
    assert questionnaire.scoring.max_raw == 23 + 28 + 15 + 4


def test_bands_run_from_zero_and_close_where_the_next_opens(questionnaire: Questionnaire) -> None:
    bands = [(b.tier, b.min, b.max) for b in questionnaire.scoring.bands]
    assert bands == [("low", 0, 10), ("medium", 10, 22), ("high", 22, None)]


def test_every_tier_carries_obligations(questionnaire: Questionnaire) -> None:
    for tier in ("low", "medium", "high"):
        assert any(tier in rule.tiers for rule in questionnaire.obligations)


def test_questionnaire_json_is_serialisable_and_bilingual_unless_a_language_is_given(
    questionnaire: Questionnaire,
) -> None:
    bilingual = json.loads(json.dumps(questionnaire.to_json(), ensure_ascii=False))
    assert bilingual["questions"][0]["label"] == {
        "zh-Hans": "系统是否处理个人信息？",
        "en": "Does the system process personal information?",
    }
    english = json.loads(json.dumps(questionnaire.to_json("en")))
    assert english["questions"][1]["requires"] == {"question": "personal_info", "equals": True}
    assert english["override"] == {"min_justification_chars": 20}


def test_a_questionnaire_file_can_replace_the_built_in_one(tmp_path: Any) -> None:
    data = raw_data()
    data["version"] = "2026.2-sichuan"
    path = tmp_path / "questionnaire.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_questionnaire(path).version == "2026.2-sichuan"


def test_a_questionnaire_file_that_is_not_yaml_is_a_questionnaire_error(tmp_path: Any) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("questions: [unclosed\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="not valid YAML"):
        load_questionnaire(path)


def test_a_missing_questionnaire_file_is_a_questionnaire_error(tmp_path: Any) -> None:
    with pytest.raises(QuestionnaireError, match="cannot read questionnaire"):
        load_questionnaire(tmp_path / "absent.yaml")


def _set(path: str, value: object) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _delete(path: str) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return mutate


@pytest.mark.parametrize(
    ("mutate", "where", "problem"),
    [
        (_set("colour", "red"), "document", "unknown key 'colour'"),
        (_set("version", 2026.1), "version", "quote it"),
        (_set("effective_from", "next spring"), "effective_from", "expected a date"),
        (_set("questions/0/type", "slider"), "questions[0].type", "not one of"),
        (_set("questions/1/id", "personal_info"), "questions[1].id", "appears twice"),
        (_set("questions/1/requires/question", "exported"), "questions[1].requires.question", ""),
        (_set("questions/1/requires/equals", "yes"), "questions[1].requires.equals", ""),
        (_set("questions/4/choices/1/id", "hiring"), "questions[4].choices", "appears twice"),
        (_set("questions/11/choices/0/exclusive", True), "questions[11].choices[0].exclusive", ""),
        (_delete("questions/0/help"), "questions[0]", "missing key 'help'"),
        (_set("questions/0/label", {"zh-Hans": "问题"}), "questions[0].label", "missing key 'en'"),
        (_set("scoring/impact/scale/huge", 9), "scoring.impact.scale", "unknown key 'huge'"),
        (_set("scoring/impact/generative", -3), "scoring.impact.generative", "at least 0"),
        (
            _set("scoring/mitigation/max_percent", 150),
            "scoring.mitigation.max_percent",
            "between 0 and 100",
        ),
        (_set("scoring/bands/1/min", 0), "scoring.bands[1]", "must rise"),
        (_set("scoring/bands/0/min", 5), "scoring.bands[0].min", "start at 0"),
        (_set("scoring/floors/0/tier", "severe"), "scoring.floors[0].tier", "not a tier"),
        (
            _set("scoring/floors/0/when", {"question": "listed_activities", "includes_any": ["x"]}),
            "scoring.floors[0].when.includes_any[0]",
            "not a choice",
        ),
        (_set("scoring/floors/1/when", {"all": []}), "scoring.floors[1].when.all", "at least one"),
        (_delete("scoring/floors/0/source"), "scoring.floors[0]", "missing key 'source'"),
        (
            _set("scoring/floors/2/overridable", "yes"),
            "scoring.floors[2].overridable",
            "expected true or false",
        ),
        (
            _set("obligations/0/excluded_by_floors", ["nowhere"]),
            "obligations[0].excluded_by_floors[0]",
            "'nowhere' is not a floor id",
        ),
        (
            _set("obligations/7/excluded_by_floors", ["export_scope"]),
            "obligations[7].excluded_by_floors",
            "only a tier obligation excludes floors",
        ),
        (
            _set("obligations/0/when", {"question": "exported", "equals": True}),
            "obligations[0]",
            "",
        ),
        (_delete("obligations/7/why"), "obligations[7]", "needs 'why'"),
        (_set("obligations/0/tiers", ["medium"]), "obligations", "tier 'low' has no obligations"),
        (_set("tiers/0/id", "minimal"), "tiers[0].id", "not a tier"),
        (
            _set("override/min_justification_chars", 0),
            "override.min_justification_chars",
            "at least 1",
        ),
    ],
)
def test_invalid_questionnaire_data_is_refused_with_its_location(
    mutate: Any, where: str, problem: str
) -> None:
    data = copy.deepcopy(raw_data())
    mutate(data)
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(data, source="test.yaml")
    assert f"questionnaire test.yaml: {where}" in caught.value.message
    assert problem in caught.value.message


@pytest.mark.parametrize(
    "module",
    [
        "tianping.tiering",
        "tianping.tiering._document",
        "tianping.tiering._errors",
        "tianping.tiering._models",
        "tianping.tiering._override",
        "tianping.tiering._questionnaire",
        "tianping.tiering._scoring",
        "tianping.tiering._validation",
    ],
)
def test_the_examples_in_the_docstrings_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
