"""The spool keeps records across crashes and forms each batch once, with a fixed key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tianping.sdk import (
    RecordError,
    Spool,
    SpoolCorruptError,
    SpoolError,
    encode_record,
    read_journal,
)
from tianping.sdk import _spool as spool_module
from tianping.sdk._messages import ERR_RECORD_SIZE, ERR_SPOOL_LOCKED


def lines(count: int, *, start: int = 0) -> list[bytes]:
    return [encode_record({"n": n}) for n in range(start, start + count)]


def test_records_become_batches_that_are_acknowledged_and_forgotten(tmp_path: Path) -> None:
    spool = Spool(tmp_path, system_id=7)
    assert spool.append(lines(5)) == range(0, 5)
    got = spool.next_batch(max_records=3, max_bytes=10_000)
    assert got is not None
    batch, sent = got
    assert (batch.first, batch.last, sent) == (0, 2, lines(3))
    # Until it is acknowledged, the same batch comes back, with the same key.
    assert spool.next_batch(max_records=3, max_bytes=10_000) == (batch, sent)
    ack = spool.acknowledge(batch, first_index=40, count=3, origin="o")
    assert ack.index_of(2) == 42 and spool.acknowledged == 2 and spool.pending() == 2
    rest = spool.next_batch(max_records=10, max_bytes=10_000)
    assert rest is not None and rest[1] == lines(2, start=3)
    spool.close()


def test_a_batch_formed_before_a_crash_is_sent_again_with_its_key(tmp_path: Path) -> None:
    spool = Spool(tmp_path, system_id=7)
    spool.append(lines(4))
    got = spool.next_batch(max_records=3, max_bytes=10_000)
    assert got is not None
    spool.close()  # the process dies before the platform answered
    again = Spool(tmp_path, system_id=7)
    assert again.next_batch(max_records=100, max_bytes=10_000) == got
    again.acknowledge(got[0], first_index=0, count=3, origin="o")
    last = again.next_batch(max_records=100, max_bytes=10_000)
    assert last is not None and (last[0].first, last[1]) == (3, lines(1, start=3))
    again.close()
    acks, opened = read_journal(tmp_path)
    assert [a.key for a in acks] == [got[0].key] and opened == last[0]


def test_a_line_cut_by_a_crash_is_dropped_and_writing_goes_on(tmp_path: Path) -> None:
    spool = Spool(tmp_path, system_id=7)
    spool.append(lines(3))
    spool.close()
    segment = next(tmp_path.glob("records-*.log"))
    with segment.open("ab") as handle:
        handle.write(b'{"record":{"n":3')  # the write that was under way
    again = Spool(tmp_path, system_id=7)
    assert again.written == 2
    assert again.append(lines(1, start=3)) == range(3, 4)
    got = again.next_batch(max_records=10, max_bytes=10_000)
    assert got is not None and got[1] == lines(4)
    again.close()


def test_damage_before_the_end_is_refused_not_skipped(tmp_path: Path) -> None:
    spool = Spool(tmp_path, system_id=7)
    spool.append(lines(3))
    spool.close()
    segment = next(tmp_path.glob("records-*.log"))
    data = segment.read_bytes().split(b"\n")
    data[1] = b"garbage"
    segment.write_bytes(b"\n".join(data))
    with pytest.raises(SpoolCorruptError) as raised:
        Spool(tmp_path, system_id=7)
    assert raised.value.path == str(segment)


def test_one_client_per_folder_and_per_system(tmp_path: Path) -> None:
    spool = Spool(tmp_path, system_id=7)
    with pytest.raises(SpoolError) as raised:
        Spool(tmp_path, system_id=7)
    assert raised.value.message == ERR_SPOOL_LOCKED.format(path=tmp_path)
    spool.close()
    with pytest.raises(SpoolError):
        Spool(tmp_path, system_id=8)


def test_segments_rotate_and_acknowledged_ones_are_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool_module, "JOURNAL_COMPACT_BYTES", 300)
    spool = Spool(tmp_path, system_id=7, segment_bytes=40)
    for n in range(10):
        spool.append(lines(1, start=n))
    assert len(list(tmp_path.glob("records-*.log"))) > 3
    index = 0
    while (got := spool.next_batch(max_records=3, max_bytes=10_000)) is not None:
        batch, sent = got
        assert sent == lines(batch.count, start=batch.first)
        spool.acknowledge(batch, first_index=index, count=batch.count, origin="o")
        index += batch.count
    assert index == 10
    assert len(list(tmp_path.glob("records-*.log"))) == 1
    assert (tmp_path / "journal.log").stat().st_size < 300 + 200  # compacted
    spool.close()
    reopened = Spool(tmp_path, system_id=7, segment_bytes=40)
    assert (reopened.acknowledged, reopened.written, reopened.pending()) == (9, 9, 0)
    assert reopened.append(lines(1, start=10)) == range(10, 11)
    reopened.close()


def test_a_batch_keeps_within_its_byte_budget(tmp_path: Path) -> None:
    spool = Spool(tmp_path, system_id=7, fsync=False)
    spool.append(lines(10))
    got = spool.next_batch(max_records=100, max_bytes=len(lines(1)[0]) * 3 + 3)
    assert got is not None and got[0].count == 3
    spool.close()


def test_spool_files_are_private(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s", system_id=7)
    spool.append(lines(1))
    spool.close()
    for path in (tmp_path / "s").iterdir():
        assert path.stat().st_mode & 0o077 == 0, path
    assert json.loads((tmp_path / "s" / "spool.json").read_text())["system"] == 7


@pytest.mark.parametrize(
    "record",
    [[1, 2], {"x": float("nan")}, {"x": 2**60 + 1}, {1: "key"}],
)
def test_records_json_cannot_hold_are_refused_before_spooling(record: object) -> None:
    with pytest.raises(RecordError):
        encode_record(record)  # type: ignore[arg-type]


def test_a_record_too_large_is_refused() -> None:
    with pytest.raises(RecordError) as raised:
        encode_record({"x": "y" * 100}, max_bytes=50)
    assert raised.value.message == ERR_RECORD_SIZE.format(size=119, limit=50)
