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
  document frequency times ``ts_rank`` of that token (length-normalised). The vector also
  holds key lexemes for the case's blocks of ids and its facet values, so the index alone
  finds the newest matches window by window (see :func:`_pg_candidates`).

Ties go to the more recent case.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
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
#: PostgreSQL: the blocks of ids the key lexemes name (the id's bits dropped: blocks of
#: 2**10, 2**14 and 2**18 ids; migration 0006).
BLOCK_BITS = (10, 14, 18)
#: PostgreSQL: the fewest blocks of 2**10 ids (the newest) a query first looks among.
FIRST_BLOCKS = 4


def text_of(title: str | None, summary: str | None, labels: Sequence[str] = ()) -> str:
    """The tokens a case with this title, summary and labels is found by, space-separated
    (the title counts ``TITLE_WEIGHT`` times)."""
    tokens = tokenize(title or "") * TITLE_WEIGHT
    tokens += tokenize(summary or "")
    tokens += tokenize(" ".join(labels))
    return " ".join(tokens)


def document(case: Case, language: str) -> str:
    """The tokens a case is found by in ``language``, space-separated."""
    return text_of(case.title.get(language), case.summary.get(language), case.labels(language))


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
    """The tokens' query as a sub-select, so it is built once per statement (an initial
    plan), not once per row."""
    operator = " && " if every else " || "
    return "(SELECT " + operator.join("plainto_tsquery('simple', %s)" for _ in tokens) + ")"


def rank(
    queryset: QuerySet[CaseRecord],
    tokens: Sequence[str],
    language: str,
    limit: int,
    facets: Sequence[str] = (),
    keys: Mapping[str, object] | None = None,
) -> Ranked:
    """The ``limit`` best cases of ``queryset`` for ``tokens`` in ``language``: among those
    holding every token when at least ``limit`` do, else among those holding any of them;
    in either case the :data:`CANDIDATES` most recently added matches are scored, counted
    and (``facets``, fields of :class:`CaseRecord`) tallied, in one query.

    ``keys``: facet values (:data:`FACET_COLUMNS`) ``queryset`` is already filtered by, which
    PostgreSQL's index then narrows the search to (the queryset still decides)."""
    unique = list(dict.fromkeys(tokens))
    if not unique or queryset.query.is_empty():
        return Ranked({}, [])
    query = _pg_query(f"{COLUMNS[language]}_tsv", unique) if _postgresql() else None
    if len(unique) > 1:
        ranked = _rank(queryset, unique, language, limit, facets, True, query, keys)
        if len(ranked.order) >= limit:
            return ranked
    return _rank(queryset, unique, language, limit, facets, False, query, keys)


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True, slots=True)
class _PgQuery:
    """A query's tokens as PostgreSQL text-search queries (their text, built once, so the
    planner sees constants it can estimate) and each token's weight."""

    every: str
    any: str
    tokens: list[str]
    idf: list[float]
    share_every: float = 1.0
    share_any: float = 1.0


def _pg_query(vector: str, unique: list[str]) -> _PgQuery:
    """The text-search queries of ``unique`` and each token's inverse document frequency
    (as BM25's).

    On a table of more than :data:`IDF_SAMPLE` cases that PostgreSQL has analysed, the
    frequencies come from its statistics of the vector column (the most common lexemes and
    their frequencies over the sample ``ANALYZE`` read; a lexeme not among them is taken at
    half the least frequency listed, as the planner takes it), read with the queries in one
    small statement; otherwise, and when a token is not one lexeme, they are counted with
    the GIN index over the :data:`IDF_SAMPLE` most recently added cases (exact when there
    are no more)."""
    each = ", ".join("plainto_tsquery('simple', %s)" for _ in unique)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT reltuples FROM pg_class WHERE oid = 'cases_caserecord'::regclass), "  # noqa: S608 - fixed
            "s.most_common_elems::text::text[], s.most_common_elem_freqs, "
            f"{_tsquery(unique, every=True)}::text, {_tsquery(unique, every=False)}::text, "
            f"ARRAY[{each}]::text[] FROM (SELECT 1) AS one LEFT JOIN pg_stats s "
            "ON s.tablename = 'cases_caserecord' AND s.attname = %s "
            "AND s.schemaname = current_schema()",
            [*unique, *unique, *unique, vector],
        )
        rows, elements, frequencies, every, any_, texts = cursor.fetchone()
        lexemes = [_single_lexeme(text) for text in texts]
        if rows > IDF_SAMPLE and elements and frequencies and all(lexemes):
            known = dict(zip(elements, frequencies, strict=False))
            floor = min(frequencies[: len(elements)]) / 2
            counts = [rows * known.get(lexeme, floor) for lexeme in lexemes]
            total = rows
        else:
            cursor.execute(
                "SELECT id FROM cases_caserecord ORDER BY id DESC LIMIT 1 OFFSET %s",
                [IDF_SAMPLE - 1],
            )
            row = cursor.fetchone()
            lowest = row[0] if row else 0
            found = ", ".join(
                f"(SELECT count(*) FROM cases_caserecord WHERE id >= %s "  # noqa: S608 - fixed
                f"AND {vector} @@ %s::tsquery)"
                for _ in texts
            )
            params: list[Any] = [lowest]
            for text in texts:
                params += [lowest, text]
            cursor.execute(
                f"SELECT (SELECT count(*) FROM cases_caserecord WHERE id >= %s), {found}",  # noqa: S608
                params,
            )
            total, *counts = cursor.fetchone()
    total = max(total, 1)
    idf = [math.log(1.0 + (total - n + 0.5) / (n + 0.5)) for n in counts]
    # The most of the cases that can match every token (the rarest one's share) and any of
    # them (the sum of the shares): a window sized by them errs on the small side.
    shares = [min(n / total, 1.0) for n in counts]
    return _PgQuery(every or "", any_ or "", list(texts), idf, min(shares), min(sum(shares), 1.0))


def _single_lexeme(query: str | None) -> str | None:
    """The lexeme of a one-lexeme tsquery's text (``'word'``), else None."""
    if not query or query.count("'") != 2 or not (query[0] == query[-1] == "'"):
        return None
    return query[1:-1]


def _key(name: str, value: object) -> str:
    """The tsquery (text) of the key lexeme ``~name:value`` (migration 0006)."""
    lexeme = f"~{name}:{value}".replace("\\", "\\\\").replace("'", "''")
    return f"'{lexeme}'"


def _blocks(low: int, high: int) -> str:
    """The tsquery (text) matching the cases in the blocks of 2**10 ids ``low`` … ``high``,
    in as few key lexemes as the aligned blocks of 2**14 and 2**18 ids allow."""
    parts = []
    block = low
    while block <= high:
        for bits in reversed(BLOCK_BITS):
            span = 1 << (bits - BLOCK_BITS[0])
            if block % span == 0 and block + span - 1 <= high:
                parts.append(_key(f"b{bits}", block // span))
                block += span
                break
    return "(" + " | ".join(parts) + ")"


def _pg_candidates(
    vector: str,
    query: _PgQuery,
    every: bool,
    visible: str,
    visible_params: tuple[Any, ...],
    fields: str,
    keys: Mapping[str, object],
) -> list[tuple[Any, ...]]:
    """The :data:`CANDIDATES` + 1 most recently added visible matches, scored: (id, score,
    date, facets…).

    They are found window by window of ids, newest first, each window asked of the GIN
    index alone: the query's words AND the key lexemes of the window's blocks of ids AND
    those of the chosen facet values (``keys``), so only the rows that match are read (never
    the other rows of a window, nor every match of the table). The first window is sized by
    the most of the cases the query's words can match (estimated as for the weights), each
    further one by the density of matches seen so far (twice that), at least twice the last
    one. Only the rows kept are scored, each stored vector read (detoasted) once. The
    matches of a window are asked apart from their order (``OFFSET 0``), so the planner
    never walks the ids backwards testing each row: it does not know that the matches lie
    in the window's blocks."""
    base = query.every if every else query.any
    if not base:
        return []
    filters = "".join(f" & {_key(name, keys[name])}" for name in sorted(keys))
    score = " + ".join("%s * ts_rank(k.v, %s::tsquery, 1)" for _ in query.tokens)
    score_params: list[Any] = []
    for weight, text in zip(query.idf, query.tokens, strict=True):
        score_params += [weight, text]
    kept = fields.replace("c.", "k.")
    size = 1 << BLOCK_BITS[0]
    share = query.share_every if every else query.share_any
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM cases_caserecord")
        top = (cursor.fetchone()[0] or -1) // size
        rows: list[tuple[Any, ...]] = []
        window = max(FIRST_BLOCKS, math.ceil(1.5 * (CANDIDATES + 1) / (max(share, 1e-9) * size)))
        seen = 0
        while top >= 0 and len(rows) <= CANDIDATES:
            low = max(top - window + 1, 0)
            # A first window over every block needs no block keys.
            scope = "" if low == 0 and not seen else " & " + _blocks(low, top)
            cursor.execute(
                f"SELECT k.id, ({score}), k.date{kept} FROM (SELECT w.*, "  # noqa: S608 - fixed
                f"w.v0 || ''::tsvector AS v FROM (SELECT m.* FROM (SELECT c.id, c.date{fields}, "
                f"c.{vector} AS v0 FROM cases_caserecord c WHERE c.{vector} @@ %s::tsquery "
                f"AND EXISTS ({visible}) OFFSET 0) AS m ORDER BY m.id DESC LIMIT %s) AS w "
                f"OFFSET 0) AS k",
                [
                    *score_params,
                    f"({base}){filters}{scope}",
                    *visible_params,
                    CANDIDATES + 1 - len(rows),
                ],
            )
            rows += cursor.fetchall()
            seen += top - low + 1
            top = low - 1
            wanted = (CANDIDATES + 1 - len(rows)) * seen * 2 / max(len(rows), 1)
            window = max(2 * window, math.ceil(wanted))
    return rows


def _rank(
    queryset: QuerySet[CaseRecord],
    unique: list[str],
    language: str,
    limit: int,
    facets: Sequence[str],
    every: bool,
    query: _PgQuery | None,
    keys: Mapping[str, object] | None,
) -> Ranked:
    column = COLUMNS[language]
    if not set(facets) | set(keys or ()) <= FACET_COLUMNS:
        raise ValueError(f"not a facet: {sorted(set(facets) | set(keys or ()) - FACET_COLUMNS)}")
    fields = "".join(f", c.{name}" for name in facets)
    postgresql = query is not None
    # The visibility and filters of ``queryset``, asked of the matching row itself.
    outer = RawSQL("c.id" if postgresql else f"{FTS_TABLE}.rowid", ())  # noqa: S611 - fixed
    visible, visible_params = (
        queryset.order_by().filter(id=outer).values("id").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        if query is not None:
            rows = _pg_candidates(
                f"{column}_tsv", query, every, visible, visible_params, fields, keys or {}
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
        # An uncoded value (an imported incident) is counted under no facet value.
        name: {
            str(value): n
            for value, n in Counter(row[3 + i] for row in rows).most_common()
            if value not in ("", None)
        }
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
