"""Tables: CSV / TSV / JSON Lines / Parquet column-wise, dataframes, profiles, PIPL classes."""

from __future__ import annotations

import json

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tianping.privacy import (
    PrivacyDataError,
    Scanner,
    profile_table,
    resident_id_check_character,
    scan,
)

from .conftest import AS_OF, SALT


def child_id() -> str:
    first = "110105" + "20180302" + "123"
    return first + resident_id_check_character(first)


COLUMNS = {
    "name": ["张伟", "李娜", None],
    "id_number": ["11010519491231002X", child_id(), ""],
    "phone": ["13912345678", "0571-87654321", "n/a"],
    "diagnosis": ["flu", "cold", "none"],
    "order_no": ["6222020200112345679", "123", "456"],
    "notes": ["回拨电话13812345678", "客户来电", None],
}
EXPECTED = [
    (0, "name", "person_name"),
    (0, "id_number", "cn_resident_id"),
    (0, "phone", "cn_mobile"),
    (0, "notes", "cn_mobile"),
    (1, "name", "person_name"),
    (1, "id_number", "cn_resident_id"),
    (1, "phone", "cn_landline"),
]


def found(findings) -> list[tuple[int | None, str | None, str]]:
    return sorted((f.row, f.column, f.entity) for f in findings)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(COLUMNS),
        pl.DataFrame(COLUMNS),
        pa.table(COLUMNS),
        COLUMNS,
    ],
    ids=["pandas", "polars", "pyarrow", "mapping"],
)
def test_dataframes_of_every_kind_give_the_same_findings(scanner: Scanner, frame) -> None:
    assert found(scanner.scan_table(frame)) == sorted(EXPECTED)


def test_lazy_frames_are_collected(scanner: Scanner) -> None:
    assert found(scanner.scan_table(pl.DataFrame(COLUMNS).lazy())) == sorted(EXPECTED)


def test_unsupported_data_is_an_error(scanner: Scanner) -> None:
    with pytest.raises(PrivacyDataError):
        scanner.scan_table(42)


def _write(tmp_path, fmt: str):
    frame = pd.DataFrame(COLUMNS)
    if fmt == "csv":
        path = tmp_path / "t.csv"
        frame.to_csv(path, index=False)
    elif fmt == "tsv":
        path = tmp_path / "t.tsv"
        frame.to_csv(path, index=False, sep="\t")
    elif fmt == "jsonl":
        path = tmp_path / "t.jsonl"
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        path = tmp_path / "t.parquet"
        frame.to_parquet(path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "parquet"])
def test_table_files_are_scanned_column_wise(tmp_path, fmt) -> None:
    report = scan([_write(tmp_path, fmt)], salt=SALT, as_of=AS_OF)
    assert found(report.findings) == sorted(EXPECTED)
    assert report.sources[0].kind == "table" and report.sources[0].rows == 3


def test_csv_cells_keep_their_leading_zeros(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("landline\n057187654321\n", encoding="utf-8")
    report = scan([path], salt=SALT, as_of=AS_OF)
    assert [(f.entity, f.masked) for f in report.findings] == [("cn_landline", "0571******21")]


def test_gbk_csv_and_bad_rows_are_handled(tmp_path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        "姓名,手机号\n张伟,13912345678\n李娜,13812345678,extra\n王芳,13712345678\n".encode("gbk")
    )
    report = scan([path], salt=SALT, as_of=AS_OF)
    assert report.sources[0].encoding == "gb18030"
    assert report.sources[0].bad_rows == 1
    assert found(report.findings) == [
        (0, "姓名", "person_name"), (0, "手机号", "cn_mobile"),
        (1, "姓名", "person_name"), (1, "手机号", "cn_mobile"),
    ]  # fmt: skip


def test_jsonl_lines_that_are_not_json_are_scanned_whole(tmp_path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(
        json.dumps({"user": {"email": "a.b@example.com"}}) + "\nnot json 13912345678\n",
        encoding="utf-8",
    )
    report = scan([path], salt=SALT, as_of=AS_OF)
    assert found(report.findings) == [(0, "user", "email"), (1, "(unparsed)", "cn_mobile")]
    assert report.sources[0].bad_rows == 1


def test_a_broken_parquet_file_is_skipped_and_the_scan_goes_on(tmp_path) -> None:
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
    (tmp_path / "ok.txt").write_text("13912345678", encoding="utf-8")
    report = scan([tmp_path], salt=SALT, as_of=AS_OF)
    sources = {s.path.split("/")[-1]: s for s in report.sources}
    assert (
        sources["bad.parquet"].status == "skipped" and sources["bad.parquet"].reason == "bad_table"
    )
    assert len(report.findings) == 1


def test_profiles_give_the_entity_mix_share_and_pipl_class_per_column(tmp_path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table(COLUMNS), path)
    profile = profile_table(path, as_of=AS_OF)
    assert profile.rows == 3
    ids = profile.column("id_number")
    assert ids.entities == {"cn_resident_id": 2}
    assert ids.share == pytest.approx(2 / 3)
    assert ids.minors == 1
    assert ids.pipl_class == "sensitive"  # a child's ID: PIPL Art. 28
    assert set(ids.reasons) == {"entity:cn_resident_id", "minors"}
    assert profile.column("phone").pipl_class == "ordinary"
    assert profile.column("diagnosis").pipl_class == "sensitive"  # by its name: health
    assert profile.column("diagnosis").hints == ("medical_health",)
    assert profile.column("order_no").pipl_class == "none"
    assert profile.pipl_class == "sensitive" and profile.minors and profile.minor_rows == 1
    assert profile.rows_with_findings == 2


def test_an_adult_id_column_is_high_risk() -> None:
    profile = profile_table({"id": ["11010519491231002X", "x"]}, as_of=AS_OF)
    assert profile.column("id").pipl_class == "high-risk"
    assert profile.to_json()["pipl_label"] == "high-risk personal information"
    assert profile.to_json(language="zh")["pipl_label"] == "高风险个人信息"


def test_profiling_a_missing_or_unknown_file_is_an_error(tmp_path) -> None:
    with pytest.raises(PrivacyDataError):
        profile_table(tmp_path / "missing.csv")
    (tmp_path / "x.docx").write_text("x")
    with pytest.raises(PrivacyDataError):
        profile_table(tmp_path / "x.docx")
