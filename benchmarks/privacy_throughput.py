"""Tianping vs Presidio: scanning throughput (MB/s per core) and F1 on the same text.

Text: mostly clean mixed Chinese and English prose (filler sentences) with the
labelled samples of Tianping's synthetic corpus interleaved: after 2 % of the
lines by default ("mostly clean", about one value per 8 KB), and a second run
at 8 % ("dense", about one per 2 KB) to show how the rate falls with density.
Both tools look for the entity types Presidio's pattern recognizers cover:
email, phone, credit card, IP address, IBAN, US SSN.
Presidio runs with its predefined recognizers and a *blank* spaCy pipeline (no
NER model can be downloaded here), its default score threshold; Tianping with
its default engine (Hyperscan when installed) in one process.

    .venv/bin/python benchmarks/privacy_throughput.py [--mb 32] [--presidio-kb 256]

Prints MB/s of each, the ratio, the whole-file scan (read, decode, scan) rate,
Tianping with all 17 entities, the ``re`` fallback, and F1 of both tools side
by side per entity type on the labelled corpus (exact spans).
"""

from __future__ import annotations

import argparse
import logging
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tianping.privacy import Scanner, generate_corpus, scan
from tianping.privacy._evaluation import score_spans

OURS = ["email", "cn_mobile", "cn_landline", "bank_card", "ip_address", "iban", "us_ssn"]
PRESIDIO = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IP_ADDRESS", "IBAN_CODE", "US_SSN"]
# The common vocabulary for F1: Presidio has one PHONE_NUMBER for mobiles and landlines.
COMMON = {
    "email": "email",
    "cn_mobile": "phone",
    "cn_landline": "phone",
    "bank_card": "credit_card",
    "ip_address": "ip_address",
    "iban": "iban",
    "us_ssn": "us_ssn",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "credit_card",
    "IP_ADDRESS": "ip_address",
    "IBAN_CODE": "iban",
    "US_SSN": "us_ssn",
}
ZH = (
    "本次伦理审查涉及的数据集已经完成脱敏处理，审查委员会将在下周召开会议。",
    "模型在验证集上的准确率达到百分之九十二，召回率略有下降。",
    "根据相关规定，个人信息应当在境内存储，出境前须进行安全评估。",
    "用户反馈的问题已转交技术团队处理，预计三个工作日内答复。",
    "系统将在本周末进行例行维护，期间服务可能短暂中断。",
)
EN = (
    "The committee reviewed the model card, the data sheet and the evaluation results. ",
    "All services will be restarted during the maintenance window on Saturday night. ",
    "The dataset was collected with informed consent and stored in the mainland. ",
    "Fairness, privacy and robustness were assessed before deployment. ",
)


def mixed_text(megabytes: float, seed: int = 7, rate: float = 0.02) -> str:
    """Mixed Chinese / English filler with a labelled sample after ``rate`` of the lines."""
    rng = random.Random(seed)
    corpus = generate_corpus(seed=seed, documents=400)
    samples = [s.text for s in corpus.samples if s.text is not None]
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    while size < target:
        for _ in range(6):
            piece = rng.choice(ZH) if rng.random() < 0.5 else rng.choice(EN)
            parts.append(piece)
            size += len(piece.encode())
        if rng.random() < rate:
            piece = rng.choice(samples)
            parts.append(piece)
            size += len(piece.encode())
        parts.append("\n")
        size += 1
    return "".join(parts)


def presidio_analyzer() -> Any:
    """Presidio's AnalyzerEngine with its predefined recognizers and a blank spaCy pipeline."""
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    # No network here: use tldextract's bundled suffix list instead of fetching it.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    class BlankSpacy(SpacyNlpEngine):  # type: ignore[misc]
        def load(self) -> None:
            self.nlp = {"en": spacy.blank("en")}

    engine = BlankSpacy(models=[{"lang_code": "en", "model_name": "blank"}])
    engine.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=engine)
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])


def timed(function: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def chunks(text: str, size: int = 8 << 20) -> list[str]:
    out, start = [], 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        out.append(text[start:end])
        start = end
    return out


def f1_table(analyzer: Any, scanner: Scanner) -> None:
    corpus = generate_corpus(seed=2026, documents=300)
    texts = [s for s in corpus.samples if s.text is not None]
    truth = [
        (s.id, COMMON[label.entity], None, None, label.start, label.end)
        for s in texts
        for label in s.labels
        if label.entity in COMMON
    ]
    ours, theirs = [], []
    started = time.perf_counter()
    for sample in texts:
        for f in scanner.scan_text(sample.text or ""):
            ours.append((sample.id, COMMON[f.entity], None, None, f.start, f.end))
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    for sample in texts:
        for r in analyzer.analyze(sample.text, language="en", entities=PRESIDIO):
            theirs.append((sample.id, COMMON[r.entity_type], None, None, r.start, r.end))
    theirs_s = time.perf_counter() - started
    names = ["email", "phone", "credit_card", "ip_address", "iban", "us_ssn"]
    a = {s.entity: s for s in score_spans(truth, ours, names)}
    b = {s.entity: s for s in score_spans(truth, theirs, names)}
    print(f"\nF1 on the labelled corpus ({len(texts)} text samples, exact spans)")
    print(f"{'entity':<13}{'Tianping P/R/F1':>24}{'Presidio P/R/F1':>24}")
    for name in names:
        x, y = a[name], b[name]
        print(
            f"{name:<13}{x.precision:>8.3f}{x.recall:>8.3f}{x.f1:>8.3f}"
            f"{y.precision:>8.3f}{y.recall:>8.3f}{y.f1:>8.3f}"
        )
    tp = sum(s.tp for s in a.values()), sum(s.tp for s in b.values())
    fp = sum(s.fp for s in a.values()), sum(s.fp for s in b.values())
    fn = sum(s.fn for s in a.values()), sum(s.fn for s in b.values())
    micro = [2 * t / (2 * t + p + n) for t, p, n in zip(tp, fp, fn, strict=True)]
    print(f"{'micro F1':<13}{micro[0]:>24.3f}{micro[1]:>24.3f}")
    print(f"(corpus scan: Tianping {ours_s:.2f} s, Presidio {theirs_s:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=32.0, help="Tianping's text size (MB)")
    parser.add_argument("--presidio-kb", type=int, default=256, help="Presidio's text (KB)")
    parser.add_argument("--rate", type=float, default=0.02, help="lines followed by PII")
    parser.add_argument("--no-presidio", action="store_true")
    args = parser.parse_args()

    scanner = Scanner(entities=OURS)
    dense = mixed_text(args.mb / 2, rate=0.08)
    dense_pieces = chunks(dense)
    dense_encoded = [p.encode() for p in dense_pieces]
    seconds_dense, found_dense = timed(
        lambda: sum(
            len(scanner.scan_text(p, utf8=b))
            for p, b in zip(dense_pieces, dense_encoded, strict=True)
        )
    )
    dense_mb = len(dense.encode()) / 1e6
    print(f"dense text (8 % of lines with PII): {dense_mb / seconds_dense:8.1f} MB/s "
          f"({found_dense} findings in {dense_mb:.1f} MB)")  # fmt: skip

    text = mixed_text(args.mb, rate=args.rate)
    data = text.encode()
    megabytes = len(data) / 1e6
    print(f"text: {megabytes:.1f} MB, {len(text):,} characters, mixed Chinese / English")
    pieces = chunks(text)
    encoded = [p.encode() for p in pieces]

    def ours() -> int:
        return sum(len(scanner.scan_text(p, utf8=b)) for p, b in zip(pieces, encoded, strict=True))

    seconds, count = timed(ours)
    rate = megabytes / seconds
    print(f"Tianping ({scanner.engine}, Presidio's entity types): {rate:8.1f} MB/s  "
          f"({count} findings in {seconds:.2f} s)")  # fmt: skip

    everything = Scanner()

    def all_entities() -> int:
        return sum(
            len(everything.scan_text(p, utf8=b)) for p, b in zip(pieces, encoded, strict=True)
        )

    seconds_all, count_all = timed(all_entities)
    print(f"Tianping ({everything.engine}, all 17 entities):        {megabytes / seconds_all:8.1f} "
          f"MB/s  ({count_all} findings)")  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mixed.txt"
        path.write_bytes(data)
        seconds_file, _report = timed(lambda: scan([path], entities=OURS), repeat=2)
        print(f"Tianping scan() of the file (read + decode + scan, 1 process): "
              f"{megabytes / seconds_file:8.1f} MB/s")  # fmt: skip

    regex = Scanner(entities=OURS, engine="re")
    small = text[:4_000_000]
    seconds_re, _ = timed(lambda: regex.scan_text(small), repeat=1)
    print(f"Tianping (re fallback, Presidio's entity types):  "
          f"{len(small.encode()) / 1e6 / seconds_re:8.1f} MB/s")  # fmt: skip

    if args.no_presidio:
        return
    analyzer = presidio_analyzer()
    sample = text[: args.presidio_kb * 1000 // 2]
    sample_mb = len(sample.encode()) / 1e6
    analyzer.analyze("warm up 13912345678", language="en", entities=PRESIDIO)
    seconds_p, results = timed(
        lambda: analyzer.analyze(sample, language="en", entities=PRESIDIO), repeat=1
    )
    presidio_rate = sample_mb / seconds_p
    print(f"Presidio (pattern recognizers, blank spaCy):      {presidio_rate:8.3f} MB/s  "
          f"({len(results)} results on {sample_mb:.2f} MB in {seconds_p:.2f} s)")  # fmt: skip
    print(f"ratio Tianping / Presidio: {rate / presidio_rate:,.0f}x")
    f1_table(analyzer, scanner)


if __name__ == "__main__":
    main()
