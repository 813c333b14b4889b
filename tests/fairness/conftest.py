"""Shared data for the fairness tests: a synthetic decision log with known biases.

No fairness dataset ships offline with the installed packages except the
Titanic passenger list in scikit-learn's test data (used by
``test_fairness_real_data.py``); the generator below gives data whose biases
are known by construction: women are selected less often at equal merit, and
race ``D`` is scored lower.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def decisions(
    n: int = 4000,
    *,
    seed: int = 0,
    missing: bool = False,
    dyadic: bool = False,
) -> pd.DataFrame:
    """A decision log: sex, race, age, label ``y``, prediction ``yhat``, ``score``, weight ``w``.

    ``missing`` blanks some sex and age values; ``dyadic`` puts scores and
    weights on binary fractions, so sums are exact in any engine and order.
    """
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["F", "M"], dtype=object), n, p=[0.45, 0.55])
    race = rng.choice(np.array(["A", "B", "C", "D"], dtype=object), n, p=[0.4, 0.3, 0.2, 0.1])
    age = rng.integers(18, 80, n).astype(np.float64)
    y = rng.random(n) < 0.35 + 0.1 * (sex == "M")
    score = 0.25 + 0.35 * y + 0.08 * (sex == "M") - 0.06 * (race == "D")
    score = np.clip(score + rng.normal(0.0, 0.15, n), 0.0, 1.0)
    weight = rng.uniform(0.5, 2.0, n)
    if dyadic:
        score = np.round(score * 1024) / 1024
        weight = np.round(weight * 8) / 8
    df = pd.DataFrame(
        {
            "sex": sex,
            "race": race,
            "age": age,
            "y": y.astype(np.int64),
            "yhat": (score >= 0.5).astype(np.int64),
            "score": score,
            "w": weight,
        }
    )
    if missing:
        df.loc[rng.random(n) < 0.02, "sex"] = None
        df.loc[rng.random(n) < 0.03, "age"] = np.nan
    return df


@pytest.fixture
def log() -> pd.DataFrame:
    return decisions()
