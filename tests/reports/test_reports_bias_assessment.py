"""The bias assessment report and its charts: both languages, escaped data, Chinese in the PDF."""

from __future__ import annotations

import doctest
import importlib
import io
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from tianping.charts import BAD_DOMAIN, NO_BARS
from tianping.fairness import audit
from tianping.reports import (
    ChartBar,
    ChartLine,
    ReportError,
    bias_assessment_html,
    bias_assessment_pdf,
    disparity_charts,
    group_charts,
    interval_chart,
    nice_domain,
)
from tianping.reports._bias_assessment import NOT_AN_AUDIT

from .conftest import GENERATED_AT, SCRIPT

EVIDENCE = [
    {
        "id": "REQ-13-02",
        "question": {"zh-Hans": "是否按受保护属性计算了公平性指标？", "en": "Fairness metrics?"},
    }
]


@pytest.fixture(scope="module")
def audit_json() -> dict[str, Any]:
    """A failing audit over sex × region; one region is named like a script."""
    rng = np.random.default_rng(7)
    n = 1500
    sex = rng.choice(["F", "M"], n)
    frame = pd.DataFrame(
        {"sex": sex, "region": rng.choice(["华东", SCRIPT], n), "y": rng.random(n) < 0.5}
    )
    frame["yhat"] = rng.random(n) < np.where(sex == "F", 0.3, 0.5)
    result = audit(
        frame,
        protected=["sex", "region"],
        label="y",
        prediction="yhat",
        policy="export-review",
        replicates=100,
    )
    return result.to_json()


@pytest.mark.parametrize("language", ["zh-Hans", "en", "both"])
def test_the_report_holds_verdict_charts_explanations_and_groups(
    audit_json: dict[str, Any], language: str
) -> None:
    html = bias_assessment_html(
        system={"name": "智能信贷评分"},
        audit=audit_json,
        language=language,
        data={"name": "decisions.csv", "sha256": "ab" * 32},
        evidence=EVIDENCE,
        generated_at=GENERATED_AT,
    )
    if language != "en":
        for text in (
            "人工智能系统偏见评估报告",
            "总体结论",
            "不通过",
            "差别影响比率",
            "不证明系统公平",
        ):
            assert text in html
    if language != "zh-Hans":
        for text in ("AI system bias assessment", "Overall verdict", "disparate impact ratio"):
            assert text in html
    # One chart per judged disparity, one per grouping (sex × region, sex, region).
    assert html.count("<svg") == 6 + 3
    assert "REQ-13-02" in html and "ab" * 32 in html
    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_the_pdf_prints_chinese_text(audit_json: dict[str, Any]) -> None:
    pdf = bias_assessment_pdf(
        system={"name": "智能信贷评分"},
        audit=audit_json,
        language="zh-Hans",
        evidence=EVIDENCE,
        generated_at=GENERATED_AT,
    )
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    for expected in (
        "人工智能系统偏见评估报告",
        "智能信贷评分",
        "总体结论",
        "差别影响比率",
        "分组指标",
    ):
        assert expected in text
    assert text.count("不证明系统公平") == len(reader.pages)  # the footer of every page


def test_charts_follow_the_policy(audit_json: dict[str, Any]) -> None:
    charts = disparity_charts(audit_json, language="en")
    assert [c.key for c in charts] == [
        t["metric"] for t in audit_json["meta"]["policy"]["tolerances"]
    ]
    impact = next(c for c in charts if c.key == "disparate_impact")
    assert impact.title.en == "disparate impact ratio"
    assert impact.svg.count('class="bar"') == 3 and impact.svg.count('class="threshold"') == 2
    groups = group_charts(audit_json, language="zh-Hans", rate="tpr")
    assert [c.key for c in groups] == ["intersections", "sex", "region"]
    assert groups[1].title.zh == "真正例率（sex）"


def test_something_that_is_not_an_audit_is_refused() -> None:
    with pytest.raises(ReportError) as caught:
        bias_assessment_html(system={"name": "x"}, audit={"schema": "other"}, language="en")
    assert caught.value.message == NOT_AN_AUDIT.format(
        schema="tianping.fairness.audit/1", got="other"
    )
    with pytest.raises(ReportError):
        bias_assessment_html(
            system={}, audit={"schema": "tianping.fairness.audit/1"}, language="en"
        )


def test_an_interval_chart_draws_bars_whiskers_and_thresholds() -> None:
    svg = interval_chart(
        [
            ChartBar("F", 0.3, 0.25, 0.35, "fail"),
            ChartBar("M", 0.5, 0.45, 0.55, "pass"),
            ChartBar("(missing)", None, None, None, "muted"),
        ],
        title="选择率",
        lines=[ChartLine(0.8, "pass"), ChartLine(7.0, "warn")],
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 2 and svg.count('class="whisker"') == 2
    assert svg.count('class="threshold"') == 1  # 7.0 lies outside the axis
    assert "0.300" in svg and "—" in svg and 'aria-label="选择率"' in svg
    assert "F: 0.300 [0.250, 0.350]" in svg


def test_chart_labels_are_escaped_and_long_ones_shortened() -> None:
    svg = interval_chart([ChartBar(SCRIPT + "x" * 40, 0.2)], title=SCRIPT)
    assert SCRIPT not in svg and "&lt;script&gt;" in svg and "…" in svg


def test_a_chart_needs_bars_and_a_proper_axis() -> None:
    with pytest.raises(ValueError, match=NO_BARS):
        interval_chart([], title="t")
    with pytest.raises(ValueError) as caught:
        interval_chart([ChartBar("a", 1.0)], title="t", domain=(1.0, 1.0))
    assert str(caught.value) == BAD_DOMAIN.format(domain=(1.0, 1.0))


def test_the_axis_ends_on_a_round_number() -> None:
    assert nice_domain([0.03, None, float("nan")], at_least=0.01) == (0.0, 0.03)
    assert nice_domain([1.7]) == (0.0, 2.0)
    assert nice_domain([0.2]) == (0.0, 1.0)


@pytest.mark.parametrize(
    "name", ["tianping.charts", "tianping.fairness._charts", "tianping.reports._bias_assessment"]
)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
