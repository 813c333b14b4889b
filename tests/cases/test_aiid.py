"""Reading AIID snapshots: the layout, encodings, limits and bad rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.cases.helpers import SNAPSHOT
from tianping.cases import MAX_FIELD_CHARS, CaseError, parse_snapshot, read_snapshot

TEXT = SNAPSHOT.read_text(encoding="utf-8")
HEADER = TEXT.splitlines()[0]


def test_the_vendored_snapshot_is_read_and_summarised() -> None:
    snapshot = read_snapshot(SNAPSHOT)
    assert len(snapshot.incidents) == 32
    assert snapshot.problem_count == 0
    uber = snapshot.get(4)
    assert uber is not None
    assert uber.date == dt.date(2018, 3, 18)
    assert uber.deployers == ("uber",)
    assert uber.url == "https://incidentdatabase.ai/cite/4"
    summary = snapshot.summary()
    assert summary["incidents"] == 32
    assert summary["first_date"] <= summary["last_date"]
    assert sum(summary["by_year"].values()) == 32
    assert summary["encoding"] == "utf-8"


def test_a_gbk_snapshot_is_read_like_a_utf8_one() -> None:
    row = '1,2,2020-01-01,"[1]","[""深圳某公司""]","[]","[]",人脸识别门禁误拒员工,门禁误拒\n'
    data = (HEADER + "\n" + row).encode("gbk")
    snapshot = parse_snapshot(data)
    assert snapshot.encoding == "gb18030"
    assert snapshot.incidents[0].title == "门禁误拒"
    assert snapshot.incidents[0].deployers == ("深圳某公司",)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ('x,abc,2020-01-01,"[]","[]","[]","[]",d,t', "is not a number"),
        ('x,5,01/02/2020,"[]","[]","[]","[]",d,t', "is not YYYY-MM-DD"),
        ('x,5,2020-01-01,"{}","[]","[]","[]",d,t', "not a JSON list"),
        ('x,5,2020-01-01,"[]","[]","[]","[]",d,', "the title is empty"),
        ('x,5,2020-01-01,"[]"', "is missing"),
        (f'x,5,2020-01-01,"[]","[]","[]","[]",{"d" * (MAX_FIELD_CHARS + 1)},t', "longer than"),
        ('x,4,2020-01-01,"[]","[]","[]","[]",d,t', "appears twice"),
    ],
)  # fmt: skip
def test_a_bad_row_is_skipped_with_its_line_and_reason(row: str, reason: str) -> None:
    snapshot = parse_snapshot((TEXT + row + "\n").encode())
    assert len(snapshot.incidents) == 32
    assert snapshot.problem_count == 1
    assert snapshot.problems[0].line == 34
    assert reason in snapshot.problems[0].reason


def test_a_file_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CaseError, match="missing columns incident_id"):
        read_snapshot(path)


def test_binary_and_missing_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CaseError, match="not a text file"):
        read_snapshot(path)
    with pytest.raises(CaseError, match="cannot read"):
        read_snapshot(tmp_path / "absent.csv")


def test_a_runaway_quoted_field_is_refused_not_read_whole() -> None:
    data = (TEXT + 'x,5,2020-01-01,"' + "a" * 200_000 + "\n").encode()
    with pytest.raises(CaseError, match="line 34"):
        parse_snapshot(data)
