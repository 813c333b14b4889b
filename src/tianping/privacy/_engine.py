"""The matching engine: one multi-pattern pass over a text, then each candidate confirmed.

Two stages, whichever engine runs the first:

1. **Locate.** One pass over the whole buffer finds the regions where some
   pattern may match. With Hyperscan, all patterns run at once as a SIMD
   automaton over the UTF-8 bytes (their looser form: no look-arounds), and
   each reported match end ``e`` of pattern ``p`` gives the region
   ``[e - max_length(p) - 2, e)``, which holds the start of every match of
   ``p`` ending there. Without Hyperscan, one combined alternation of all the
   patterns (``re``) runs over the text; every position where any pattern
   matches lies inside one of its matches, so those are the regions.
2. **Confirm.** Each pattern's own ``re`` (with its CJK-safe look-arounds) is
   searched inside its regions only, exactly as a whole-text ``finditer`` would
   be: searches resume after the previous match of the same pattern, see the
   real text on both sides (look-behinds before the region, look-aheads after
   it, since a window extends past the region by the pattern's bounded length),
   and only matches starting inside the region count.

So both engines return the same candidates: those of ``re.finditer`` of each
pattern over the whole text. The tests check this on generated corpora.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

from tianping.privacy._detectors import LOOKAROUND_LIMIT, Pattern
from tianping.privacy._errors import DetectorError
from tianping.privacy._messages import ERR_NO_ENGINE, ERR_UNKNOWN_ENGINE

EngineName = Literal["hyperscan", "re"]
EngineChoice = Literal["auto", "hyperscan", "re"]

_hyperscan: Any
try:  # an optional, compiled dependency
    import hyperscan as _hyperscan
except ImportError:  # pragma: no cover - exercised where the wheel is missing
    _hyperscan = None


def hyperscan_available() -> bool:
    """Whether the ``hyperscan`` package can be imported here."""
    return _hyperscan is not None


class Candidate(NamedTuple):
    """A confirmed pattern match: the pattern's index, and the value's character span."""

    pattern: int
    start: int
    end: int


Regions = list[tuple[int, int]]
_NOT_CONTINUATION = bytes(b for b in range(256) if not 0x80 <= b < 0xC0)


def _has_suffix(pattern: Pattern) -> bool:
    return pattern.hyperscan_source.endswith("|$)")


@functools.lru_cache(maxsize=8)
def _hyperscan_database(expressions: tuple[bytes, ...]) -> Any:
    """A compiled Hyperscan block-mode database, cached per process (compiling takes ~1 s)."""
    hs = _hyperscan
    database = hs.Database(mode=hs.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=list(expressions),
            ids=list(range(len(expressions))),
            elements=len(expressions),
            # UTF-8 mode only where an expression has non-ASCII text (CJK classes): in byte
            # mode an ASCII class never matches inside a multi-byte character anyway.
            flags=[0 if e.isascii() else hs.HS_FLAG_UTF8 for e in expressions],
        )
    except hs.error as exc:  # pragma: no cover - the shipped patterns compile
        raise DetectorError(ERR_NO_ENGINE) from exc
    return database


def _merge(regions: Regions) -> Regions:
    regions.sort()
    merged: Regions = []
    for a, b in regions:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


class Engine:
    """Compiled patterns and the two-stage search over one text at a time.

    Parameters
    ----------
    patterns
        The patterns, in the order candidates refer to them.
    engine
        ``"hyperscan"``, ``"re"``, or ``"auto"`` (Hyperscan when installed).
    """

    def __init__(self, patterns: Sequence[Pattern], engine: EngineChoice = "auto") -> None:
        if engine not in ("auto", "hyperscan", "re"):
            raise DetectorError(ERR_UNKNOWN_ENGINE, params={"engine": engine})
        if engine == "hyperscan" and _hyperscan is None:
            raise DetectorError(ERR_NO_ENGINE)
        self.patterns = tuple(patterns)
        self.name: EngineName = (
            "hyperscan" if engine == "hyperscan" or (engine == "auto" and _hyperscan) else "re"
        )
        self._compiled = [re.compile(p.re_source) for p in self.patterns]
        self._value_group = [p.has_value_group for p in self.patterns]
        # A window past the region that covers any match starting in it and its look-ahead.
        self._reach = [p.max_length + LOOKAROUND_LIMIT + 1 for p in self.patterns]
        self._span = [p.max_length + 2 for p in self.patterns]
        # With a consumed look-ahead character the match ends one character before the hit.
        self._suffix = [int(not p.prefilter and _has_suffix(p)) for p in self.patterns]
        self._combined: re.Pattern[str] | None = None
        self._database: Any = None
        # Hyperscan's scratch space may serve one scan at a time: one per thread, so a
        # scanner shared by a server's threads never scans with a scratch in use.
        self._scratches = threading.local()
        if not self.patterns:
            return
        if self.name == "hyperscan":
            self._compile_hyperscan()
        else:
            self._combined = self._combine()

    def _combine(self) -> re.Pattern[str]:
        return re.compile("|".join(p.re_source.replace("(?P<value>", "(?:") for p in self.patterns))

    def _compile_hyperscan(self) -> None:
        expressions = tuple(p.hyperscan_source.encode("utf-8") for p in self.patterns)
        self._database = _hyperscan_database(expressions)
        self._scratches.scratch = _hyperscan.Scratch(self._database)

    def _scratch(self) -> Any:
        scratch = getattr(self._scratches, "scratch", None)
        if scratch is None:
            scratch = self._scratches.scratch = _hyperscan.Scratch(self._database)
        return scratch

    # -- stage 1 --------------------------------------------------------------------------------

    def _regions_re(self, text: str) -> dict[int, Regions]:
        if self._combined is None:
            self._combined = self._combine()
        spans: Regions = [(m.start(), m.end()) for m in self._combined.finditer(text)]
        if not spans:
            return {}
        shared = _merge(spans)
        return {i: shared for i in range(len(self.patterns))}

    def _regions_hyperscan(self, text: str, data: bytes) -> dict[int, Regions]:
        hits: list[tuple[int, int]] = []
        append = hits.append

        def on_match(pattern: int, _start: int, end: int, _flags: int, _context: object) -> None:
            append((end, pattern))

        self._database.scan(data, match_event_handler=on_match, scratch=self._scratch())
        if not hits:
            return {}
        hits.sort()
        ascii_only = len(data) == len(text)
        regions: dict[int, Regions] = {}
        span, suffix, size = self._span, self._suffix, len(data)
        byte_at = char_at = 0
        for end, pattern in hits:
            if ascii_only:
                char_at = end
            elif end != byte_at:  # count character starts (an end may fall inside a character)
                piece = data[byte_at:end]
                char_at += len(piece) - len(piece.translate(None, _NOT_CONTINUATION))
                byte_at = end
            low = char_at - span[pattern]
            high = char_at - suffix[pattern] if end < size else char_at
            spans = regions.get(pattern)
            if spans is None:
                regions[pattern] = [(low if low > 0 else 0, high)]
            elif low <= spans[-1][1]:  # ends arrive in order: extend the last region
                spans[-1] = (spans[-1][0], high)
            else:
                spans.append((low, high))
        return regions

    # -- stage 2 --------------------------------------------------------------------------------

    def candidates(self, text: str, utf8: bytes | None = None) -> list[Candidate]:
        """Every pattern's matches in ``text``, as ``re.finditer`` of each over the whole text.

        ``utf8`` may carry ``text`` already encoded (Hyperscan scans bytes).
        Sorted by start, then pattern.
        """
        if not self.patterns or not text:
            return []
        regions = None
        if self.name == "hyperscan":
            try:
                data = text.encode("utf-8") if utf8 is None else utf8
            except UnicodeEncodeError:  # lone surrogates (from JSON): not UTF-8, use re
                data = None
            if data is not None:
                regions = self._regions_hyperscan(text, data)
        if regions is None:
            regions = self._regions_re(text)
        found: list[Candidate] = []
        n = len(text)
        for index, spans in regions.items():
            search = self._compiled[index].search
            reach = self._reach[index]
            grouped = self._value_group[index]
            resume = 0
            for a, b in spans:
                start = max(a, resume)
                while start < b:
                    m = search(text, start, min(n, b + reach))
                    if m is None or m.start() >= b:
                        break
                    if grouped:
                        found.append(Candidate(index, m.start("value"), m.end("value")))
                    else:
                        found.append(Candidate(index, m.start(), m.end()))
                    resume = start = m.end()
        found.sort(key=lambda c: (c.start, c.pattern))
        return found

    def reference_candidates(self, text: str) -> list[Candidate]:
        """The same candidates by brute force: each pattern's ``finditer`` over the whole text.

        Slow; the definition the two-stage search must agree with (used in tests).
        """
        found = []
        for index, compiled in enumerate(self._compiled):
            for m in compiled.finditer(text):
                if self._value_group[index]:
                    found.append(Candidate(index, m.start("value"), m.end("value")))
                else:
                    found.append(Candidate(index, m.start(), m.end()))
        found.sort(key=lambda c: (c.start, c.pattern))
        return found


__all__ = ["Candidate", "Engine", "EngineChoice", "EngineName", "hyperscan_available"]
