"""Two raters: Cohen's κ and the record of their disagreements and how each was resolved.

κ = (p_o − p_e) / (1 − p_e), where p_o is the share of items both raters
scored alike and p_e the agreement expected by chance from each rater's own
distribution of scores (Cohen 1960, "A coefficient of agreement for nominal
scales", Educational and Psychological Measurement 20(1)). κ is undefined
(``None``) when chance agreement is certain (both raters always gave one and
the same score).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

from tianping.index import _errors as msg
from tianping.index._errors import RatingError
from tianping.index._models import Agreement, Disagreement, SystemEvidence


def cohen_kappa(
    first: Sequence[Hashable], second: Sequence[Hashable]
) -> tuple[float | None, float, float]:
    """``(κ, p_o, p_e)`` for two raters' scores of the same items, in the same order.

    >>> # 50 items: both "yes" 20, both "no" 15, yes/no 5, no/yes 10 (κ = 0.4)
    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> kappa, observed, expected = cohen_kappa(a, b)
    >>> round(kappa, 10), observed, expected
    (0.4, 0.7, 0.5)
    """
    if len(first) != len(second):
        raise RatingError(
            msg.ERR_RATINGS_LENGTH,
            hint=msg.HINT_RATINGS,
            params={"first": len(first), "second": len(second)},
        )
    n = len(first)
    if n == 0:
        raise RatingError(msg.ERR_RATINGS_EMPTY, hint=msg.HINT_RATINGS)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    counts_a, counts_b = Counter(first), Counter(second)
    expected = sum(counts_a[c] * counts_b[c] for c in counts_a) / (n * n)
    if expected == 1:
        return None, observed, expected
    return (observed - expected) / (1 - expected), observed, expected


def agreement(population: Sequence[SystemEvidence]) -> Agreement:
    """κ over every rating with two rater scores, and each disagreement with its resolution.

    Raters are paired by their order in each rating (the first named rater is
    rater A). A disagreement with no ``resolved`` score is listed in
    :attr:`Agreement.unresolved`; its indicator counts as missing in the score.
    """
    first: list[int] = []
    second: list[int] = []
    disagreements: list[Disagreement] = []
    for system in population:
        for rating in system.ratings:
            if len(rating.scores) != 2:
                continue
            a, b = rating.scores.values()
            first.append(a)
            second.append(b)
            if a != b:
                disagreements.append(
                    Disagreement(
                        system.system, rating.indicator, rating.scores, rating.resolved, rating.note
                    )
                )
    if not first:
        raise RatingError(msg.ERR_RATINGS_EMPTY, hint=msg.HINT_RATINGS)
    kappa, observed, expected = cohen_kappa(first, second)
    return Agreement(
        kappa=kappa,
        observed=observed,
        expected=expected,
        items=len(first),
        disagreements=tuple(disagreements),
    )


__all__ = ["agreement", "cohen_kappa"]
