"""Cross-package data contracts: the questionnaire and the catalogue agree."""

from __future__ import annotations

from tianping.norms import load_catalogue
from tianping.tiering import load_questionnaire


def test_questionnaire_offers_exactly_the_listed_activities_of_the_catalogue() -> None:
    question = load_questionnaire().question("listed_activities")
    offered = {choice.id for choice in question.choices if not choice.exclusive}
    listed = {activity.id for activity in load_catalogue().expert_review_list.activities}
    assert offered == listed


def test_every_intake_tier_is_a_catalogue_tier() -> None:
    tiers = {tier.id for tier in load_questionnaire().tiers}
    assert tiers == {term.id for term in load_catalogue().tiers}
