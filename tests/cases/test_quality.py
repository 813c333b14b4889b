"""Search quality on the labelled query set: precision@5 and recall@10 ≥ 0.8 per language.

Relevance comes from the case data (see the header of ``queries.yaml``): a rule over the coded
fields, or the named cases of a topic about one organisation or product. Precision@5 is the
relevant cases among the first five over min(5, number relevant), so a topic with two relevant
cases can reach 1; recall@10 is the relevant cases among the first ten over all relevant.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.helpers import QUERIES, shipped_index
from tianping import yamlsafe
from tianping.cases import Case, load_cases

TOPICS: list[dict[str, Any]] = yamlsafe.load(QUERIES.read_text(encoding="utf-8"))["topics"]


def relevant(topic: dict[str, Any], cases: tuple[Case, ...]) -> set[str]:
    if "ids" in topic:
        return set(topic["ids"])
    found = set()
    for case in cases:
        ok = True
        for field, values in topic["rule"].items():
            value = getattr(case, field)
            ok &= bool(set(value) & set(values)) if isinstance(value, tuple) else value in values
        if ok:
            found.add(case.id)
    return found


def test_the_query_set_is_large_enough_and_every_topic_has_relevant_cases() -> None:
    cases = load_cases()
    ids = {case.id for case in cases}
    assert len(TOPICS) >= 30
    for topic in TOPICS:
        assert topic["en"].strip() and topic["zh"].strip()
        found = relevant(topic, cases)
        assert found and found <= ids, topic


@pytest.mark.parametrize(("key", "language"), [("en", "en"), ("zh", "zh-Hans")])
def test_precision_at_5_and_recall_at_10_reach_0_8(key: str, language: str) -> None:
    index = shipped_index()
    cases = load_cases()
    precision = recall = 0.0
    for topic in TOPICS:
        wanted = relevant(topic, cases)
        ranked = [hit.case.id for hit in index.search(topic[key], language=language).hits]
        assert len(ranked) <= 10
        precision += len(wanted & set(ranked[:5])) / min(5, len(wanted))
        recall += len(wanted & set(ranked[:10])) / len(wanted)
    assert precision / len(TOPICS) >= 0.8
    assert recall / len(TOPICS) >= 0.8
