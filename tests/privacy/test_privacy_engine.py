"""The two engines give the same candidates as each pattern's finditer over the whole text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tianping.privacy import Engine, Scanner, generate_corpus, hyperscan_available, load_detectors

from .conftest import AS_OF, SALT

PATTERNS = load_detectors().patterns
CORPUS = generate_corpus(seed=11, documents=120, as_of=AS_OF)
TEXTS = [s.text for s in CORPUS.samples if s.text is not None]
needs_hyperscan = pytest.mark.skipif(not hyperscan_available(), reason="hyperscan not installed")

# Pieces that stress boundaries: digits, CJK, separators, partial identifiers.
PIECES = st.sampled_from(
    [
        "11010519491231002X", "13912345678", "+86 ", "6222020200112345679", "4539 5787 6362 1486",
        "a.b@example.com", "192.168.1.20", "fe80::1", "00:1A:2B:3C:4D:5E", "219-09-9998",
        "出生日期：", "1990-05-01", "姓名：", "张伟", "先生", "京A12345",
        "浙江省杭州市西湖区文三路90号",
        "GB82 WEST 1234 5698 7654 32", "39.904200, 116.407400", "卡号", "，", "。", " ", "\n",
        "0", "9", "X", "-", ".", ":", "号", "E12345678", "订单号", "Name: ", "John Smith",
    ]
)  # fmt: skip


ENGINES = [Engine(PATTERNS, "re")] + (
    [Engine(PATTERNS, "hyperscan")] if hyperscan_available() else []
)


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_the_two_stage_search_equals_whole_text_finditer_on_the_corpus(engine: Engine) -> None:
    for text in TEXTS:
        assert engine.candidates(text) == engine.reference_candidates(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, min_size=1, max_size=25).map("".join))
def test_engines_agree_on_adversarial_concatenations(text: str) -> None:
    reference = ENGINES[0].reference_candidates(text)
    for engine in ENGINES:
        assert engine.candidates(text) == reference


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_engines_agree_on_arbitrary_unicode(text: str) -> None:
    reference = ENGINES[0].reference_candidates(text)
    for engine in ENGINES:
        assert engine.candidates(text) == reference


@needs_hyperscan
def test_hyperscan_and_re_scanners_report_identical_findings() -> None:
    hs = Scanner(salt=SALT, as_of=AS_OF, engine="hyperscan")
    rx = Scanner(salt=SALT, as_of=AS_OF, engine="re")
    assert hs.engine == "hyperscan" and rx.engine == "re"
    for sample in CORPUS.samples:
        if sample.text is not None:
            assert hs.scan_text(sample.text) == rx.scan_text(sample.text)
        else:
            assert hs.scan_table(sample.columns) == rx.scan_table(sample.columns)


def test_text_with_lone_surrogates_is_scanned_without_error() -> None:
    for engine in ENGINES:
        assert [c.pattern for c in engine.candidates("\ud800 13912345678")] != []


def test_an_unknown_engine_is_an_error() -> None:
    from tianping.privacy import DetectorError

    with pytest.raises(DetectorError):
        Engine(PATTERNS, "pcre")  # type: ignore[arg-type]
