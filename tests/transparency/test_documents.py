"""The six documents from the example input, in both languages: JSON, HTML, version and hash."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import rfc8785

from tianping.text import LocalizedText
from tianping.transparency import (
    DOCUMENT_KINDS,
    SCHEMA,
    TransparencyError,
    TransparencyInput,
    build_document,
    completeness,
    document_html,
    read_input,
    representativeness_from_audit,
    user_notice_fragment,
    user_notice_text,
)

AT = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
TITLES = {
    "model-card": ("模型卡", "Model card"),
    "training-data": ("训练数据摘要", "Training-data summary"),
    "algorithm": ("算法说明与数据来源记录", "Algorithm documentation and data-sourcing records"),
    "transparency-report": ("半年度透明度报告", "Six-monthly transparency report"),
    "user-notice": ("人工智能使用告知", "About the AI in this service"),
    "playbook": ("事件应急手册（一页纸）", "Incident playbook (one page)"),
}


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_each_document_from_the_example_in_each_language(
    example: TransparencyInput, kind: str, language: str
) -> None:
    document = build_document(kind, example)
    data = document.to_json()
    assert data["schema"] == SCHEMA
    assert data["kind"] == kind
    assert data["version"] == "2026.1"
    assert data["as_of"] == "2026-06-30"
    assert data["completeness"]["complete"] is True
    json.loads(json.dumps(data, ensure_ascii=False))  # plain JSON all through

    html = document_html(document, language=language, generated_at=AT)
    zh, en = TITLES[kind]
    if language == "zh-Hans":
        assert zh in html and en not in html
    else:
        assert en in html and zh not in html
    assert "智能信贷评分" in html
    assert data["sha256"] in html
    assert "<script" not in html


def test_both_languages_side_by_side(example: TransparencyInput) -> None:
    html = document_html(build_document("training-data", example), language="both")
    assert "训练数据摘要" in html and "Training-data summary" in html
    # Owner-edited bilingual texts print in both languages too.
    assert "Few applicants over sixty" in html and "六十岁以上申请人样本较少" in html


def test_the_hash_is_sha256_of_the_canonical_json_and_stable(
    example_data: dict[str, Any], example: TransparencyInput
) -> None:
    import hashlib

    for kind in DOCUMENT_KINDS:
        data = build_document(kind, example).to_json()
        digest = data.pop("sha256")
        assert digest == hashlib.sha256(rfc8785.dumps(data)).hexdigest()
        again = build_document(kind, read_input(copy.deepcopy(example_data))).to_json()
        assert again["sha256"] == digest

    changed = copy.deepcopy(example_data)
    changed["system"]["limitations"][1]["en"] = "Not meant for business or mortgage loans"
    before = build_document("user-notice", example).sha256
    assert build_document("user-notice", read_input(changed)).sha256 != before
    changed["version"] = "2026.2"
    assert build_document("model-card", read_input(changed)).to_json()["version"] == "2026.2"


def test_every_figure_of_the_transparency_report_traces_to_its_records(
    example_data: dict[str, Any], example: TransparencyInput
) -> None:
    document = build_document("transparency-report", example)
    content = document.to_json()["content"]
    volumes = example_data["decision_volumes"]
    assert content["figures"]["decisions"] == sum(v["count"] for v in volumes)
    assert [(v["source"], v["count"]) for v in content["decision_volumes"]] == [
        (v["source"], v["count"]) for v in volumes
    ]
    for key in ("alerts", "incidents", "switch_changes", "model_changes", "assessments"):
        assert content["figures"][key] == len(example_data[key])
        assert [e["id"] for e in content[key]] == [e["id"] for e in example_data[key]]
    complaints = example_data["complaints"]
    assert content["figures"]["complaints"] == len(complaints)
    assert content["figures"]["complaints_resolved"] == sum(1 for c in complaints if c["resolved"])
    html = document_html(document, language="en")
    for volume in volumes:
        assert volume["source"] in html


def test_training_data_summary_holds_what_seed_001_asks(example: TransparencyInput) -> None:
    content = build_document("training-data", example).to_json()["content"]
    assert [s["name"] for s in content["sources"]] == [
        "loan-history-2021-2025",
        "credit-bureau-extract",
    ]
    assert content["collection_period"] == {"start": "2021-01-01", "end": "2025-12-31"}
    assert content["volume"]["records"] == 2_000_000
    assert content["languages"] == ["zh-Hans"]
    assert content["representativeness"][0]["under_represented"] == ["age_band=60+"]
    assert content["personal_information"]["datasets"][0]["entities"]["cn_mobile"] == 1_180_000
    assert len(content["known_gaps"]) == 2


def test_representativeness_comes_from_a_fairness_audit(example: TransparencyInput) -> None:
    import dataclasses

    import pandas as pd

    from tianping.fairness import audit

    frame = pd.DataFrame({"sex": ["F"] * 20 + ["M"] * 60, "y": [1, 0] * 40, "p": [1, 0] * 40})
    result = audit(
        frame,
        protected="sex",
        label="y",
        prediction="p",
        population={"sex": {"F": 0.5, "M": 0.5}},
        replicates=0,
    )
    checks = representativeness_from_audit(result)
    assert checks[0].under_represented == ("sex=F",)
    inputs = dataclasses.replace(example, representativeness=checks)
    content = build_document("model-card", inputs).to_json()["content"]
    assert content["representativeness"][0]["groups"][0]["observed_share"] == 0.25
    card = content["cyclonedx_model_card"]
    assert card["considerations"]["fairnessAssessments"][0]["groupAtRisk"] == "sex=F"


# -- completeness ---------------------------------------------------------------------------


MINIMAL = {"version": "1", "as_of": "2026-06-30", "system": {"name": "客服机器人"}}


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_a_bare_input_is_incomplete_for_every_kind(kind: str) -> None:
    result = completeness(kind, read_input(MINIMAL))
    assert not result.complete
    assert result.filled + len(result.missing) == len(result.required)
    data = result.to_json()
    assert data["complete"] is False and data["missing"]
    for missing in data["missing"]:
        LocalizedText.from_json(missing["label"])  # named in both languages


def test_completeness_names_the_field_left_empty(example_data: dict[str, Any]) -> None:
    data = copy.deepcopy(example_data)
    del data["owner"]["legal_basis"]
    data["system"]["opt_out"] = None
    inputs = read_input(data)
    assert [m.path for m in completeness("training-data", inputs).missing] == ["legal_basis"]
    notice = build_document("user-notice", inputs)
    assert [m.path for m in notice.completeness.missing] == ["opt_out"]
    assert notice.to_json()["completeness"]["missing"][0]["label"]["en"] == "how to opt out"
    assert completeness("model-card", inputs).complete


def test_unknown_kind_is_refused_with_the_choices() -> None:
    with pytest.raises(TransparencyError) as caught:
        completeness("model_card", read_input(MINIMAL))
    assert "model-card" in caught.value.message and caught.value.hint


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"system": {"name": "x", "colour": "red"}}, "system has unknown keys: colour"),
        ({"as_of": "30/06/2026"}, "as_of must be an ISO date"),
        ({"system": {"name": "x", "approach": "magic"}}, "system.approach"),
        ({"decision_volumes": [{"start": "2026-01-01", "end": "2026-01-31", "count": -1,
                                "source": "l"}]}, "decision_volumes[0].count"),
        ({"period": {"start": "2026-07-01", "end": "2026-01-01"}}, "period starts after it ends"),
        ({"system": {"name": {"zh-Hans": "客服", "en": "Bot"}}}, "system.name must be a text"),
        ({"system": None}, "system must be a mapping"),
        ({"data_sources": [{"name": "d", "records": 10**30}]}, "from 0 to 2^53−1"),
        ({"alerts": [{"id": "a", "at": "2026-02-30", "kind": "drift"}]}, "alerts[0].at"),
        ({"owner": {"known_gaps": [{"zh-Hans": "缺口"}]}}, "owner.known_gaps[0] must be a text"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_key(change: dict[str, Any], words: str) -> None:
    with pytest.raises(TransparencyError) as caught:
        read_input({**MINIMAL, **change})
    assert words in caught.value.message
    assert "docs/transparency.md" in (caught.value.hint or "")
    assert (caught.value.in_language("zh-Hans").hint or "").startswith("输入格式")


# -- escaping -------------------------------------------------------------------------------

SCRIPT = "<script>alert('天平')</script>"


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_user_text_is_escaped_in_every_document(example_data: dict[str, Any], kind: str) -> None:
    data = copy.deepcopy(example_data)
    data["system"]["name"] = SCRIPT
    data["system"]["limitations"].append(SCRIPT)
    data["owner"]["known_gaps"].append(SCRIPT)
    data["playbook"]["takeover_thresholds"].append(SCRIPT)
    data["alerts"][0]["summary"] = SCRIPT
    document = build_document(kind, read_input(data))
    html = document_html(document, language="both")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_embeddable_notice_is_escaped_and_has_no_script_or_style(
    example_data: dict[str, Any],
) -> None:
    data = copy.deepcopy(example_data)
    data["system"]["name"] = SCRIPT
    data["system"]["opt_out"] = '<img src=x onerror="alert(1)">'
    document = build_document("user-notice", read_input(data))
    for language in ("zh-Hans", "en", "both"):
        fragment = user_notice_fragment(document, language=language)
        assert fragment.startswith('<section class="tianping-ai-notice"')
        lowered = fragment.lower()
        assert "<script" not in lowered and "<style" not in lowered and "<img" not in lowered
        assert "&lt;script&gt;" in fragment and "&lt;img" in fragment
        assert "<html" not in lowered  # a fragment, to embed in a page


def test_plain_text_notice_in_each_language(example: TransparencyInput) -> None:
    document = build_document("user-notice", example)
    zh = user_notice_text(document, language="zh-Hans")
    en = user_notice_text(document, language="en")
    both = user_notice_text(document, language="both")
    assert zh.startswith("人工智能使用告知") and "如何退出人工智能模式" in zh
    assert "致电 95500 或前往任一网点" in zh and "Call 95500" not in zh
    assert en.startswith("About the AI in this service") and "How to reach a person" in en
    assert both == zh + "\n" + en
    assert "<" not in en
