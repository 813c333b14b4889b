"""An audit as frames and HTML: group metrics agree with fairlearn's MetricFrame.by_group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score

from tianping.fairness import FairnessError, audit
from tianping.notebook import BAD_BACKEND

from .conftest import decisions

SCRIPT = "<script>alert(1)</script>"
METRICS = {
    "count": count,
    "selection_rate": selection_rate,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "accuracy": accuracy_score,
    "precision": lambda y, p, **kw: precision_score(y, p, zero_division=np.nan, **kw),
}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return decisions(3000, seed=11)


def _by_group(df: pd.DataFrame, features: list[str], weights: str | None = None) -> pd.DataFrame:
    frame = MetricFrame(
        metrics=METRICS,
        y_true=df["y"],
        y_pred=df["yhat"],
        sensitive_features=df[features],
        sample_params=None
        if weights is None
        else {name: {"sample_weight": df[weights]} for name in METRICS if name != "count"},
    )
    return frame.by_group


@pytest.mark.parametrize(
    ("protected", "over"),
    [(["sex", "race"], None), (["sex", "race"], "race"), (["race"], None)],
)
def test_group_metrics_are_fairlearns_by_group(
    data: pd.DataFrame, protected: list[str], over: str | None
) -> None:
    result = audit(data, protected=protected, label="y", prediction="yhat", replicates=0)
    ours = result.to_frame(over)
    features = protected if over is None else [over]
    expected = _by_group(data, features)
    assert isinstance(ours, pd.DataFrame)
    ours = ours.set_index(features).sort_index()
    expected = expected.sort_index()
    assert list(ours.index) == list(expected.index)
    assert ours["count"].tolist() == expected["count"].astype(int).tolist()
    for name in ("selection_rate", "tpr", "fpr", "accuracy", "precision"):
        np.testing.assert_allclose(ours[name], expected[name].astype(float), atol=1e-12)


def test_weighted_group_metrics_are_fairlearns_with_sample_weights(data: pd.DataFrame) -> None:
    result = audit(data, protected="race", label="y", prediction="yhat", weights="w", replicates=0)
    ours = result.to_frame().set_index("race").sort_index()
    expected = _by_group(data, ["race"], weights="w").sort_index()
    np.testing.assert_allclose(ours["weight"], data.groupby("race")["w"].sum().sort_index())
    for name in ("selection_rate", "tpr", "fpr", "accuracy"):
        np.testing.assert_allclose(ours[name], expected[name].astype(float), atol=1e-12)


def test_disparities_are_fairlearns(data: pd.DataFrame) -> None:
    result = audit(data, protected=["sex", "race"], label="y", prediction="yhat", replicates=50)
    frame = result.disparity_frame().set_index(["metric", "attributes"])
    for function, metric in (
        (demographic_parity_difference, "demographic_parity_difference"),
        (equalized_odds_difference, "equalized_odds_difference"),
    ):
        for features, over in (("race", "race"), (["sex", "race"], "sex × race")):
            expected = function(data["y"], data["yhat"], sensitive_features=data[features])
            assert frame.loc[(metric, over), "value"] == pytest.approx(expected, abs=1e-12)
    judged = frame[frame["verdict"].notna()]
    assert (judged["ci_low"] <= judged["value"] + 1e-12).all()
    assert (judged["value"] <= judged["ci_high"] + 1e-12).all()


def test_intervals_and_everyone(data: pd.DataFrame) -> None:
    result = audit(data, protected="sex", label="y", prediction="yhat", replicates=0)
    frame = result.to_frame(intervals=True)
    assert (frame["tpr_low"] <= frame["tpr"]).all() and (frame["tpr"] <= frame["tpr_high"]).all()
    everyone = result.to_frame([])
    assert len(everyone) == 1 and int(everyone["count"].iloc[0]) == len(data)
    assert everyone["selection_rate"].iloc[0] == pytest.approx(data["yhat"].mean())
    with pytest.raises(FairnessError):
        result.to_frame("region")


def test_the_frame_is_of_the_audited_kind_or_the_one_asked_for(data: pd.DataFrame) -> None:
    result = audit(
        pl.from_pandas(data), protected="sex", label="y", prediction="yhat", replicates=0
    )
    assert isinstance(result.to_frame(), pl.DataFrame)
    assert isinstance(result.disparity_frame(), pl.DataFrame)
    assert isinstance(result.to_frame(backend="pyarrow"), pa.Table)
    assert isinstance(result.to_frame(backend="pandas"), pd.DataFrame)
    arrow = audit(pa.Table.from_pandas(data), protected="sex", label="y", prediction="yhat")
    assert isinstance(arrow.to_frame(), pa.Table)
    with pytest.raises(ValueError) as caught:
        result.to_frame(backend="spark")
    assert str(caught.value) == BAD_BACKEND.format(known="pandas, polars, pyarrow", backend="spark")


def test_the_html_has_the_charts_and_escapes_group_names(data: pd.DataFrame) -> None:
    df = data.assign(sex=data["sex"].replace({"F": SCRIPT}))
    df = df.rename(columns={"race": "<b>race</b>"})
    result = audit(df, protected=["sex", "<b>race</b>"], label="y", prediction="yhat")
    html = result._repr_html_()
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;race&lt;/b&gt;" in html
    assert html.count("<svg") >= 2 and 'class="threshold"' in html
    assert "Fairness audit" in result.to_html(language="en")
