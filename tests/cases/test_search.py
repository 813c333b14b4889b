"""Search: tokens, BM25 ranking, facets, filters and similar cases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.cases.helpers import shipped_index
from tianping.cases import SIMILAR_BOOSTS, CaseError, CaseIndex, load_cases, tokenize


def test_chinese_is_segmented_and_english_folded() -> None:
    tokens = tokenize("人脸识别的隐私泄露 Deepfakes and Companies")
    assert {"人脸", "识别", "人脸识别", "隐私", "泄露"} <= set(tokens)
    assert "的" not in tokens
    assert {"deepfake", "company"} <= set(tokens)
    assert "and" not in tokens


def test_a_query_finds_cases_in_its_language_best_first() -> None:
    index = shipped_index()
    result = index.search("人脸识别 隐私泄露", limit=5)
    assert result.language == "zh-Hans"
    assert [hit.score for hit in result.hits] == sorted(
        (h.score for h in result.hits), reverse=True
    )
    assert all(hit.case.risk_category == "privacy_leak" for hit in result.hits[:3])
    english = index.search("deepfake fraud", limit=3)
    assert english.language == "en"
    assert {hit.case.risk_category for hit in english.hits} == {"fraud_impersonation"}


def test_facets_count_all_matches_and_filters_narrow_them() -> None:
    index = shipped_index()
    everything = index.search("deepfake", limit=100)
    assert sum(everything.facets["risk_category"].values()) == everything.total
    assert len(everything.hits) == everything.total
    hong_kong = index.search("deepfake", filters={"region": "CN-HK"}, limit=100)
    assert hong_kong.total == everything.facets["region"]["CN-HK"]
    assert {hit.case.region for hit in hong_kong.hits} == {"CN-HK"}
    in_2024 = index.search("deepfake", filters={"year": "2024", "severity": "critical"})
    assert all(h.case.year == 2024 and h.case.severity == "critical" for h in in_2024.hits)
    assert index.search("deepfake", filters={"year": "1990"}).total == 0


def test_bm25_prefers_the_rarer_term_and_the_shorter_document() -> None:
    base = load_cases()[0]

    def case(n: int, title: str, summary: str) -> object:
        return dataclasses.replace(
            base, id=f"AIID-{n}", title=dataclasses.replace(base.title, en=title),
            summary=dataclasses.replace(base.summary, en=summary), date=dt.date(2020, 1, n),
        )  # fmt: skip

    cases = [
        case(1, "alpha", "common words here"),
        case(2, "beta", "common zebra"),
        case(3, "gamma", "common zebra and a great many other words that make it longer"),
    ]
    index = CaseIndex(cases)  # type: ignore[arg-type]
    hits = index.search("common zebra", language="en").hits
    assert [hit.case.id for hit in hits] == ["AIID-2", "AIID-3", "AIID-1"]


def test_similar_cases_add_the_documented_boosts() -> None:
    index = shipped_index()
    text = "A companion chatbot that talks with teenagers about their feelings every night"
    plain = {hit.case.id: hit for hit in index.similar(text, limit=100)}
    boosted = index.similar(text, risk_category="emotional_dependence", sector="consumer_services",
                            system_type="chatbot", limit=100)  # fmt: skip
    assert boosted[0].case.risk_category == "emotional_dependence"
    for hit in boosted:
        expected = plain[hit.case.id].text_score if hit.case.id in plain else 0.0
        expected += sum(SIMILAR_BOOSTS[field] for field in hit.matched)
        assert hit.score == pytest.approx(expected)
        assert set(hit.matched) == {
            field for field, value in (("risk_category", "emotional_dependence"),
                                       ("sector", "consumer_services"), ("system_type", "chatbot"))
            if getattr(hit.case, field) == value
        }  # fmt: skip
    assert max(hit.text_score for hit in boosted) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda i: i.search("的 了 ..."), "no searchable words"),
        (lambda i: i.search("x", filters={"colour": "red"}), "unknown facet colour"),
        (lambda i: i.search("x", filters={"sector": "mining"}), "facet sector has no value mining"),
        (lambda i: i.search("x", filters={"year": "20x4"}), "facet year has no value"),
        (lambda i: i.search("x" * 10_001), "at most 10000"),
        (lambda i: i.similar("chatbot", sector="mining"), "has no value mining"),
    ],
)
def test_bad_queries_are_refused_with_the_reason(call: object, message: str) -> None:
    with pytest.raises(CaseError, match=message):
        call(shipped_index())  # type: ignore[operator]
