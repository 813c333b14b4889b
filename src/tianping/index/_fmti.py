"""Stanford's Foundation Model Transparency Index (FMTI), read and scored by the index engine.

Each edition's scores file has its own layout, and the reader handles each:

``October2023``
    a UTF-8 byte-order mark, CRLF lines, ``Domain,Subdomain,Indicator`` columns,
    one column per company, a ``Total`` column (companies meeting the indicator)
    and a ``Total`` row (each company's total score);
``May2024``
    ``Indicator`` and the companies, a ``Total`` row, no domains: the same 100
    indicators in the same order as October 2023 (two renamed), whose domains
    and subdomains apply;
``Dec2025``
    ``Indicator`` and the companies, no totals; domains and subdomains come from
    ``Dec2025_indicators.csv``.

Each indicator becomes a binary indicator of equal weight (scored by two
raters in the FMTI, so here a rating with the published consensus score), each
domain weighs its number of indicators, and :func:`reproduce_fmti` checks the
engine's totals, subdomain scores and mean against the published ones: the
totals row where the file has one, and ``published.csv`` (the published charts'
values, see ``data/fmti/README.md``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType

from tianping.index import _errors as msg
from tianping.index._errors import FMTIDataError
from tianping.index._models import (
    Domain,
    Indicator,
    Rating,
    Rule,
    Specification,
    SystemEvidence,
)
from tianping.index._scoring import score
from tianping.text import LocalizedText

FMTI_DIR = Path(__file__).resolve().parent / "data" / "fmti"
"""The vendored FMTI data (CC BY 4.0)."""

EDITIONS = ("October2023", "May2024", "Dec2025")
"""The editions, oldest first; each is a folder of the data directory."""

MAX_FMTI_BYTES = 4 * 1024 * 1024
"""The largest FMTI file read (the largest shipped is 77 KB)."""

MAY2024_RENAMES: Mapping[str, str] = MappingProxyType(
    {
        "Release decision-making": "Release decision-making protocol",
        "License": "Model Asset License",
    }
)
"""May 2024 indicator names that differ from October 2023's at the same place."""

CHART_LABELS: Mapping[str, str] = MappingProxyType(
    {"labor": "data labor", "mitigations": "model mitigations"}
)
"""Chart labels (lower case) that name a subdomain of the scores files differently."""

RATERS = Rule("raters", MappingProxyType({"raters": 2}))


@dataclass(frozen=True, slots=True)
class FMTIIndicator:
    name: str
    domain: str
    subdomain: str


@dataclass(frozen=True, slots=True)
class FMTIEdition:
    """One edition: its layout, indicators, each company's 0/1 scores, the published values.

    ``file_totals`` is the scores file's totals row (``None`` when it has none);
    ``published_totals`` / ``published_subdomains`` (percent, by chart label) /
    ``published_mean`` come from ``published.csv`` when present.
    """

    name: str
    byte_order_mark: bool
    domain_columns: bool
    totals_row: bool
    companies: tuple[str, ...]
    indicators: tuple[FMTIIndicator, ...]
    scores: Mapping[str, tuple[int, ...]]
    file_totals: Mapping[str, int] | None
    published_totals: Mapping[str, int]
    published_subdomains: Mapping[tuple[str, str], int]
    published_mean: Decimal | None


@dataclass(frozen=True, slots=True)
class FMTICompany:
    """The engine's result for one company.

    Its total points, its points per domain and its percentage per subdomain.
    """

    name: str
    total: Fraction
    domains: Mapping[str, Fraction]
    subdomains: Mapping[str, Fraction]


@dataclass(frozen=True, slots=True)
class FMTIReproduction:
    """An edition scored by the engine and compared with the published values.

    ``checks`` counts the published values compared; ``mismatches`` describes
    each that differs (empty: reproduced exactly).
    """

    edition: str
    companies: tuple[FMTICompany, ...]
    mean: Fraction
    checks: int
    mismatches: tuple[str, ...]

    @property
    def mean_rounded(self) -> Decimal:
        """The mean total to one decimal, rounded half up (as published)."""
        return round_half_up(self.mean, "0.1")


def round_half_up(value: Fraction, quantum: str) -> Decimal:
    """``value`` rounded half up to ``quantum`` (``"0.1"``, ``"1"``), exactly."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(quantum), rounding=ROUND_HALF_UP)


def _fail(source: Path | str, problem: str) -> FMTIDataError:
    return FMTIDataError(
        msg.ERR_FMTI, hint=msg.HINT_FMTI, params={"source": str(source), "problem": problem}
    )


def _read(path: Path) -> tuple[list[list[str]], bool]:
    """The rows of a CSV file and whether it starts with a byte-order mark."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FMTI_BYTES + 1)
    except FileNotFoundError as exc:
        raise _fail(path, "the file is missing") from exc
    except OSError as exc:
        raise _fail(path, exc.strerror or str(exc)) from exc
    if len(data) > MAX_FMTI_BYTES:
        raise _fail(path, f"larger than {MAX_FMTI_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"not UTF-8 text (byte {exc.start})") from exc
    if "\x00" in text:
        raise _fail(path, "contains a NUL character: not a text CSV file")
    try:
        rows = [
            row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)
        ]
    except csv.Error as exc:
        raise _fail(path, f"not CSV: {exc}") from exc
    if not rows:
        raise _fail(path, "the file is empty")
    return rows, data.startswith(b"\xef\xbb\xbf")


def _scores_file(folder: Path) -> Path:
    return folder / f"{folder.name}_scores.csv"


def _parse_scores(
    path: Path, rows: list[list[str]]
) -> tuple[
    bool, list[str], list[tuple[str, str, str]], dict[str, list[int]], dict[str, int] | None
]:
    header = [cell.strip() for cell in rows[0]]
    domain_columns = header[:3] == ["Domain", "Subdomain", "Indicator"]
    if not domain_columns and header[:1] != ["Indicator"]:
        raise _fail(
            path, "the header starts neither with Domain,Subdomain,Indicator nor with Indicator"
        )
    first = 3 if domain_columns else 1
    companies = header[first:]
    if companies and companies[-1] == "Total":
        companies = companies[:-1]
    if not companies or len(set(companies)) != len(companies) or not all(companies):
        raise _fail(path, "the header must name each company once")
    indicators: list[tuple[str, str, str]] = []
    scores: dict[str, list[int]] = {c: [] for c in companies}
    totals: dict[str, int] | None = None
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < first + len(companies):
            raise _fail(
                path,
                f"line {number} has {len(row)} cells, "
                f"fewer than the header's {first + len(companies)}",
            )
        name = row[first - 1].strip()
        cells = [cell.strip() for cell in row[first : first + len(companies)]]
        if name == "Total":
            if totals is not None or number != len(rows):
                raise _fail(path, f"line {number}: a Total row must be the last row")
            if not all(c.isdigit() and len(c) <= 3 for c in cells):
                raise _fail(path, f"line {number}: each total must be a whole number")
            totals = {c: int(v) for c, v in zip(companies, cells, strict=True)}
            continue
        if not name:
            raise _fail(path, f"line {number} names no indicator")
        for company, cell in zip(companies, cells, strict=True):
            if cell not in ("0", "1"):
                raise _fail(
                    path, f"line {number}, {company}: the score {cell[:20]!r} is not 0 or 1"
                )
            scores[company].append(int(cell))
        domain, subdomain = (row[0].strip(), row[1].strip()) if domain_columns else ("", "")
        indicators.append((name, domain, subdomain))
    if not indicators:
        raise _fail(path, "the file scores no indicator")
    return domain_columns, companies, indicators, scores, totals


def _structure(
    name: str, folder: Path, indicators: list[tuple[str, str, str]]
) -> tuple[FMTIIndicator, ...]:
    if all(domain and sub for _, domain, sub in indicators):
        return tuple(FMTIIndicator(*entry) for entry in indicators)
    if name == "May2024":
        reference = folder.parent / "October2023"
        _, _, earlier, _, _ = _parse_scores(
            _scores_file(reference), _read(_scores_file(reference))[0]
        )
        if len(earlier) != len(indicators):
            raise _fail(folder, "May 2024 must score the 100 indicators of October 2023, in order")
        result = []
        for (name_now, _, _), (name_then, domain, sub) in zip(indicators, earlier, strict=True):
            if name_now.strip() != name_then.strip() and MAY2024_RENAMES.get(name_now) != name_then:
                raise _fail(
                    folder, f"May 2024 indicator {name_now!r} is not October 2023's {name_then!r}"
                )
            result.append(FMTIIndicator(name_now, domain, sub))
        return tuple(result)
    path = folder / f"{name}_indicators.csv"
    rows, _ = _read(path)
    header = [cell.strip() for cell in rows[0]]
    if header[:3] != ["Domain", "Subdomain", "Indicator"]:
        raise _fail(path, "the header must start with Domain,Subdomain,Indicator")
    where = {row[2].strip(): (row[0].strip(), row[1].strip()) for row in rows[1:] if len(row) >= 3}
    missing = [n for n, _, _ in indicators if n.strip() not in where]
    if missing:
        raise _fail(path, f"no domain for indicator {missing[0]!r}")
    return tuple(FMTIIndicator(n, *where[n.strip()]) for n, _, _ in indicators)


def _published(
    path: Path, companies: Sequence[str]
) -> tuple[dict[str, int], dict[tuple[str, str], int], Decimal | None]:
    totals: dict[str, int] = {}
    subdomains: dict[tuple[str, str], int] = {}
    mean: Decimal | None = None
    if not path.exists():
        return totals, subdomains, mean
    rows, _ = _read(path)
    if [c.strip() for c in rows[0][:4]] != ["measure", "label", "company", "value"]:
        raise _fail(path, "the header must be measure,label,company,value,source")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < 4:
            raise _fail(path, f"line {number} has fewer than four cells")
        measure, label, company, value = (cell.strip() for cell in row[:4])
        try:
            if measure == "mean":
                mean = Decimal(value)
                continue
            number_value = int(value)
        except (ArithmeticError, ValueError) as exc:
            raise _fail(path, f"line {number}: {value[:20]!r} is not a number") from exc
        if company not in companies:
            raise _fail(
                path, f"line {number}: {company[:50]!r} is not a company of the scores file"
            )
        if measure == "total":
            totals[company] = number_value
        elif measure == "subdomain":
            subdomains[(label, company)] = number_value
        else:
            raise _fail(path, f"line {number}: unknown measure {measure[:20]!r}")
    return totals, subdomains, mean


def read_fmti_edition(folder: str | Path) -> FMTIEdition:
    """One edition from its folder (``…/October2023``, ``…/May2024`` or ``…/Dec2025``)."""
    folder = Path(folder)
    name = folder.name
    rows, bom = _read(_scores_file(folder))
    domain_columns, companies, raw, scores, totals = _parse_scores(_scores_file(folder), rows)
    indicators = _structure(name, folder, raw)
    published = _published(folder / "published.csv", companies)
    return FMTIEdition(
        name=name,
        byte_order_mark=bom,
        domain_columns=domain_columns,
        totals_row=totals is not None,
        companies=tuple(companies),
        indicators=indicators,
        scores=MappingProxyType({c: tuple(v) for c, v in scores.items()}),
        file_totals=None if totals is None else MappingProxyType(totals),
        published_totals=MappingProxyType(published[0]),
        published_subdomains=MappingProxyType(published[1]),
        published_mean=published[2],
    )


def read_fmti(directory: str | Path | None = None) -> tuple[FMTIEdition, ...]:
    """Every edition found in ``directory`` (default: the vendored data), oldest first."""
    root = FMTI_DIR if directory is None else Path(directory)
    if not root.is_dir():
        raise _fail(root, "not a folder")
    found = tuple(read_fmti_edition(root / e) for e in EDITIONS if (root / e).is_dir())
    if not found:
        raise _fail(root, f"holds none of the folders {', '.join(EDITIONS)}")
    return found


def fmti_specification(edition: FMTIEdition) -> Specification:
    """The edition as a specification: binary indicators of equal weight, domains by their size."""
    sizes: dict[str, int] = {}
    for indicator in edition.indicators:
        sizes[indicator.domain] = sizes.get(indicator.domain, 0) + 1
    domains = tuple(Domain(d, LocalizedText(zh=d, en=d), Fraction(n)) for d, n in sizes.items())
    indicators = tuple(
        Indicator(
            id=f"fmti.{number:03d}",
            domain=i.domain,
            name=LocalizedText(zh=i.name.strip(), en=i.name.strip()),
            definition=LocalizedText(zh=i.name.strip(), en=i.name.strip()),
            scale="binary",
            weight=Fraction(1),
            rule=RATERS,
            levels=1,
            subdomain=i.subdomain,
        )
        for number, i in enumerate(edition.indicators, start=1)
    )
    title = f"Foundation Model Transparency Index, {edition.name}"
    return Specification(
        version=f"fmti-{edition.name}",
        title=LocalizedText(zh=title, en=title),
        domains=domains,
        indicators=indicators,
        concentration=100.0,
        reply_period_days=30,
        source=edition.name,
    )


def fmti_evidence(edition: FMTIEdition, spec: Specification) -> tuple[SystemEvidence, ...]:
    """Each company's published scores as resolved ratings (the FMTI's two raters' consensus)."""
    note = f"FMTI {edition.name} published score"
    return tuple(
        SystemEvidence(
            system=company,
            name=company,
            items=(),
            ratings=tuple(
                Rating(indicator.id, MappingProxyType({}), value, note)
                for indicator, value in zip(spec.indicators, edition.scores[company], strict=True)
            ),
        )
        for company in edition.companies
    )


def _label_subdomain(label: str, subdomains: Sequence[str]) -> str | None:
    wanted = CHART_LABELS.get(label.strip().lower(), label.strip().lower())
    return next((s for s in subdomains if s.strip().lower() == wanted), None)


def reproduce_fmti(edition: FMTIEdition) -> FMTIReproduction:
    """Score ``edition`` with the engine and compare it with every published value."""
    spec = fmti_specification(edition)
    companies = []
    for system in fmti_evidence(edition, spec):
        card = score(spec, system)
        companies.append(
            FMTICompany(
                name=system.system,
                total=card.total,
                domains=MappingProxyType({d.id: d.points for d in card.domains}),
                subdomains=MappingProxyType({d.id: d.score for d in card.subdomains}),
            )
        )
    by_name = {c.name: c for c in companies}
    mismatches: list[str] = []
    checks = 0
    for source, totals in (
        ("totals row", edition.file_totals or {}),
        ("published chart", edition.published_totals),
    ):
        for company, value in totals.items():
            checks += 1
            if by_name[company].total != value:
                mismatches.append(f"{company}: total {by_name[company].total} ≠ {value} ({source})")
    subdomain_names = [i.subdomain for i in edition.indicators]
    for (label, company), value in edition.published_subdomains.items():
        checks += 1
        sub = _label_subdomain(label, subdomain_names)
        if sub is None:
            mismatches.append(f"{label}: no subdomain of the scores files has this name")
            continue
        mine = round_half_up(by_name[company].subdomains[sub], "1")
        if mine != value:
            mismatches.append(f"{company}, {label}: {mine}% ≠ {value}% (published chart)")
    mean = sum((c.total for c in companies), Fraction(0)) / len(companies)
    if edition.published_mean is not None:
        checks += 1
        if round_half_up(mean, "0.1") != edition.published_mean:
            mismatches.append(f"mean {round_half_up(mean, '0.1')} ≠ {edition.published_mean}")
    return FMTIReproduction(edition.name, tuple(companies), mean, checks, tuple(mismatches))


__all__ = [
    "CHART_LABELS",
    "EDITIONS",
    "FMTI_DIR",
    "MAY2024_RENAMES",
    "FMTICompany",
    "FMTIEdition",
    "FMTIIndicator",
    "FMTIReproduction",
    "fmti_evidence",
    "fmti_specification",
    "read_fmti",
    "read_fmti_edition",
    "reproduce_fmti",
    "round_half_up",
]
