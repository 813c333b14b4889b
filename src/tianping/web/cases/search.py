"""Full-text search of the case records in the database, in Chinese and English.

Both the stored text and the query are cut by :func:`tianping.cases.tokenize`
(jieba for Chinese runs, lower-cased folded words otherwise), so the database
only ever sees space-separated tokens. A case's document in a language is its
title (repeated :data:`tianping.cases.TITLE_WEIGHT` times), its summary and the
labels of its coded fields, as in the library's index.

A query first matches the cases holding every one of its tokens; when fewer than a page
do, the cases holding any of them. Of the matches the :data:`CANDIDATES` most recently
added that the reader may see (the visibility and filters are asked inside the same query)
are scored, counted and tallied by facet, in one query, so the work per query is bounded
however common the words are; a search with more matches says so (``Ranked.more``). The
score:

* SQLite: FTS5's ``bm25()`` over the language's column (k1 = 1.2, b = 0.75), FTS5 walking
  the matches newest first (no sort of all matches);
* PostgreSQL: ``to_tsvector('simple', …)`` (GIN-indexed) matched by the AND (or OR) of
  the tokens, ranked by the sum over the query's tokens of the token's inverse
  document frequency times ``ts_rank`` of that token (length-normalised).

Ties go to the more recent case.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from tianping.cases import TITLE_WEIGHT, Case, tokenize
from tianping.web.cases.models import CaseRecord

COLUMNS = {"zh-Hans": "search_zh", "en": "search_en"}
FTS_TABLE = "cases_caserecord_fts"
#: The coded fields a search tallies (their columns are named as the fields).
FACET_COLUMNS = frozenset({"sector", "region", "system_type", "risk_category", "severity", "year"})
#: The cases a PostgreSQL query's token weights are estimated over (the most recent ones).
IDF_SAMPLE = 5000
#: The most matches a query scores (the most recently added ones).
CANDIDATES = 1000


def document(case: Case, language: str) -> str:
    """The tokens a case is found by in ``language``, space-separated."""
    title = tokenize(case.title.get(language))
    tokens = title * TITLE_WEIGHT
    tokens += tokenize(case.summary.get(language))
    tokens += tokenize(" ".join(case.labels(language)))
    return " ".join(tokens)


@dataclass(frozen=True, slots=True)
class Ranked:
    """The ids of the best matches (best first) with their scores. ``every``: the matches hold
    every token of the query (else any of them); ``total``: the matches counted (at most
    :data:`CANDIDATES`), ``more``: more match; ``facets``: the asked facets' counts over
    the matches counted."""

    scores: dict[int, float]
    order: list[int]
    every: bool = False
    total: int = 0
    more: bool = False
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def _fts5_query(tokens: Sequence[str], column: str, every: bool = False) -> str:
    operator = " AND " if every else " OR "
    quoted = operator.join('"' + token.replace('"', '""') + '"' for token in tokens)
    return f"{column} : ({quoted})"


def _tsquery(tokens: Sequence[str], every: bool) -> str:
    operator = " && " if every else " || "
    return operator.join("plainto_tsquery('simple', %s)" for _ in tokens)


def rank(
    queryset: QuerySet[CaseRecord],
    tokens: Sequence[str],
    language: str,
    limit: int,
    facets: Sequence[str] = (),
) -> Ranked:
    """The ``limit`` best cases of ``queryset`` for ``tokens`` in ``language``: among those
    holding every token when at least ``limit`` do, else among those holding any of them;
    in either case the :data:`CANDIDATES` most recently added matches are scored, counted
    and (``facets``, fields of :class:`CaseRecord`) tallied, in one query."""
    unique = list(dict.fromkeys(tokens))
    if not unique or queryset.query.is_empty():
        return Ranked({}, [])
    if len(unique) > 1:
        ranked = _rank(queryset, unique, language, limit, facets, every=True)
        if len(ranked.order) >= limit:
            return ranked
    return _rank(queryset, unique, language, limit, facets, every=False)


def _idf(vector: str, unique: list[str]) -> list[float]:
    """Each token's inverse document frequency (as BM25's), estimated over the
    :data:`IDF_SAMPLE` most recently added cases (exact when there are no more), in one
    query."""
    found = ", ".join(
        f"count(*) FILTER (WHERE s.{vector} @@ plainto_tsquery('simple', %s))" for _ in unique
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), {found} FROM (SELECT {vector} FROM cases_caserecord "  # noqa: S608 - fixed names
            f"ORDER BY id DESC LIMIT %s) AS s",
            [*unique, IDF_SAMPLE],
        )
        total, *counts = cursor.fetchone()
    total = max(total, 1)
    return [math.log(1.0 + (total - n + 0.5) / (n + 0.5)) for n in counts]


def _rank(
    queryset: QuerySet[CaseRecord],
    unique: list[str],
    language: str,
    limit: int,
    facets: Sequence[str],
    every: bool,
) -> Ranked:
    column = COLUMNS[language]
    if not set(facets) <= FACET_COLUMNS:
        raise ValueError(f"not a facet: {sorted(set(facets) - FACET_COLUMNS)}")
    fields = "".join(f", c.{name}" for name in facets)
    postgresql = connection.vendor == "postgresql"
    # The visibility and filters of ``queryset``, asked of the matching row itself.
    outer = RawSQL("c.id" if postgresql else f"{FTS_TABLE}.rowid", ())  # noqa: S611 - fixed
    visible, visible_params = (
        queryset.order_by().filter(id=outer).values("id").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        if postgresql:
            vector = f"{column}_tsv"
            score = " + ".join(
                f"%s * ts_rank(f.{vector}, plainto_tsquery('simple', %s), 1)" for _ in unique
            )
            score_params: list[Any] = []
            for weight, token in zip(_idf(vector, unique), unique, strict=True):
                score_params += [weight, token]
            # The matching ids from the GIN index, then the newest visible ones, then scored.
            cursor.execute(
                f"WITH m AS MATERIALIZED (SELECT id FROM cases_caserecord "  # noqa: S608
                f"WHERE {vector} @@ ({_tsquery(unique, every)})) "
                f"SELECT f.id, ({score}), f.date{fields.replace('c.', 'f.')} "
                f"FROM (SELECT c.id, c.date, c.{vector}{fields} FROM m "
                f"JOIN cases_caserecord c ON c.id = m.id WHERE EXISTS ({visible}) "
                f"ORDER BY m.id DESC LIMIT %s) AS f",
                [*unique, *score_params, *visible_params, CANDIDATES + 1],
            )
        else:
            # FTS5 walks the matches newest first (no sort) and scores only the visible ones
            # it keeps.
            cursor.execute(
                f"SELECT f.id, f.score, c.date{fields} FROM (SELECT rowid AS id, "  # noqa: S608
                f"-bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                f"AND EXISTS ({visible}) ORDER BY rowid DESC LIMIT %s) AS f "
                f"JOIN cases_caserecord c ON c.id = f.id",
                [_fts5_query(unique, column, every), *visible_params, CANDIDATES + 1],
            )
        rows = cursor.fetchall()
    more = len(rows) > CANDIDATES
    rows = sorted(rows, key=lambda row: row[0], reverse=True)[:CANDIDATES]
    counts = {
        name: {str(value): n for value, n in Counter(row[3 + i] for row in rows).most_common()}
        for i, name in enumerate(facets)
    }
    # Ties go to the more recent case (then the later added).
    best = sorted(rows, key=lambda row: (float(row[1]), str(row[2]), row[0]), reverse=True)
    best = best[: max(limit, 0)]
    return Ranked(
        {row[0]: float(row[1]) for row in best},
        [row[0] for row in best],
        every,
        len(rows),
        more,
        counts,
    )


def matching_ids_sql(
    tokens: Sequence[str], language: str, every: bool = False
) -> tuple[str, list[object]]:
    """SQL selecting the ids of every case holding one of ``tokens`` (all of them when
    ``every``) in ``language``."""
    unique = list(dict.fromkeys(tokens))
    column = COLUMNS[language]
    if connection.vendor == "postgresql":
        return (
            f"SELECT id FROM cases_caserecord WHERE {column}_tsv @@ ({_tsquery(unique, every)})",  # noqa: S608
            list(unique),
        )
    return (
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        [_fts5_query(unique, column, every)],
    )
