"""A real public dataset: the Titanic passenger list (1309 rows) that scikit-learn ships.

No installed package ships a fairness dataset for offline use (fairlearn's
``fetch_adult`` downloads, and scikit-learn's bundled Adult sample is a 10-row
test fixture), but scikit-learn's OpenML test data holds the full Titanic list
(OpenML 40945): sex, age (263 missing), class, and whether each person survived.
A sex-blind logistic model of survival from class, fare and family aboard is
audited here, and every number is checked against fairlearn and scikit-learn.
"""

from __future__ import annotations

import gzip
import importlib.resources
import io
import math

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    equalized_odds_ratio,
)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from tianping.fairness import RATE_NAMES, audit, count_table, group_metrics

from .test_fairness_metrics import REFERENCE_METRICS

TOLERANCE = 1e-9
TITANIC = ("sklearn.datasets.tests.data.openml", "id_40945/data-v1-dl-16826755.arff.gz")
AGE_BINS = [0, 18, 40, 60, 100]


def _titanic() -> pd.DataFrame:
    try:
        package = importlib.resources.files(TITANIC[0])
        raw = (package / TITANIC[1]).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - depends on the wheel
        pytest.skip("scikit-learn's OpenML test data (Titanic) is not installed")
    text = gzip.decompress(raw).decode("utf-8")
    names = [
        line.split()[1].strip("'")
        for line in text.splitlines()
        if line.lower().startswith("@attribute")
    ]
    body = text[text.lower().index("@data") + len("@data") :]
    df = pd.read_csv(
        io.StringIO(body), header=None, names=names, na_values="?", quotechar='"', escapechar="\\"
    )
    features = df[["pclass", "fare", "sibsp", "parch"]].fillna({"fare": df["fare"].median()})
    model = LogisticRegression(max_iter=1000).fit(features, df["survived"])
    score = model.predict_proba(features)[:, 1]
    return pd.DataFrame(
        {
            "sex": df["sex"].astype(str),
            "age": df["age"],
            "pclass": df["pclass"].astype(str),
            "y": df["survived"].astype(int),
            "score": (np.minimum(np.floor(score * 1000), 999) + 0.5) / 1000,
            "yhat": (score >= 0.5).astype(int),
        }
    )


@pytest.fixture(scope="module")
def titanic() -> pd.DataFrame:
    return _titanic()


def test_the_dataset_is_the_full_passenger_list(titanic: pd.DataFrame) -> None:
    assert len(titanic) == 1309
    assert titanic["age"].isna().sum() == 263
    assert set(titanic["sex"]) == {"female", "male"}


def test_group_metrics_agree_with_fairlearn_on_titanic(titanic: pd.DataFrame) -> None:
    table = count_table(titanic, protected=["sex", "pclass"], label="y", prediction="yhat")
    frame = MetricFrame(
        metrics=REFERENCE_METRICS,
        y_true=titanic["y"],
        y_pred=titanic["yhat"],
        sensitive_features=titanic[["sex", "pclass"]],
    ).by_group
    for group in group_metrics(table):
        expected = frame.loc[(group.attributes["sex"], group.attributes["pclass"])]
        for name in RATE_NAMES:
            assert group.rates[name] == pytest.approx(expected[name], abs=TOLERANCE, nan_ok=True), (
                name
            )


@pytest.mark.parametrize(
    "function",
    [
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
        equalized_odds_ratio,
        equal_opportunity_difference,
    ],
)
def test_disparities_agree_with_fairlearn_on_titanic(
    titanic: pd.DataFrame, function: object
) -> None:
    result = audit(
        titanic,
        protected=["sex", "pclass"],
        label="y",
        prediction="yhat",
        min_group_size=0,
        replicates=0,
    )
    name = function.__name__  # type: ignore[attr-defined]
    expected = function(  # type: ignore[operator]
        titanic["y"], titanic["yhat"], sensitive_features=titanic[["sex", "pclass"]]
    )
    assert result.disparity(name).value == pytest.approx(expected, abs=TOLERANCE)


def test_missing_ages_are_their_own_group_and_agree_with_fairlearn(titanic: pd.DataFrame) -> None:
    result = audit(
        titanic,
        protected=["sex", "age"],
        bins={"age": AGE_BINS},
        label="y",
        prediction="yhat",
        score="score",
        replicates=100,
    )
    bands = pd.cut(
        titanic["age"], AGE_BINS, right=False, labels=["0-18", "18-40", "40-60", "60-100"]
    )
    band = bands.astype(object).where(titanic["age"].notna(), "(missing)")
    ages = {g.attributes["age"]: g for g in result.marginals["age"]}
    assert ages["(missing)"].count == 263
    frame = MetricFrame(
        metrics=REFERENCE_METRICS,
        y_true=titanic["y"],
        y_pred=titanic["yhat"],
        sensitive_features=band,
    ).by_group
    for label, group in ages.items():
        for name in RATE_NAMES:
            ours = group.rates[name]
            if math.isnan(ours):  # 0/0: fairlearn, through scikit-learn, reports 0
                expected = frame.loc[label, name]
                assert math.isnan(expected) or expected in (0.0, 1.0)
            else:
                assert ours == pytest.approx(frame.loc[label, name], abs=TOLERANCE)
        part = titanic[band == label]
        if part["y"].nunique() == 2:
            assert group.auc == pytest.approx(
                roc_auc_score(part["y"], part["score"]), abs=TOLERANCE
            )


def test_the_sex_blind_model_still_selects_by_class_and_the_audit_finds_it(
    titanic: pd.DataFrame,
) -> None:
    result = audit(titanic, protected=["pclass"], label="y", prediction="yhat", replicates=200)
    di = result.disparity("disparate_impact")
    assert di.verdict == "fail" and di.lowest == {"pclass": "3"}
    assert di.ci is not None and di.ci[1] < 0.8
