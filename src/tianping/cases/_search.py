"""Full-text search over cases in Chinese and English: BM25, facets and similar cases.

Tokens
    Chinese runs are cut by ``jieba`` in search mode (words and their
    sub-words: 人脸识别 → 人脸, 识别, 人脸识别); other runs are lower-cased
    words of letters and digits, with a light plural folding (``-ies`` → ``-y``,
    a final ``-s`` dropped after four letters or more) and a short stop-word
    list; punctuation and one-character Chinese function words are dropped.

Documents
    One index per language. A case's document in a language is its title
    (counted :data:`TITLE_WEIGHT` times), its summary and the labels of its
    coded fields in that language (sector, region, system type, risk
    category, harms, affected groups), so a search for "隐私泄露" or
    "facial recognition" finds the cases classified so even when the summary
    words it differently.

Ranking (Okapi BM25)
    ``score(d, q) = Σ_t idf(t) · f(t,d)·(k1+1) / (f(t,d) + k1·(1 − b + b·|d|/avgdl))``
    over the distinct query tokens ``t``, with
    ``idf(t) = ln(1 + (N − n(t) + 0.5)/(n(t) + 0.5))``, :data:`K1` = 1.2 and
    :data:`B` = 0.75. Each posting's weight is computed when the index is
    built, so a query adds one NumPy array per token.

Facets
    ``sector``, ``region``, ``risk_category``, ``severity``, ``system_type``
    and ``year`` filter the matches (all filters must hold) and are counted
    over the matches.

Similar cases
    For a system description (its registry text), the BM25 scores of the
    description against every case are divided by the best score (so the top
    text match scores 1), then boosts are added: :data:`SIMILAR_BOOSTS` —
    +0.5 for the same risk category, +0.25 for the same sector, +0.25 for the
    same system type (each only when the system states it). Cases with no
    text match and no boost are left out; ties go to the more recent case.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jieba
import numpy as np
import numpy.typing as npt

from tianping.cases._loader import load_cases
from tianping.cases._models import FACETS, Case, CaseError
from tianping.text import LANGUAGES, Language, LocalizedText, normalise_language

K1 = 1.2
"""BM25 term-frequency saturation."""
B = 0.75
"""BM25 length normalisation."""
TITLE_WEIGHT = 2
"""How many times a title's tokens count."""
SIMILAR_BOOSTS = {"risk_category": 0.5, "sector": 0.25, "system_type": 0.25}
"""What a matching field adds to a similar case's normalised text score (at most 1)."""
MAX_QUERY_CHARS = 10_000
"""The longest query or system description read."""
FACET_NAMES = (*FACETS, "year")
"""The facets a search filters and counts by."""

ERR_EMPTY = LocalizedText(zh="查询中没有可检索的词", en="the query has no searchable words")
ERR_FACET = LocalizedText(
    zh="未知的分面 {facet}（可用：{choices}）", en="unknown facet {facet} (choose from {choices})"
)
ERR_VALUE = LocalizedText(
    zh="分面 {facet} 没有取值 {value}（可用：{choices}）",
    en="facet {facet} has no value {value} (choose from {choices})",
)
ERR_LONG = LocalizedText(
    zh="查询有 {length} 个字符，最多 {limit} 个",
    en="the query has {length} characters; at most {limit}",
)

_CJK = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_EN_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "which",
        "while",
        "who",
        "with",
        "about",
        "after",
        "over",
        "than",
        "then",
        "there",
        "these",
        "those",
        "been",
        "being",
        "did",
        "does",
        "do",
        "not",
        "no",
        "so",
        "such",
        "what",
        "when",
        "where",
        "how",
        "why",
        "can",
        "could",
        "would",
        "should",
        "may",
        "might",
        "will",
        "shall",
        "our",
        "we",
        "you",
        "your",
        "his",
        "her",
        "he",
        "she",
        "him",
        "i",
        "me",
        "my",
    ]
)
_ZH_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "在",
        "是",
        "被",
        "把",
        "对",
        "为",
        "等",
        "并",
        "或",
        "也",
        "其",
        "之",
        "而",
        "将",
        "从",
        "以",
        "于",
        "向",
        "由",
        "该",
        "此",
        "这",
        "那",
        "有",
        "中",
        "上",
        "下",
        "后",
        "前",
        "一",
        "个",
        "名",
        "次",
        "种",
        "些",
        "时",
        "称",
        "据",
        "已",
        "又",
        "让",
        "使",
        "给",
        "到",
        "就",
        "都",
        "而且",
        "以及",
        "一个",
        "一种",
        "一名",
        "相关",
        "以后",
        "以前",
    ]
)

jieba.setLogLevel(logging.WARNING)


def _english(text: str) -> list[str]:
    tokens = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'").split("'", 1)[0]
        if not word or word in _EN_STOP:
            continue
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) >= 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        tokens.append(word)
    return tokens


def tokenize(text: str) -> list[str]:
    """The search tokens of ``text``, Chinese and English alike (see the module docstring)."""
    tokens: list[str] = []
    for index, part in enumerate(_CJK.split(text)):
        if not part:
            continue
        if index % 2:  # a Chinese run
            tokens.extend(
                word
                for word in jieba.lcut_for_search(part)
                if word.strip() and word not in _ZH_STOP
            )
        else:
            tokens.extend(_english(part))
    return tokens


def query_language(text: str) -> Language:
    """``zh-Hans`` when the text holds Chinese characters, else ``en``."""
    return "zh-Hans" if _CJK.search(text) else "en"


@dataclass(frozen=True, slots=True)
class Hit:
    """One case found, its score and, for similar cases, why."""

    case: Case
    score: float
    text_score: float = 0.0
    matched: tuple[str, ...] = ()

    def to_json(self, language: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"score": round(self.score, 4)}
        if self.matched or self.text_score:
            data["text_score"] = round(self.text_score, 4)
            data["matched_fields"] = list(self.matched)
        data["case"] = self.case.to_json(language)
        return data


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The best hits, how many cases matched in all, and the facet counts over them."""

    query: str
    language: Language
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]]

    def to_json(self, language: str | None = None) -> dict[str, Any]:
        return {
            "query": self.query,
            "language": self.language,
            "total": self.total,
            "hits": [hit.to_json(language) for hit in self.hits],
            "facets": self.facets,
        }


class _Postings:
    """One language's inverted index: token → (document numbers, BM25 weights)."""

    def __init__(self, documents: Sequence[Counter[str]]) -> None:
        count = len(documents)
        lengths = np.fromiter((sum(d.values()) for d in documents), dtype=np.float64, count=count)
        average = float(lengths.mean()) if count and lengths.sum() else 1.0
        norm = K1 * (1.0 - B + B * lengths / average)
        docs: dict[str, list[int]] = {}
        freqs: dict[str, list[int]] = {}
        for number, counts in enumerate(documents):
            for token, frequency in counts.items():
                docs.setdefault(token, []).append(number)
                freqs.setdefault(token, []).append(frequency)
        self.terms: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]] = {}
        for token, numbers in docs.items():
            ids = np.asarray(numbers, dtype=np.int32)
            tf = np.asarray(freqs[token], dtype=np.float64)
            n = len(numbers)
            idf = math.log(1.0 + (count - n + 0.5) / (n + 0.5))
            weights = idf * tf * (K1 + 1.0) / (tf + norm[ids])
            self.terms[token] = (ids, weights.astype(np.float32))
        self.size = count

    def scores(self, tokens: Iterable[str]) -> npt.NDArray[np.float32]:
        total = np.zeros(self.size, dtype=np.float32)
        for token in set(tokens):
            entry = self.terms.get(token)
            if entry is not None:
                total[entry[0]] += entry[1]
        return total


class CaseIndex:
    """A search index over cases, built once, in Chinese and English.

    >>> from tianping.cases import CaseIndex, load_cases
    >>> index = CaseIndex(load_cases())
    >>> index.search("deepfake fraud", limit=1).hits[0].case.risk_category
    'fraud_impersonation'
    """

    def __init__(self, cases: Iterable[Case]) -> None:
        self.cases: tuple[Case, ...] = tuple(cases)
        self._postings: dict[Language, _Postings] = {}
        for language in LANGUAGES:
            documents = []
            for case in self.cases:
                counts = Counter(tokenize(case.title.get(language)))
                for token in counts:
                    counts[token] *= TITLE_WEIGHT
                counts.update(tokenize(case.summary.get(language)))
                counts.update(tokenize(" ".join(case.labels(language))))
                documents.append(counts)
            self._postings[language] = _Postings(documents)
        self._values: dict[str, list[str]] = {}
        self._codes: dict[str, npt.NDArray[np.int32]] = {}
        for facet in FACET_NAMES:
            raw = [case.facet(facet) for case in self.cases]
            values = sorted(set(raw))
            position = {value: i for i, value in enumerate(values)}
            self._values[facet] = values
            self._codes[facet] = np.fromiter(
                (position[v] for v in raw), dtype=np.int32, count=len(raw)
            )
        self._order = np.argsort(
            np.fromiter((c.date.toordinal() for c in self.cases), dtype=np.int64), kind="stable"
        )
        self._recency = np.empty(len(self.cases), dtype=np.float64)
        self._recency[self._order] = np.arange(len(self.cases)) / max(1, len(self.cases))

    def __len__(self) -> int:
        return len(self.cases)

    def _mask(self, filters: Mapping[str, str | None]) -> npt.NDArray[np.bool_] | None:
        mask: npt.NDArray[np.bool_] | None = None
        for facet, value in filters.items():
            if value is None:
                continue
            if facet not in self._codes:
                raise CaseError(
                    ERR_FACET, params={"facet": facet, "choices": ", ".join(FACET_NAMES)}
                )
            choices: Iterable[str] = FACETS.get(facet) or self._values[facet]
            if (facet == "year" and not re.fullmatch(r"[0-9]{4}", value)) or (
                facet != "year" and value not in choices
            ):
                raise CaseError(
                    ERR_VALUE,
                    params={"facet": facet, "value": value, "choices": ", ".join(sorted(choices))},
                )
            values = self._values[facet]
            if value in values:
                this = self._codes[facet] == values.index(value)
            else:
                this = np.zeros(len(self.cases), dtype=np.bool_)
            mask = this if mask is None else mask & this
        return mask

    def _tokens(self, text: str) -> list[str]:
        if len(text) > MAX_QUERY_CHARS:
            raise CaseError(ERR_LONG, params={"length": len(text), "limit": MAX_QUERY_CHARS})
        tokens = tokenize(text)
        if not tokens:
            raise CaseError(ERR_EMPTY)
        return tokens

    def _top(self, scores: npt.NDArray[Any], limit: int) -> list[int]:
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > limit:
            keep = np.argpartition(-scores[candidates], limit - 1)[:limit]
            candidates = candidates[keep]
        # Best score first; equal scores: the more recent case first.
        ranked = sorted(
            candidates.tolist(), key=lambda i: (-float(scores[i]), -float(self._recency[i]))
        )
        return ranked[:limit]

    def search(
        self,
        query: str,
        *,
        language: str | None = None,
        limit: int = 10,
        filters: Mapping[str, str | None] | None = None,
    ) -> SearchResult:
        """The cases that match ``query``, best first, with facet counts over all matches.

        ``language`` picks the index (default: Chinese when the query holds
        Chinese characters, else English); ``filters`` maps facet names to
        the value every match must have.
        """
        chosen = normalise_language(language) if language else query_language(query)
        scores = self._postings[chosen].scores(self._tokens(query))
        mask = self._mask(filters or {})
        if mask is not None:
            scores[~mask] = 0
        matched = scores > 0
        facets = {
            facet: {
                self._values[facet][code]: int(n)
                for code, n in enumerate(
                    np.bincount(self._codes[facet][matched], minlength=len(self._values[facet]))
                )
                if n
            }
            for facet in FACET_NAMES
        }
        hits = tuple(Hit(self.cases[i], float(scores[i])) for i in self._top(scores, max(0, limit)))
        return SearchResult(query, chosen, int(matched.sum()), hits, facets)

    def similar(
        self,
        text: str,
        *,
        sector: str | None = None,
        system_type: str | None = None,
        risk_category: str | None = None,
        language: str | None = None,
        limit: int = 5,
    ) -> list[Hit]:
        """The cases most like a system: normalised BM25 over ``text`` plus field boosts.

        See the module docstring for the method and :data:`SIMILAR_BOOSTS`.
        """
        stated = {"sector": sector, "system_type": system_type, "risk_category": risk_category}
        self._mask(stated)  # refuses an unknown value
        chosen = normalise_language(language) if language else query_language(text)
        raw = self._postings[chosen].scores(self._tokens(text)).astype(np.float64)
        best = float(raw.max()) if len(raw) else 0.0
        text_score = raw / best if best > 0 else raw
        total = text_score.copy()
        boosts: dict[str, npt.NDArray[np.bool_]] = {}
        for facet, value in stated.items():
            if value is None or value not in self._values[facet]:
                continue
            boosts[facet] = self._codes[facet] == self._values[facet].index(value)
            total += SIMILAR_BOOSTS[facet] * boosts[facet]
        return [
            Hit(
                self.cases[i],
                float(total[i]),
                float(text_score[i]),
                tuple(facet for facet, hit in boosts.items() if hit[i]),
            )
            for i in self._top(total, max(0, limit))
        ]


@lru_cache(maxsize=1)
def shipped_index() -> CaseIndex:
    """The index over the shipped cases, built once per process."""
    return CaseIndex(load_cases())
