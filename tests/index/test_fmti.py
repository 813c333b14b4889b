"""The engine reproduces Stanford's Foundation Model Transparency Index, edition by edition."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tianping.index import (
    FMTI_DIR,
    FMTIDataError,
    read_fmti,
    read_fmti_edition,
    reproduce_fmti,
)

MEANS = {"October2023": Decimal("37.0"), "May2024": Decimal("57.9"), "Dec2025": Decimal("40.7")}
LAYOUTS = {  # byte-order mark, domain columns, totals row
    "October2023": (True, True, True),
    "May2024": (False, False, True),
    "Dec2025": (False, False, False),
}


@pytest.mark.parametrize("name", sorted(MEANS))
def test_each_edition_is_reproduced_exactly(name: str) -> None:
    edition = read_fmti_edition(FMTI_DIR / name)
    assert (edition.byte_order_mark, edition.domain_columns, edition.totals_row) == LAYOUTS[name]
    assert len(edition.indicators) == 100
    result = reproduce_fmti(edition)
    assert result.mismatches == ()
    totals = {c.name: c.total for c in result.companies}
    # Every company's total equals the published one: the file's totals row and the chart.
    assert edition.published_totals and set(edition.published_totals) == set(totals)
    for company, published in edition.published_totals.items():
        assert totals[company] == published
    if edition.file_totals is not None:
        assert dict(edition.file_totals) == {k: int(v) for k, v in totals.items()}
    # Subdomain scores, where the edition publishes them (its heat map), all checked.
    assert len(edition.published_subdomains) >= 13 * len(edition.companies)
    assert result.checks == (
        len(edition.file_totals or {})
        + len(edition.published_totals)
        + len(edition.published_subdomains)
        + 1
    )
    assert result.mean_rounded == MEANS[name] == edition.published_mean


def test_domain_points_add_up_to_the_total() -> None:
    for edition in read_fmti():
        for company in reproduce_fmti(edition).companies:
            assert sum(company.domains.values()) == company.total
            assert set(company.domains) == {"Upstream", "Model", "Downstream"}


def test_a_changed_score_is_caught_as_a_mismatch(tmp_path: Path) -> None:
    folder = tmp_path / "October2023"
    shutil.copytree(FMTI_DIR / "October2023", folder)
    path = folder / "October2023_scores.csv"
    data = path.read_bytes().replace(
        b"Upstream,Data,Data size,1,", b"Upstream,Data,Data size,0,", 1
    )
    path.write_bytes(data)
    result = reproduce_fmti(read_fmti_edition(folder))
    assert any(m.startswith("Meta: total 53") for m in result.mismatches)


def _edition_with(tmp_path: Path, name: str, text: bytes) -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / f"{name}_scores.csv").write_bytes(text)
    return folder


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (b"", "empty"),
        (b"Name,A\nx,1\n", "header starts neither"),
        (b"Indicator,A,B\nx,1,2\n", "not 0 or 1"),
        (b"Indicator,A,B\nx,1\n", "fewer than the header"),
        (b"Indicator,A,B\nTotal,1,1\nx,1,0\n", "must be the last row"),
        (b"Indicator,A,A\nx,1,0\n", "each company once"),
        (b"Indicator,A\nx,\x001\n", "NUL"),
        (b"\xff\xfeI\x00n\x00", "not UTF-8"),
        (b"Indicator,A\n", "scores no indicator"),
    ],
)
def test_hostile_score_files_give_clear_errors(tmp_path: Path, text: bytes, problem: str) -> None:
    folder = _edition_with(tmp_path, "Dec2025", text)
    with pytest.raises(FMTIDataError, match=problem) as caught:
        read_fmti_edition(folder)
    assert str(folder) in str(caught.value) and caught.value.hint


def test_a_folder_without_editions_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FMTIDataError, match="none of the folders"):
        read_fmti(tmp_path)
    with pytest.raises(FMTIDataError, match="not a folder"):
        read_fmti(tmp_path / "absent")
