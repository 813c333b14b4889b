"""Inputs: encodings, binaries, archives within limits, bad files, chunks, stdin, workers."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from tianping.privacy import PrivacyDataError, ScanLimits, Scanner, scan, sniff_encoding
from tianping.privacy._messages import ERR_PATH_NOT_FOUND

from .conftest import AS_OF, SALT

LINE = "客户身份证号11010519491231002X，手机13912345678，邮箱a.b@example.com。\n"


def run(paths, **options):
    return scan([str(p) for p in paths], salt=SALT, as_of=AS_OF, **options)


def spans(report) -> list[tuple[str, str, int, int]]:
    return [(Path(f.path).name, f.entity, f.start, f.end) for f in report.findings]


def by_path(report) -> dict[str, object]:
    return {Path(s.path).name if "!" not in s.path else s.path.split("/")[-1]: s
            for s in report.sources}  # fmt: skip


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_in_each_supported_encoding_gives_the_same_findings(tmp_path, encoding) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(LINE.encode(encoding))
    report = run([path])
    assert [(f.entity, f.start) for f in report.findings] == [
        ("cn_resident_id", 6),
        ("cn_mobile", 27),
        ("email", 41),
    ]
    expected = {"gbk": "gb18030", "utf-16": "utf-16"}.get(encoding, encoding)
    assert report.sources[0].encoding == expected


def test_sniffing_tells_binary_and_undecodable_content() -> None:
    assert sniff_encoding(b"\x89PNG\r\n\x1a\n....", complete=True) == (None, "binary")
    assert sniff_encoding(b"abc\x00def", complete=True) == (None, "binary")
    assert sniff_encoding(bytes(range(1, 9)) * 40, complete=True) == (None, "binary")
    assert sniff_encoding(b"\xff\xfe\xfd\xfc" * 100, complete=True)[0] in (None, "utf-16")
    assert sniff_encoding("中文".encode()[:-1], complete=False) == ("utf-8", None)


def test_binary_files_are_skipped_with_a_reason_and_the_scan_goes_on(tmp_path) -> None:
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (tmp_path / "blob.bin").write_bytes(b"\x00" * 100 + b"13912345678")
    (tmp_path / "ok.txt").write_text(LINE, encoding="utf-8")
    report = run([tmp_path])
    sources = {Path(s.path).name: s for s in report.sources}
    assert sources["image.png"].status == "skipped" and sources["image.png"].reason == "binary"
    assert sources["blob.bin"].reason == "binary"
    assert sources["ok.txt"].status == "scanned" and sources["ok.txt"].findings == 3


def test_a_broken_byte_in_utf8_is_replaced_and_recorded(tmp_path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(LINE.encode() + b"\xff\xfe" + LINE.encode())
    report = run([path])
    assert report.sources[0].encoding == "utf-8"
    assert report.sources[0].replaced is True
    assert len(report.findings) == 6


def test_undecodable_files_are_skipped(tmp_path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 20)
    report = run([path])
    assert report.sources[0].status == "skipped"
    assert report.sources[0].reason in ("undecodable", "binary")


def test_unreadable_and_special_files_are_skipped(tmp_path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "ok.txt").write_text(LINE, encoding="utf-8")
    report = run([tmp_path, tmp_path / "dangling"])
    reasons = {Path(s.path).name: s.reason for s in report.sources}
    assert reasons["dangling"] == "unreadable"
    assert reasons["pipe"] == "not_a_file"
    assert reasons["ok.txt"] is None


def test_a_missing_path_is_an_error_before_anything_is_scanned(tmp_path) -> None:
    (tmp_path / "ok.txt").write_text(LINE, encoding="utf-8")
    missing = tmp_path / "missing"
    with pytest.raises(PrivacyDataError) as raised:
        run([tmp_path, missing])
    assert raised.value.template == ERR_PATH_NOT_FOUND
    assert str(missing) in raised.value.message


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_gz_and_tar_members_are_scanned_with_their_paths(tmp_path) -> None:
    (tmp_path / "a.zip").write_bytes(
        _zip({"dir/n.txt": LINE.encode(), "t.csv": b"phone\n13912345678\n"})
    )
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(LINE.encode("gbk")))
    with tarfile.open(tmp_path / "c.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("inner.txt")
        info.size = len(LINE.encode())
        archive.addfile(info, io.BytesIO(LINE.encode()))
    report = run([tmp_path])
    paths = sorted({f.path.split(str(tmp_path) + "/")[1] for f in report.findings})
    assert paths == ["a.zip!dir/n.txt", "a.zip!t.csv", "b.txt.gz!b.txt", "c.tar.gz!inner.txt"]
    assert sum(1 for s in report.sources if s.kind == "archive" and s.status == "scanned") == 3


def test_archives_that_expand_past_the_ratio_are_skipped(tmp_path) -> None:
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(_zip({"zeros.txt": b"0" * (3 << 20), "ok.txt": LINE.encode()}))
    gz = tmp_path / "bomb.txt.gz"
    gz.write_bytes(gzip.compress(b"0" * (3 << 20)))
    report = run([tmp_path], limits=ScanLimits(max_ratio=50))
    reasons = {s.path.split("/")[-1]: s.reason for s in report.sources}
    assert reasons["bomb.zip!zeros.txt"] == "archive_limit"
    assert reasons["bomb.txt.gz"] == "archive_limit"
    assert reasons["bomb.zip!ok.txt"] is None  # the rest of the archive is still scanned
    assert len(report.findings) == 3


def test_archives_past_the_total_size_or_member_count_stop_expanding(tmp_path) -> None:
    members = {f"m{i}.txt": LINE.encode() * 200 for i in range(10)}  # ~17 KB each
    (tmp_path / "many.zip").write_bytes(_zip(members))
    report = run([tmp_path], limits=ScanLimits(max_archive_bytes=60_000))
    reasons = [s.reason for s in report.sources if "!" in s.path]
    assert "archive_limit" in reasons and reasons.count(None) == 3
    report = run([tmp_path], limits=ScanLimits(max_members=4))
    assert [s.reason for s in report.sources if "!" in s.path].count("archive_members") == 1


def test_nesting_is_limited_and_corrupt_archives_are_skipped(tmp_path) -> None:
    inner = _zip({"x.txt": LINE.encode()})
    middle = _zip({"inner.zip": inner})
    (tmp_path / "outer.zip").write_bytes(_zip({"middle.zip": middle}))
    (tmp_path / "corrupt.zip").write_bytes(_zip({"y.txt": LINE.encode()})[:40])
    report = run([tmp_path], limits=ScanLimits(max_depth=2))
    reasons = {s.path.split("/")[-1]: s.reason for s in report.sources}
    assert reasons["outer.zip!middle.zip!inner.zip"] == "archive_depth"
    assert reasons["corrupt.zip"] == "bad_archive"
    assert run([tmp_path], limits=ScanLimits(max_depth=3)).counts() == {
        "cn_mobile": 1, "cn_resident_id": 1, "email": 1,
    }  # fmt: skip


def test_standard_input_is_scanned() -> None:
    report = scan(["-"], stdin=io.BytesIO(LINE.encode("gbk")), salt=SALT, as_of=AS_OF)
    assert [f.path for f in report.findings] == ["-", "-", "-"]
    assert report.sources[0].encoding == "gb18030"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_chunked_scans_equal_whole_file_scans(tmp_path, encoding) -> None:
    lines = [f"第{i}行：" + LINE if i % 3 else f"line {i} with nothing\n" for i in range(600)]
    path = tmp_path / "big.txt"
    path.write_bytes("".join(lines).encode(encoding))
    whole = run([path])
    chunked = run([path], limits=ScanLimits(chunk_bytes=4096))
    assert spans(chunked) == spans(whole)
    assert len(whole.findings) == 1200


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_an_enormous_line_is_scanned_in_overlapping_chunks(tmp_path, encoding) -> None:
    text = "".join(f"条目{i:05d}身份证11010519491231002X，电话13912345678；" for i in range(400))
    path = tmp_path / "oneline.txt"
    path.write_bytes(text.encode(encoding))
    whole = run([path])
    chunked = run([path], limits=ScanLimits(chunk_bytes=4096))
    assert len(whole.findings) == 800
    assert spans(chunked) == spans(whole)
    for finding in chunked.findings:
        assert text[finding.start : finding.end].endswith(("X", "8"))


def test_workers_give_the_same_report_as_one_process(tmp_path) -> None:
    for i in range(3):
        (tmp_path / f"f{i}.txt").write_text(LINE * 300, encoding="utf-8")
    (tmp_path / "t.csv").write_text("phone,email\n13912345678,a.b@example.com\n", encoding="utf-8")
    one = run([tmp_path], limits=ScanLimits(chunk_bytes=8192))
    two = run([tmp_path], limits=ScanLimits(chunk_bytes=8192), workers=2)
    assert [f.to_json() for f in two.findings] == [f.to_json() for f in one.findings]
    assert len(one.findings) == 3 * 900 + 2


def test_progress_reports_every_chunk(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(LINE * 400, encoding="utf-8")
    events = []
    run([tmp_path], limits=ScanLimits(chunk_bytes=4096), progress=events.append)
    assert len(events) > 5
    assert events[-1].done_bytes == events[-1].total_bytes == (tmp_path / "a.txt").stat().st_size


def test_the_report_json_summarises_sources_and_findings(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(LINE, encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01")
    document = run([tmp_path]).to_json()
    assert document["format"] == "tianping.privacy.scan" and document["version"] == 1
    assert document["summary"]["by_entity"] == {"cn_mobile": 1, "cn_resident_id": 1, "email": 1}
    assert document["summary"]["files_skipped"] == 1
    assert document["skip_reasons"]["binary"]["en"] == "binary file"


def test_a_scanner_is_reusable_across_texts(scanner: Scanner) -> None:
    assert scanner.scan_text("") == []
    assert len(scanner.scan_text(LINE * 3)) == 9
