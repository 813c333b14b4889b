"""A tier result as a frame and HTML: one row per reason, then one per obligation."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tianping.tiering import read_answers, score_intake

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "intake"


def test_the_frame_lists_reasons_then_obligations() -> None:
    answers = read_answers((EXAMPLES / "credit_scoring.yaml").read_bytes())
    result = score_intake(answers)
    frame = result.to_frame(language="en")
    reasons, obligations = len(result.reasons), len(result.obligations)
    assert len(frame) == reasons + obligations
    assert frame["kind"].tolist() == [r.kind for r in result.reasons] + ["obligation"] * obligations
    assert frame["id"].tolist() == [r.question for r in result.reasons] + [
        o.id for o in result.obligations
    ]
    points = frame[frame["kind"] == "points"]["points"].sum()
    assert points == sum(r.points or 0 for r in result.reasons)
    assert frame["floor"].dropna().tolist() == [r.floor for r in result.reasons if r.floor]
    chinese = result.to_frame(language="zh-Hans", backend="polars")
    assert isinstance(chinese, pl.DataFrame)
    assert chinese["text"].to_list()[-1] == result.obligations[-1].text.zh


def test_the_html_shows_the_tier_and_the_score_against_the_bands() -> None:
    result = score_intake(read_answers((EXAMPLES / "credit_scoring.yaml").read_bytes()))
    html = result.to_html(language="en")
    assert "Risk tier: high risk" in html
    assert html.count('class="threshold"') == 2 and html.count('class="bar"') == 3
    assert result._repr_html_().startswith('<div class="tianping-result">')
