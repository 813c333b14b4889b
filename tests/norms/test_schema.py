"""Broken copies of the catalogue are refused, each with its file, place and problem."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tianping import yamlsafe
from tianping.norms import (
    CATALOGUE_FILES,
    DATA_DIR,
    EVIDENCE_TYPES,
    SCHEMA_DIR,
    STAGES,
    TIERS,
    CatalogueError,
    CatalogueProblem,
    catalogue_schema,
    check_catalogue,
    load_catalogue,
)
from tianping.norms import _errors as msg
from tianping.norms.validate import main as validate_main

Document = dict[str, Any]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A fresh copy of the shipped catalogue that a test may break."""
    for name in CATALOGUE_FILES.values():
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def edit(folder: Path, name: str, change: Callable[[Document], object]) -> None:
    """Apply ``change`` to one file of the copy and write it back as YAML."""
    path = folder / name
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(folder: Path) -> list[CatalogueProblem]:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(folder)
    assert caught.value.problems == tuple(check_catalogue(folder))
    return list(caught.value.problems)


def item(document: Document, item_id: str) -> Document:
    return next(entry for entry in document["items"] if entry["id"] == item_id)


# -- sanity ------------------------------------------------------------------------
def test_an_untouched_copy_loads_like_the_shipped_catalogue(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda document: None)  # a YAML round trip changes nothing
    catalogue = load_catalogue(copy)
    assert catalogue == load_catalogue()
    assert catalogue is not load_catalogue()


# -- what the brief names ----------------------------------------------------------
def test_a_missing_field_is_refused(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01").pop("question"))
    [problem] = problems_of(copy)
    assert problem.file == "requirements.yaml"
    assert problem.path.startswith("items[") and "(REQ-13-01)" in problem.path
    assert "'question' is a required property" in problem.message


def test_an_unknown_principle_is_refused(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-12-05")["principles"].append("kindness"))
    [problem] = problems_of(copy)
    assert problem.file == "requirements.yaml"
    assert problem.path.endswith("(REQ-12-05).principles[1]")
    assert problem.message.startswith("principle 'kindness' does not exist")


def test_an_unknown_principle_in_an_article_is_refused(copy: Path) -> None:
    edit(copy, "norms.yaml", lambda d: d["articles"][12]["principles"].append("kindness"))
    [problem] = problems_of(copy)
    assert (problem.file, problem.path) == ("norms.yaml", "articles[12] (13).principles[1]")


def test_a_duplicate_item_id_is_refused(copy: Path) -> None:
    def duplicate(document: Document) -> None:
        item(document, "REQ-13-02")["id"] = "REQ-13-01"

    edit(copy, "requirements.yaml", duplicate)
    [problem] = problems_of(copy)
    assert problem.message.startswith("requirement item 'REQ-13-01' appears more than once")
    assert problem.path.endswith(".id")


def test_a_duplicate_principle_id_is_refused(copy: Path) -> None:
    edit(copy, "norms.yaml", lambda d: d["principles"][1].update(id="well_being"))
    problems = problems_of(copy)
    assert any("principle id 'well_being' appears more than once" in p.message for p in problems)


def test_a_wrong_stage_is_refused(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01").update(stage="deploy"))
    [problem] = problems_of(copy)
    assert problem.path.endswith("(REQ-13-01).stage")
    assert problem.message.startswith("'deploy' is not one of")


@pytest.mark.parametrize(
    ("question", "where", "expected"),
    [
        (42, ".question", "42 is not of type 'object'"),
        ({"zh-Hans": 42, "en": "Is it?"}, ".question.zh-Hans", "42 is not of type 'string'"),
        ({"zh-Hans": "是吗？", "en": ["Is it?"]}, ".question.en", "is not of type 'string'"),
    ],
)
def test_a_question_that_is_not_a_string_is_refused(
    copy: Path, question: object, where: str, expected: str
) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01").update(question=question))
    [problem] = problems_of(copy)
    assert problem.path.endswith("(REQ-13-01)" + where)
    assert expected in problem.message


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_an_empty_chinese_article_text_is_refused(copy: Path, blank: str) -> None:
    edit(copy, "norms.yaml", lambda d: d["articles"][12]["text"].update({"zh-Hans": blank}))
    [problem] = problems_of(copy)
    assert (problem.file, problem.path) == ("norms.yaml", "articles[12] (13).text.zh-Hans")
    assert problem.message == msg.BLANK_TEXT


def test_a_missing_chinese_text_is_refused(copy: Path) -> None:
    edit(copy, "norms.yaml", lambda d: d["articles"][0]["text"].pop("zh-Hans"))
    [problem] = problems_of(copy)
    assert problem.path == "articles[0] (1).text"
    assert "'zh-Hans' is a required property" in problem.message


# -- more shape errors -----------------------------------------------------------------
def test_an_unexpected_field_is_refused(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01").update(severity="high"))
    [problem] = problems_of(copy)
    assert "Additional properties are not allowed ('severity' was unexpected)" in problem.message


def test_an_unknown_tier_is_refused(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01").update(tiers=["critical"]))
    [problem] = problems_of(copy)
    assert problem.path.endswith("(REQ-13-01).tiers[0]")


def test_an_unquoted_version_is_refused(copy: Path) -> None:
    text = (copy / "norms.yaml").read_text(encoding="utf-8").replace('"2026.1"', "2026.1", 1)
    (copy / "norms.yaml").write_text(text, encoding="utf-8")
    problems = problems_of(copy)
    assert problems[0].path == "version"
    assert "is not of type 'string'" in problems[0].message


def test_an_impossible_date_is_refused(copy: Path) -> None:
    edit(copy, "crosswalks.yaml", lambda d: d["frameworks"][0].update(effective_from="2026-13-01"))
    [problem] = problems_of(copy)
    assert problem.path == "frameworks[0] (governance_code_2026).effective_from"
    assert "is not a 'date'" in problem.message


def test_an_unknown_confidence_mark_is_refused(copy: Path) -> None:
    edit(copy, "expert_review_list.yaml", lambda d: d.update(confidence="sure"))
    [problem] = problems_of(copy)
    assert (problem.file, problem.path) == ("expert_review_list.yaml", "confidence")


# -- cross-reference errors --------------------------------------------------------
def test_an_item_whose_id_names_another_article_is_refused(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-07").update(article=12))
    problems = problems_of(copy)
    expected = msg.ITEM_ID_ARTICLE.format(item_id="REQ-13-07", named=13, article=12)
    assert expected in [problem.message for problem in problems]


def test_an_item_outside_its_chapter_category_is_refused(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01").update(category="use"))
    [problem] = problems_of(copy)
    assert problem.message == msg.CATEGORY_MISMATCH.format(
        found="use", owner="article 13", expected="research"
    )


def test_an_item_of_article_3_must_name_its_clause(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-03-01").pop("clause"))
    problems = problems_of(copy)
    assert msg.CLAUSE_REQUIRED.format(article=3) in [problem.message for problem in problems]


def test_an_item_must_serve_the_principle_of_its_clause(copy: Path) -> None:
    edit(
        copy, "requirements.yaml", lambda d: item(d, "REQ-03-05").update(principles=["well_being"])
    )
    [problem] = problems_of(copy)
    assert problem.message == msg.CLAUSE_PRINCIPLE_MISSING.format(
        clause=2, article=3, principle="fairness"
    )


def test_tiers_that_skip_a_higher_tier_are_refused(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01").update(tiers=["low", "medium"]))
    [problem] = problems_of(copy)
    assert problem.message == msg.TIERS_NOT_UPWARD_CLOSED.format(tier="low", missing="high")


def test_an_unknown_crosswalk_target_is_refused(copy: Path) -> None:
    edit(
        copy,
        "requirements.yaml",
        lambda d: item(d, "REQ-13-01")["crosswalk"].update(pipl=["art_99"]),
    )
    [problem] = problems_of(copy)
    assert problem.path.endswith("(REQ-13-01).crosswalk.pipl[0]")
    assert problem.message.startswith("target of pipl 'art_99' does not exist")


def test_an_unknown_crosswalk_framework_is_refused(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01")["crosswalk"].update(gdpr=[]))
    [problem] = problems_of(copy)
    assert problem.message.startswith("framework 'gdpr' does not exist")


def test_an_article_left_without_items_is_refused(copy: Path) -> None:
    def drop_article_21(document: Document) -> None:
        document["items"] = [entry for entry in document["items"] if entry["article"] != 21]

    edit(copy, "requirements.yaml", drop_article_21)
    [problem] = problems_of(copy)
    assert problem.message == msg.ARTICLE_WITHOUT_ITEMS.format(article=21)


def test_a_chapter_range_with_a_gap_is_refused(copy: Path) -> None:
    edit(copy, "norms.yaml", lambda d: d["chapters"][2].update(first_article=11))
    problems = problems_of(copy)
    assert any(problem.path == "chapters[2] (3).first_article" for problem in problems)


def test_files_of_one_edition_must_share_the_version(copy: Path) -> None:
    edit(copy, "crosswalks.yaml", lambda d: d.update(version="2026.2"))
    [problem] = problems_of(copy)
    assert (problem.file, problem.path) == ("crosswalks.yaml", "version")


def test_the_expert_review_list_must_agree_with_its_history(copy: Path) -> None:
    def add_unrecorded(document: Document) -> None:
        document["activities"].append(
            {
                "id": "brain_computer_interface",
                "name": {"zh-Hans": "脑机接口", "en": "Brain–computer interfaces"},
                "description": {"zh-Hans": "脑机接口研发。", "en": "Developing them."},
                "confidence": "?",
            }
        )

    edit(copy, "expert_review_list.yaml", add_unrecorded)
    [problem] = problems_of(copy)
    assert problem.path == "activities"
    assert "brain_computer_interface" in problem.message


def test_a_new_version_of_the_list_is_accepted_with_its_history(copy: Path) -> None:
    def revise(document: Document) -> None:
        document["version"] = "2026.1"
        document["effective_from"] = "2026-12-01"
        document["history"].append(
            {
                "version": "2026.1",
                "effective_from": "2026-12-01",
                "change": {"zh-Hans": "示例修订。", "en": "An example revision."},
                "added": [],
                "removed": ["public_opinion_mobilisation"],
            }
        )
        document["activities"] = [
            entry
            for entry in document["activities"]
            if entry["id"] != "public_opinion_mobilisation"
        ]

    edit(copy, "expert_review_list.yaml", revise)
    listed = load_catalogue(copy).expert_review_list
    assert listed.version == "2026.1"
    assert "public_opinion_mobilisation" not in listed
    assert len(listed.history) == 2


# -- files and YAML --------------------------------------------------------------------
def test_a_missing_file_is_refused(copy: Path) -> None:
    (copy / "crosswalks.yaml").unlink()
    [problem] = problems_of(copy)
    assert (problem.file, problem.message) == ("crosswalks.yaml", msg.MISSING_FILE)


def test_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path / "nowhere")
    assert problem.message == msg.NOT_A_DIRECTORY


def test_a_yaml_syntax_error_names_its_line(copy: Path) -> None:
    with (copy / "norms.yaml").open("a", encoding="utf-8") as file:
        file.write("  - [unclosed\n")
    [problem] = problems_of(copy)
    assert problem.file == "norms.yaml"
    assert problem.path.startswith("line ")
    assert problem.message.startswith("YAML syntax error")


def test_a_duplicate_yaml_key_is_refused_rather_than_silently_overwritten(copy: Path) -> None:
    text = (copy / "norms.yaml").read_text(encoding="utf-8")
    first = text[: text.index("confidence: V\n")].count("\n") + 1
    text = text.replace("confidence: V\n", "confidence: V\nconfidence: S\n", 1)
    (copy / "norms.yaml").write_text(text, encoding="utf-8")
    [problem] = problems_of(copy)
    duplicate = yamlsafe.ERR_DUPLICATE_KEY.format(key="confidence", first=first)
    assert problem.message == msg.YAML_SYNTAX.format(error=duplicate)
    assert problem.path == f"line {first + 1}, column 1"


def test_the_error_message_names_the_file_the_place_and_the_problem(copy: Path) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01").update(stage="deploy"))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(copy)
    error = caught.value
    assert (error.file, error.problem) == ("requirements.yaml", error.problems[0].message)
    text = error.diagnostics()
    assert "requirements.yaml" in text
    assert "(REQ-13-01).stage" in text
    assert "'deploy' is not one of" in text
    assert "python -m tianping.norms.validate" in text


def test_validate_exits_1_and_lists_the_problems(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(copy, "requirements.yaml", lambda d: item(d, "REQ-13-01").update(stage="deploy"))
    assert validate_main([str(copy)]) == 1
    out = capsys.readouterr().out
    assert "1 problem." in out
    assert "requirements.yaml: items[" in out


# -- the schemas themselves ------------------------------------------------------------
def _objects(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.glob("*.schema.json")), ids=lambda p: p.name)
def test_every_schema_is_draft_2020_12_and_closed(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for node in _objects(schema):
        # Closed records; the one open map (item crosswalk) constrains its values instead.
        assert node.get("additionalProperties") is False or isinstance(
            node.get("additionalProperties"), dict
        )


def test_the_schema_enums_match_the_library_vocabulary() -> None:
    definitions = catalogue_schema("requirements")["$defs"]
    assert tuple(definitions["stage"]["enum"]) == STAGES
    assert tuple(definitions["evidence"]["enum"]) == EVIDENCE_TYPES
    assert tuple(definitions["tier"]["enum"]) == TIERS


def test_asking_for_an_unknown_schema_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown catalogue file kind"):
        catalogue_schema("principles")
