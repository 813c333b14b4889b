"""Hostile JSON to the ledger: a 5,000-digit integer, 100,000 nested ``[``: clear errors, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tianping import cli
from tianping.cli import _ledger
from tianping.jsonsafe import ERR_NUMBER_TOO_LONG, ERR_TOO_DEEP, MAX_DEPTH, MAX_NUMBER_LENGTH
from tianping.ledger import (
    CanonicalJSONError,
    Receipt,
    ReceiptError,
    TamperError,
    canonical_json,
    parse_json,
    verify_export,
)

if not any(group.name == "ledger" for group in cli.app.registered_groups):
    cli.app.add_typer(_ledger.app, name="ledger")

HUGE = "1" * 5000
DEEP = b"[" * 100_000
TOO_LONG = ERR_NUMBER_TOO_LONG.format(length=5000, limit=MAX_NUMBER_LENGTH)
TOO_DEEP = ERR_TOO_DEEP.format(limit=MAX_DEPTH)


@pytest.mark.parametrize("numbers", ["exact", "double"])
@pytest.mark.parametrize(
    "text", [HUGE, f'{{"amount": {HUGE}}}', f'{{"amount": -{HUGE[1:]}}}', f"[1.{HUGE[2:]}]"]
)
def test_a_5000_digit_number_is_a_canonical_json_error(text: str, numbers: str) -> None:
    with pytest.raises(CanonicalJSONError) as caught:
        parse_json(text.encode(), numbers=numbers)  # type: ignore[arg-type]
    assert caught.value.message == TOO_LONG


@pytest.mark.parametrize("data", [DEEP, DEEP + b"]" * 100_000, b'{"a": ' + DEEP])
def test_100000_nested_brackets_are_a_canonical_json_error(data: bytes) -> None:
    with pytest.raises(CanonicalJSONError) as caught:
        parse_json(data)
    assert caught.value.message == TOO_DEEP


def test_the_read_limit_is_the_write_limit() -> None:
    value: object = 1
    for _ in range(MAX_DEPTH):
        value = [value]
    assert parse_json(canonical_json(value)) == value
    with pytest.raises(CanonicalJSONError):
        canonical_json([value])
    with pytest.raises(CanonicalJSONError):
        parse_json(b"[" + canonical_json(value) + b"]")


def _append(tmp_path: Path, line: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    runner = CliRunner()
    log, key, records = tmp_path / "log", tmp_path / "k", tmp_path / "in.jsonl"
    records.write_bytes(b'{"case": 1}\n' + line + b"\n")
    results = []
    for args in (
        ["ledger", "init", str(log), "--name", "tianping.example/d", "--key-file", str(key)],
        ["ledger", "append", str(log), str(records)],
    ):
        monkeypatch.setattr("sys.argv", ["tianping", *args])
        with runner.isolation(env={"COLUMNS": "400"}) as (_out, err, _):
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            results.append((code, " ".join(err.getvalue().decode().split())))
    assert results[0][0] == 0, results[0]
    return results[1]


@pytest.mark.parametrize(
    ("line", "message"),
    [(f'{{"amount": {HUGE}}}'.encode(), TOO_LONG), (DEEP, TOO_DEEP)],
)
def test_ledger_append_exits_2_naming_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: bytes, message: str
) -> None:
    code, said = _append(tmp_path, line, monkeypatch)
    assert code == 2
    assert f"line 2: {message}" in said
    assert "Traceback" not in said


def test_a_hostile_receipt_or_export_line_is_a_ledger_error(tmp_path: Path) -> None:
    for text in (DEEP, HUGE.encode()):
        with pytest.raises(ReceiptError):
            Receipt.from_json(text)
    export = tmp_path / "export.jsonl"
    export.write_bytes(DEEP + b"\n")
    with pytest.raises(TamperError) as caught:
        verify_export(export)
    assert TOO_DEEP in caught.value.message and caught.value.line == 1
