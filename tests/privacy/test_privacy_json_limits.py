"""Hostile JSON Lines to the privacy readers: 100,000 nested ``[``, a 5,000-digit number.

The scanner and the profiler keep such a line whole as an unparsed row (and
still scan its text); de-identification refuses the file with an error that
names the limit; none of them raises ``RecursionError`` or ``ValueError``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tianping import cli
from tianping.jsonsafe import ERR_NUMBER_TOO_LONG, ERR_TOO_DEEP, MAX_DEPTH, MAX_NUMBER_LENGTH
from tianping.privacy import (
    Corpus,
    PrivacyDataError,
    deidentify,
    policy_from_mapping,
    profile_table,
    scan,
)
from tianping.privacy._tables import UNPARSED, TableStats, iter_table

GOOD = '{"name": "张伟", "phone": "13912345678"}\n'
DEEP = "[" * 100_000 + "\n"
HUGE = '{"name": "李娜", "amount": ' + "1" * 5000 + "}\n"
LINES = {
    "deep": (DEEP, ERR_TOO_DEEP.format(limit=MAX_DEPTH)),
    "huge": (HUGE, ERR_NUMBER_TOO_LONG.format(length=5000, limit=MAX_NUMBER_LENGTH)),
}


@pytest.fixture(params=sorted(LINES))
def hostile(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    line, message = LINES[request.param]
    path = tmp_path / "people.jsonl"
    path.write_text(GOOD + line + GOOD, encoding="utf-8")
    return path, message


def test_the_table_reader_keeps_a_hostile_line_unparsed(hostile: tuple[Path, str]) -> None:
    path, _message = hostile
    line = path.read_text("utf-8").splitlines()[1]
    stats = TableStats()
    columns = {name: cells for name, _first, cells in iter_table(str(path), "jsonl", stats=stats)}
    assert stats.rows == 3 and stats.bad_rows == 1
    assert columns[UNPARSED] == [None, line.strip(), None]
    assert columns["phone"] == ["13912345678", None, "13912345678"]


def test_scan_and_profile_read_past_a_hostile_line(hostile: tuple[Path, str]) -> None:
    path, _message = hostile
    assert scan([path]).to_json()["summary"]["by_entity"]["cn_mobile"] == 2
    assert profile_table(str(path)).rows == 3


def test_deidentify_refuses_a_hostile_line_naming_the_limit(
    hostile: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, message = hostile
    monkeypatch.setenv("TIANPING_DEID_KEY", "0123456789abcdef-test-key")
    target = path.with_name("out.jsonl")
    with pytest.raises(PrivacyDataError) as caught:
        deidentify(path, target, policy_from_mapping({"columns": {"name": "mask"}}))
    assert f"line 2: {message}" in str(caught.value)
    assert not target.exists()  # fail closed: no half-written copy


def test_the_deidentify_command_exits_2(
    hostile: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, message = hostile
    policy = path.with_name("p.yaml")
    policy.write_text("columns:\n  name: drop\n", encoding="utf-8")
    out = str(path.with_name("o.jsonl"))
    args = ["privacy", "deidentify", str(path), out, "--policy", str(policy), "--lang", "en"]
    monkeypatch.setattr("sys.argv", ["tianping", *args])
    with CliRunner().isolation(env={"COLUMNS": "400"}) as (_out, err, _):
        with pytest.raises(SystemExit) as caught:
            cli.main()
        said = " ".join(err.getvalue().decode().split())
    assert caught.value.code == 2
    assert message in said and "Traceback" not in said


def test_a_hostile_corpus_is_a_privacy_data_error(tmp_path: Path) -> None:
    for line in (DEEP, HUGE):
        path = tmp_path / "corpus.jsonl"
        path.write_text(line, encoding="utf-8")
        with pytest.raises(PrivacyDataError):
            Corpus.read(path)
