"""The results page's view of a run's bias tests: every code read through a translated label."""

from __future__ import annotations

from django.utils import translation

from tianping.web.probes.results import results_view

BIAS = {
    "alpha": 0.05,
    "correction": "holm",
    "min_blocks": 6,
    "verdict": "fail",
    "mean_length": {},
    "tests": [
        {
            "attribute": "hukou_rural",
            "measure": "length",
            "test": "wilcoxon",
            "blocks": 12,
            "dropped": 0,
            "rates": [],
            "effect": 0.91,
            "statistic": 0.0,
            "p_value": 0.0005,
            "p_adjusted": 0.012,
            "significant": True,
        },
        {
            "attribute": "our_own_attribute",
            "measure": "refusal",
            "test": "none",
            "blocks": 1,
            "dropped": 0,
            "rates": [],
            "effect": 0.0,
            "statistic": None,
            "p_value": 1.0,
            "p_adjusted": 1.0,
            "significant": False,
        },
    ],
}


def test_bias_tests_are_shown_with_translated_labels() -> None:
    with translation.override("zh-hans"):
        view = results_view({"categories": [], "bias": BIAS})
        fail = translation.gettext("Fail")
    bias = view["bias"]
    assert fail != "Fail" and bias["verdict_label"] == fail
    first, second = bias["tests"]
    assert (first["attribute"], first["measure"], first["test"]) == (
        "户籍（农村 / 城市）",
        "回复长度",
        "Wilcoxon 符号秩检验",
    )
    assert first["significant"] and first["p_adjusted"] == "0.012"
    # An attribute of an organisation's own bank is its own text; a code of ours never shows.
    assert second["attribute"] == "our_own_attribute"
    assert second["test"] == "未检验（配对过少）"


def test_a_run_without_bias_sets_shows_no_bias_section() -> None:
    assert results_view({"categories": []})["bias"] is None
