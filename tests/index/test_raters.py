"""Two raters: Cohen's κ and the record of disagreements."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from tianping.index import RatingError, agreement, cohen_kappa


def test_kappa_of_the_textbook_example() -> None:
    # Cohen's κ, worked example (Wikipedia, "Cohen's kappa", Simple example): 50 proposals,
    # both yes 20, both no 15, A yes / B no 5, A no / B yes 10: p_o 0.7, p_e 0.5, κ 0.4.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    kappa, observed, expected = cohen_kappa(a, b)
    assert observed == pytest.approx(0.7) and expected == pytest.approx(0.5)
    assert kappa == pytest.approx(0.4)


@pytest.mark.parametrize("seed", range(5))
def test_kappa_agrees_with_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 4, 60)
    b = np.where(rng.random(60) < 0.6, a, rng.integers(0, 4, 60))
    kappa, _, _ = cohen_kappa(a.tolist(), b.tolist())
    assert kappa == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_kappa_is_undefined_when_chance_agreement_is_certain() -> None:
    assert cohen_kappa([1, 1, 1], [1, 1, 1])[0] is None


def test_different_lengths_are_refused() -> None:
    with pytest.raises(RatingError, match="different number"):
        cohen_kappa([1, 2], [1])


def test_disagreements_and_their_resolutions_are_on_record(population) -> None:
    result = agreement(population)
    assert result.items == 5
    resolved = {d.indicator: d for d in result.disagreements}
    assert resolved["fa.mitigation_plan"].resolved == 2 and resolved["fa.mitigation_plan"].note
    assert [d.indicator for d in result.unresolved] == ["co.opt_out"]
    a = [2, 1, 2, 1, 2]
    b = [2, 2, 1, 1, 2]
    assert result.kappa == pytest.approx(cohen_kappa_score(a, b))
