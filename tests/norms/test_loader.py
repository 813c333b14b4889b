"""The shipped catalogue: its content, its look-ups and its filters."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from contextlib import redirect_stdout
from typing import Any

import pytest

from tianping.norms import (
    DATA_DIR,
    EVIDENCE_TYPES,
    STAGES,
    TIERS,
    Catalogue,
    NotInCatalogueError,
    check_catalogue,
    load_catalogue,
)
from tianping.norms import _errors as msg
from tianping.norms.validate import main as validate_main
from tianping.text import LocalizedText

# The official Chinese text of each article: its opening and the first 16 hex
# digits of the SHA-256 of the full text (lines joined with "\n"), taken from
# the project's source copy of the Ethical Norms (2021-09-25).
OFFICIAL_TEXT = [
    (1, "本规范旨在将伦理道德", "f8216bb0be469942"),
    (2, "本规范适用于从事人工", "8a60771020fd182c"),
    (3, "人工智能各类活动应遵", "e8b4111e54b44310"),
    (4, "人工智能特定活动应遵", "984ad5e58ff37b34"),
    (5, "推动敏捷治理。尊重人", "b3b2be103929e17e"),
    (6, "积极实践示范。遵守人", "480ee1c888b6b98f"),
    (7, "正确行权用权。明确人", "25061bc12d72f5a9"),
    (8, "加强风险防范。增强底", "64cb208157122780"),
    (9, "促进包容开放。充分重", "e18b9ed5bed720e7"),
    (10, "强化自律意识。加强人", "16b0ef1fc0a53bdd"),
    (11, "提升数据质量。在数据", "1deecc083f303389"),
    (12, "增强安全透明。在算法", "8f721418a5e3fc85"),
    (13, "避免偏见歧视。在数据", "3e63c60033cd013d"),
    (14, "尊重市场规则。严格遵", "a3388512498db6b2"),
    (15, "加强质量管控。强化人", "41e81596b507c201"),
    (16, "保障用户权益。在产品", "91f32a93cbbf5d08"),
    (17, "强化应急保障。研究制", "574c6bfacbc36e90"),
    (18, "提倡善意使用。加强人", "1520b233c79a0a16"),
    (19, "避免误用滥用。充分了", "ac041c2f9fc449cf"),
    (20, "禁止违规恶用。禁止使", "53203d01628f8191"),
    (21, "及时主动反馈。积极参", "0d5323f6f8f0f716"),
    (22, "提高使用能力。积极学", "752982251daf7efc"),
    (23, "本规范由国家新一代人", "d7c07da907d60b87"),
    (24, "各级管理部门、企业、", "a8b42f926a15fe53"),
    (25, "本规范自公布之日起施", "18517dc60e821be2"),
]

ARTICLE_13 = (
    "避免偏见歧视。在数据采集和算法开发中，加强伦理审查，充分考虑差异化诉求，"
    "避免可能存在的数据与算法偏见，努力实现人工智能系统的普惠性、公平性和非歧视性。"
)

# Sentences of a third party's English translation; our English must not reuse them.
THIRD_PARTY_TRANSLATION = [
    "These norms aim to integrate ethical principles into the entire lifecycle",
    "Adhere to a people-centered approach, follow shared human values",
    "Enhance bottom-line thinking and risk awareness",
    "Strengthen ethical review in data collection and algorithm development",
    "Clearly inform users when AI is used in products and services",
    "Develop emergency mechanisms and compensation plans",
    "master operational, maintenance, and emergency handling skills",
]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


# -- the shipped data ---------------------------------------------------------------
def test_the_shipped_catalogue_has_no_problems() -> None:
    assert check_catalogue() == []


def test_the_shipped_catalogue_is_edition_2026_1(catalogue: Catalogue) -> None:
    assert catalogue.version == "2026.1"
    assert catalogue.confidence == "V"
    assert catalogue.source.issued is not None
    assert catalogue.source.issued.isoformat() == "2021-09-25"


def test_the_default_catalogue_is_loaded_once_and_cached() -> None:
    assert load_catalogue() is load_catalogue()
    assert load_catalogue(DATA_DIR) is load_catalogue()


def test_there_are_six_principles_in_the_order_of_article_3(catalogue: Catalogue) -> None:
    assert [(p.number, p.id, p.clause) for p in catalogue.principles] == [
        (1, "well_being", 1),
        (2, "fairness", 2),
        (3, "privacy_security", 3),
        (4, "controllability", 4),
        (5, "accountability", 5),
        (6, "ethical_literacy", 6),
    ]
    assert all(p.article == 3 for p in catalogue.principles)
    assert catalogue.principle("fairness").name.zh == "促进公平公正"


def test_there_are_six_chapters_with_their_article_ranges(catalogue: Catalogue) -> None:
    assert [
        (c.title.zh, c.first_article, c.last_article, c.category) for c in catalogue.chapters
    ] == [
        ("总则", 1, 4, None),
        ("管理规范", 5, 9, "management"),
        ("研发规范", 10, 13, "research"),
        ("供应规范", 14, 17, "supply"),
        ("使用规范", 18, 22, "use"),
        ("组织实施", 23, 25, None),
    ]
    assert catalogue.chapter(2).label("zh-Hans") == "第二章"
    assert catalogue.chapter(6).label("en") == "Chapter VI"


def test_the_four_activity_categories_cover_articles_5_to_22(catalogue: Catalogue) -> None:
    assert [(c.id, c.first_article, c.last_article) for c in catalogue.categories] == [
        ("management", 5, 9),
        ("research", 10, 13),
        ("supply", 14, 17),
        ("use", 18, 22),
    ]
    assert catalogue.category("research").name.zh == "研发活动"
    assert [a.number for a in catalogue.articles_in("supply")] == [14, 15, 16, 17]


def test_all_25_articles_are_present_in_order(catalogue: Catalogue) -> None:
    assert [article.number for article in catalogue.articles] == list(range(1, 26))


FULL_TO_HALF = str.maketrans("，（）：；", ",():;")
HALF_TO_FULL = str.maketrans(",():;", "，（）：；")


@pytest.mark.parametrize(("number", "opening", "digest"), OFFICIAL_TEXT)
def test_each_article_carries_the_official_chinese_text(
    catalogue: Catalogue, number: int, opening: str, digest: str
) -> None:
    text = catalogue.article(number).text.zh
    # The digests were taken from the project's source copy, which prints the
    # official full-width punctuation half-width; fold it back to compare.
    source_form = text.translate(FULL_TO_HALF)
    assert text.startswith(opening.translate(HALF_TO_FULL))
    assert hashlib.sha256(source_form.encode("utf-8")).hexdigest()[:16] == digest
    assert not set(text) & set(",():;"), "Chinese text uses full-width punctuation"


def test_article_13_reads_word_for_word_as_the_official_text(catalogue: Catalogue) -> None:
    article = catalogue.article(13)
    assert article.text.zh == ARTICLE_13
    assert "避免偏见歧视" in article.text.zh
    assert article.title.zh == "避免偏见歧视"
    assert article.label("zh-Hans") == "第十三条"


def test_articles_with_a_heading_take_it_as_their_chinese_title(catalogue: Catalogue) -> None:
    headed = [article for article in catalogue.articles if article.official_title]
    assert [article.number for article in headed] == list(range(5, 23))
    for article in headed:
        assert len(article.title.zh) == 6
        assert article.text.zh.startswith(article.title.zh + "。")


def test_articles_2_and_3_include_their_numbered_clauses(catalogue: Catalogue) -> None:
    article_2 = catalogue.article(2).text.zh
    article_3 = catalogue.article(3).text.zh
    assert catalogue.article(2).clauses == 4
    assert catalogue.article(3).clauses == 6
    for label in ("（一）", "（二）", "（三）", "（四）"):
        assert label in article_2
    for label, name in [
        ("（一）", "增进人类福祉"),
        ("（二）", "促进公平公正"),
        ("（三）", "保护隐私安全"),
        ("（四）", "确保可控可信"),
        ("（五）", "强化责任担当"),
        ("（六）", "提升伦理素养"),
    ]:
        assert label + name in article_3
    assert catalogue.article(3).text.en.count("\n(") == 6


def test_chapter_one_and_six_articles_have_no_activity_category(catalogue: Catalogue) -> None:
    for number in (1, 2, 3, 4, 23, 24, 25):
        assert catalogue.article(number).category is None
    assert catalogue.article(13).category == "research"


@pytest.mark.parametrize("sentence", THIRD_PARTY_TRANSLATION)
def test_the_english_texts_are_our_own_words(catalogue: Catalogue, sentence: str) -> None:
    for article in catalogue.articles:
        assert sentence.lower() not in article.text.en.lower()


def test_there_are_at_least_70_requirement_items(catalogue: Catalogue) -> None:
    assert len(catalogue.items) >= 70


def test_every_article_from_3_to_22_has_at_least_one_item(catalogue: Catalogue) -> None:
    for number in range(3, 23):
        assert catalogue.items_for_article(number), f"article {number} has no item"


def test_articles_without_norms_to_check_have_no_items(catalogue: Catalogue) -> None:
    for number in (1, 2, 23, 24, 25):
        assert catalogue.items_for_article(number) == []


def test_each_clause_of_article_3_has_several_items(catalogue: Catalogue) -> None:
    for principle in catalogue.principles:
        items = [item for item in catalogue.items_for_article(3) if item.clause == principle.clause]
        assert len(items) >= 3
        assert all(principle.id in item.principles for item in items)


@pytest.mark.parametrize("number", [11, 12, 13, 16, 17])
def test_the_data_transparency_bias_user_and_emergency_articles_have_several_items(
    catalogue: Catalogue, number: int
) -> None:
    assert len(catalogue.items_for_article(number)) >= 4


def test_item_ids_are_unique_and_name_their_article(catalogue: Catalogue) -> None:
    ids = [item.id for item in catalogue.items]
    assert len(ids) == len(set(ids))
    for item in catalogue.items:
        assert item.id == f"REQ-{item.article:02d}-{item.id[-2:]}"


def test_items_of_an_activity_chapter_share_its_category(catalogue: Catalogue) -> None:
    for item in catalogue.items:
        article = catalogue.article(item.article)
        if article.category is not None:
            assert item.category == article.category


def test_every_item_uses_known_vocabulary(catalogue: Catalogue) -> None:
    principle_ids = {principle.id for principle in catalogue.principles}
    for item in catalogue.items:
        assert item.stage in STAGES
        assert item.evidence in EVIDENCE_TYPES
        assert set(item.tiers) <= set(TIERS)
        assert item.principles and set(item.principles) <= principle_ids
        assert isinstance(item.question, LocalizedText)
        assert item.question.zh.endswith("？") and item.question.en.endswith("?")


def test_every_lifecycle_stage_and_evidence_type_is_used(catalogue: Catalogue) -> None:
    assert {item.stage for item in catalogue.items} == set(STAGES)
    assert {item.evidence for item in catalogue.items} == set(EVIDENCE_TYPES)


def test_low_tier_items_are_a_fast_track_subset_of_the_higher_tiers(catalogue: Catalogue) -> None:
    low = {item.id for item in catalogue.requirements(tier="low")}
    medium = {item.id for item in catalogue.requirements(tier="medium")}
    high = {item.id for item in catalogue.requirements(tier="high")}
    assert low < medium < high
    assert high == {item.id for item in catalogue.items}
    assert 15 <= len(low) <= len(catalogue.items) // 2


def test_vocabulary_terms_have_bilingual_names(catalogue: Catalogue) -> None:
    assert catalogue.stage("retire").name.zh == "退役"
    assert catalogue.evidence_type("test_result").name.en == "Test result"
    assert catalogue.tier("low").name.zh == "低风险"


# -- crosswalks and the expert re-review list ------------------------------------
@pytest.mark.parametrize(
    ("framework", "targets"),
    [
        (
            "governance_code_2026",
            [
                "algorithmic_safety",
                "data_ethics",
                "privacy_protection",
                "bias_mitigation",
                "explainable_ai",
            ],
        ),
        ("export_review_2026", ["algorithmic_bias", "data_privacy", "system_controllability"]),
        ("pipl", ["art_24", "art_28", "art_55", "art_56"]),
        (
            "ethics_review_measures_2023",
            [
                "social_value",
                "risk_benefit",
                "data_provenance_consent",
                "bias_discrimination",
                "controllability_emergency",
                "transparency_explainability",
                "accountability",
                "qualifications",
            ],
        ),
    ],
)
def test_each_framework_is_cross_walked_target_by_target(
    catalogue: Catalogue, framework: str, targets: list[str]
) -> None:
    mapping = catalogue.crosswalk(framework)
    assert list(mapping) == targets
    assert all(mapping[target] for target in targets), "every target has at least one item"
    for target, item_ids in mapping.items():
        for item_id in item_ids:
            assert target in catalogue.requirement(item_id).targets(framework)


def test_frameworks_carry_their_source_and_confidence(catalogue: Catalogue) -> None:
    export = catalogue.framework("export_review_2026")
    assert export.effective_from.isoformat() == "2026-07-01"
    assert export.confidence == "S"
    assert catalogue.framework("pipl").confidence == "V"
    assert export.target("data_privacy").name.zh == "数据隐私保护"


def test_the_bias_item_maps_to_the_bias_targets_of_every_framework(catalogue: Catalogue) -> None:
    item = catalogue.requirement("REQ-13-01")
    assert "bias_mitigation" in item.targets("governance_code_2026")
    assert "algorithmic_bias" in item.targets("export_review_2026")
    assert "bias_discrimination" in item.targets("ethics_review_measures_2023")
    assert item.targets("pipl") == ()


def test_the_expert_review_list_holds_the_three_ai_activities(catalogue: Catalogue) -> None:
    listed = catalogue.expert_review_list
    assert listed.activity_ids == (
        "human_machine_integration",
        "public_opinion_mobilisation",
        "autonomous_decision_safety",
    )
    assert "public_opinion_mobilisation" in listed
    assert listed.version == "2023.1"
    assert listed.effective_from.isoformat() == "2023-12-01"
    assert listed.history[-1].version == listed.version
    assert listed.activity("human_machine_integration").name.zh == "人机融合系统"


def test_an_unlisted_activity_is_not_found(catalogue: Catalogue) -> None:
    with pytest.raises(NotInCatalogueError):
        catalogue.expert_review_list.activity("facial_recognition")


# -- look-ups ------------------------------------------------------------------------
def test_an_unknown_article_raises_a_clear_error(catalogue: Catalogue) -> None:
    with pytest.raises(NotInCatalogueError) as caught:
        catalogue.article(26)
    assert caught.value.message == msg.UNKNOWN_ARTICLE.format(number=26, first=1, last=25)
    assert caught.value.hint == msg.UNKNOWN_ARTICLE_HINT
    assert isinstance(caught.value, LookupError)


@pytest.mark.parametrize(
    "lookup",
    [
        lambda c: c.principle("kindness"),
        lambda c: c.category("research_and_development"),
        lambda c: c.framework("gdpr"),
        lambda c: c.requirement("REQ-99-01"),
        lambda c: c.stage("deploy"),
        lambda c: c.tier("critical"),
        lambda c: c.chapter(7),
    ],
)
def test_unknown_entries_raise_not_in_catalogue_error(
    catalogue: Catalogue, lookup: Callable[[Catalogue], object]
) -> None:
    with pytest.raises(NotInCatalogueError):
        lookup(catalogue)


# -- filters and search ------------------------------------------------------------
def test_without_filters_requirements_returns_every_item_in_order(catalogue: Catalogue) -> None:
    assert catalogue.requirements() == list(catalogue.items)


def test_items_can_be_filtered_by_article(catalogue: Catalogue) -> None:
    assert [item.id for item in catalogue.requirements(article=18)] == ["REQ-18-01", "REQ-18-02"]
    assert catalogue.requirements(article=18) == catalogue.items_for_article(18)


def test_items_can_be_filtered_by_principle(catalogue: Catalogue) -> None:
    items = catalogue.requirements(principle="ethical_literacy")
    assert items
    assert all("ethical_literacy" in item.principles for item in items)


def test_items_can_be_filtered_by_stage_category_and_tier_together(catalogue: Catalogue) -> None:
    items = catalogue.requirements(stage="operate", category="supply", tier="low")
    assert [item.id for item in items] == ["REQ-03-13", "REQ-17-05"]


def test_search_finds_chinese_text_without_tokenising(catalogue: Catalogue) -> None:
    assert [item.id for item in catalogue.requirements(text="代表性")] == ["REQ-13-01"]
    assert "REQ-03-09" in [item.id for item in catalogue.requirements(text="单独同意")]


def test_search_matches_the_article_title_too(catalogue: Catalogue) -> None:
    items = catalogue.requirements(text="偏见歧视")
    assert {item.id for item in catalogue.items_for_article(13)} <= {item.id for item in items}


def test_search_in_english_ignores_case(catalogue: Catalogue) -> None:
    lower = catalogue.requirements(text="kill switch")
    assert [item.id for item in catalogue.requirements(text="REPRESENTATIVENESS")] == ["REQ-13-01"]
    assert lower == catalogue.requirements(text="KILL SWITCH")


def test_search_treats_full_width_and_half_width_alike(catalogue: Catalogue) -> None:
    assert catalogue.requirements(text="ＡＩ") == catalogue.requirements(text="ai")


def test_search_combines_with_other_filters(catalogue: Catalogue) -> None:
    items = catalogue.requirements(text="consent", tier="low")
    assert [item.id for item in items] == ["REQ-03-09"]


def test_a_search_that_matches_nothing_returns_an_empty_list(catalogue: Catalogue) -> None:
    assert catalogue.requirements(text="量子纠缠") == []


@pytest.mark.parametrize(
    "filters",
    [
        {"article": 30},
        {"principle": "kindness"},
        {"stage": "deploy"},
        {"category": "sales"},
        {"tier": "critical"},
    ],
)
def test_a_filter_with_an_unknown_value_fails_rather_than_matching_nothing(
    catalogue: Catalogue, filters: dict[str, Any]
) -> None:
    with pytest.raises(NotInCatalogueError):
        catalogue.requirements(**filters)


# -- JSON ----------------------------------------------------------------------------
def test_the_whole_catalogue_serialises_to_json(catalogue: Catalogue) -> None:
    data = json.loads(json.dumps(catalogue.to_json(), ensure_ascii=False))
    assert data["version"] == "2026.1"
    assert len(data["articles"]) == 25
    assert data["articles"][12]["text"]["zh-Hans"] == ARTICLE_13
    assert data["items"][0]["question"]["en"]
    assert data["expert_review_list"]["activities"][0]["id"] == "human_machine_integration"


def test_each_entry_serialises_its_bilingual_texts(catalogue: Catalogue) -> None:
    item = catalogue.requirement("REQ-13-01").to_json()
    assert item["tiers"] == ["low", "medium", "high"]
    assert set(item["question"]) == {"zh-Hans", "en"}
    assert catalogue.principle("privacy_security").to_json()["name"]["zh-Hans"] == "保护隐私安全"
    assert catalogue.framework("pipl").to_json()["effective_from"] == "2021-11-01"


# -- the validate module -------------------------------------------------------------
def test_validate_reports_the_shipped_catalogue_as_valid() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        status = validate_main([])
    assert status == 0
    assert "valid" in out.getvalue()
    assert "requirement items" in out.getvalue()
