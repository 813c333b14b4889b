"""De-identification by policy: each action, same columns out, keys, bad policies."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tianping.privacy import (
    PolicyError,
    PrivacyDataError,
    address_city,
    band_label,
    deidentify,
    deidentify_frame,
    load_policy,
    mask_text,
    policy_from_mapping,
)

KEY = "0123456789abcdef-test-key"
POLICY = {
    "format": "tianping.privacy.policy",
    "version": 1,
    "columns": {
        "name": {"action": "mask", "keep_start": 1},
        "id_number": {"action": "hash", "length": 16},
        "birth": {"action": "generalise", "to": "month"},
        "age": {"action": "generalise", "bands": [0, 14, 18, 65, 120]},
        "address": {"action": "generalise", "to": "city"},
        "email": "drop",
        "notes": "redact",
    },
}
ROWS = {
    "name": ["张伟", "欧阳娜娜"],
    "id_number": ["11010519491231002X", "11010519491231002X"],
    "birth": [dt.date(1990, 5, 17), dt.date(2015, 1, 2)],
    "age": [36, 11],
    "address": ["浙江省杭州市西湖区文三路90号", "北京市朝阳区建国路88号"],
    "email": ["a.b@example.com", None],
    "notes": ["回拨电话13912345678谢谢", "无"],
    "kept": ["x", "y"],
}


@pytest.fixture
def policy(monkeypatch):
    monkeypatch.setenv("TIANPING_DEID_KEY", KEY)
    return policy_from_mapping(POLICY)


def test_each_action_does_what_it_says(policy) -> None:
    out = deidentify_frame(pa.table(ROWS), policy).to_pydict()
    assert out["name"] == ["张*", "欧***"]
    assert out["id_number"][0] == out["id_number"][1] and len(out["id_number"][0]) == 16
    assert out["birth"] == [dt.date(1990, 5, 1), dt.date(2015, 1, 1)]
    assert out["age"] == ["18-65", "0-14"]
    assert out["address"] == ["浙江省杭州市", "北京市"]
    assert out["email"] == [None, None]
    assert out["notes"] == ["回拨电话139******78谢谢", "无"]
    assert out["kept"] == ["x", "y"]


def test_the_output_keeps_the_columns_and_their_order(policy) -> None:
    table = pa.table(ROWS)
    out = deidentify_frame(table, policy)
    assert out.schema.names == table.schema.names
    assert out.schema.field("birth").type == table.schema.field("birth").type
    assert out.schema.field("email").type == table.schema.field("email").type


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_dataframes_come_back_as_the_same_kind(policy, kind) -> None:
    frame = pd.DataFrame(ROWS) if kind == "pandas" else pl.DataFrame(ROWS)
    out = deidentify_frame(frame, policy)
    assert type(out) is type(frame)
    assert list(out.columns) == list(ROWS)


def test_hashes_depend_on_the_key(monkeypatch) -> None:
    monkeypatch.setenv("TIANPING_DEID_KEY", KEY)
    a = deidentify_frame(pa.table(ROWS), policy_from_mapping(POLICY))["id_number"][0]
    monkeypatch.setenv("TIANPING_DEID_KEY", KEY + "2")
    b = deidentify_frame(pa.table(ROWS), policy_from_mapping(POLICY))["id_number"][0]
    assert a != b
    assert "11010519491231002X" not in (str(a) + str(b))


def test_hashing_without_a_key_fails_closed(monkeypatch) -> None:
    monkeypatch.delenv("TIANPING_DEID_KEY", raising=False)
    with pytest.raises(PolicyError, match="TIANPING_DEID_KEY"):
        deidentify_frame(pa.table(ROWS), policy_from_mapping(POLICY))


def test_a_key_file_may_hold_the_key(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("TIANPING_DEID_KEY", raising=False)
    key = tmp_path / "key"
    key.write_bytes(b"k" * 32)
    policy = policy_from_mapping({**POLICY, "key": {"file": str(key)}})
    assert deidentify_frame(pa.table(ROWS), policy)["id_number"][0] is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"columns": {"a": "shred"}}, "action"),
        ({"columns": {"a": {"action": "generalise"}}}, "month"),
        ({"columns": {"a": {"action": "generalise", "to": "week"}}}, "month"),
        ({"columns": {"a": {"action": "generalise", "bands": [5, 1]}}}, "increasing"),
        ({"columns": {"a": {"action": "mask", "colour": 1}}}, "unknown"),
        ({"columns": {"a": "keep"}, "default": "mask"}, "default"),
        ({"format": "other"}, "format"),
    ],
)
def test_invalid_policies_are_refused(change, message) -> None:
    with pytest.raises(PolicyError, match=message):
        policy_from_mapping({**POLICY, **change})


def test_a_policy_naming_a_missing_column_is_an_error(policy) -> None:
    with pytest.raises(PrivacyDataError, match="name"):
        deidentify_frame(pa.table({"other": [1]}), policy)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "parquet"])
def test_files_are_written_in_the_same_format(tmp_path, policy, fmt) -> None:
    frame = pd.DataFrame(ROWS)
    frame["birth"] = frame["birth"].astype(str)
    source, target = tmp_path / f"in.{fmt}", tmp_path / f"out.{fmt}"
    if fmt == "parquet":
        pq.write_table(pa.table(ROWS), source)
    elif fmt == "jsonl":
        frame.to_json(source, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_csv(source, index=False, sep="\t" if fmt == "tsv" else ",")
    result = deidentify(source, target, policy)
    assert result.rows == 2
    if fmt == "parquet":
        out = pq.read_table(target)
        assert out.schema.names == list(ROWS)
        assert out.column("birth").to_pylist() == [dt.date(1990, 5, 1), dt.date(2015, 1, 1)]
    elif fmt == "jsonl":
        records = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
        assert list(records[0]) == list(ROWS) and records[0]["birth"] == "1990-05"
    else:
        out = pd.read_csv(target, sep="\t" if fmt == "tsv" else ",", dtype=str)
        assert list(out.columns) == list(ROWS)
        assert out["birth"].tolist() == ["1990-05", "2015-01"]
        assert out["name"].tolist() == ["张*", "欧***"]
    text = target.read_bytes().decode("utf-8", "replace")
    assert "13912345678" not in text and "a.b@example.com" not in text


def test_writing_over_the_input_is_refused(tmp_path, policy) -> None:
    path = tmp_path / "in.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    with pytest.raises(PrivacyDataError):
        deidentify(path, path, policy)


def test_policy_files_load(tmp_path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("columns:\n  phone: {action: mask, keep_start: 3, keep_end: 4}\n", "utf-8")
    assert load_policy(path).rule("phone").keep_end == 4
    assert load_policy(path).rule("other").action == "keep"


def test_helpers() -> None:
    assert mask_text("13912345678", 3, 4) == "139****5678"
    assert band_label(14, (0, 14, 18)) == "14-18"
    assert band_label(-1, (0, 14)) == "<0"
    assert address_city("广东省深圳市南山区科苑路15号") == "广东省深圳市"
    assert address_city("somewhere") is None
