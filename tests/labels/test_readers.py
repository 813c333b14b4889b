"""The readers find the label in every placement, and refuse hostile files with a clear error."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.labels import samples as s
from tianping.aigc import (
    MAX_STRUCTURES,
    MAX_TEXT_BYTES,
    UnreadableFileError,
    check_bytes,
    check_file,
)

LABEL = s.label_json()

PLACEMENTS = {
    "png-itxt-xmp.png": (s.png(s.png_itxt_xmp(s.xmp(LABEL))), "PNG iTXt XML:com.adobe.xmp AIGC"),
    "png-itxt-xmp-compressed.png": (
        s.png(s.png_itxt_xmp(s.xmp(LABEL), compressed=True)),
        "PNG iTXt XML:com.adobe.xmp AIGC",
    ),
    "png-text.png": (s.png(s.png_text(LABEL)), "PNG tEXt AIGC"),
    "png-ztxt.png": (s.png(s.png_ztxt(LABEL)), "PNG zTXt AIGC"),
    "jpeg-xmp.jpg": (s.jpeg(s.jpeg_xmp(s.xmp(LABEL))), "JPEG APP1 XMP AIGC"),
    "jpeg-exif.jpg": (
        s.jpeg(s.jpeg_exif_comment(s.wrapped(LABEL))),
        "JPEG APP1 EXIF UserComment",
    ),
    "mp4-keys.mp4": (s.mp4(s.mp4_keys_meta(LABEL)), "MP4 moov/udta/meta/ilst AIGC"),
    "mp4-box.mp4": (s.mp4(s.box(b"AIGC", LABEL.encode())), "MP4 moov/udta/AIGC"),
    "wav-info.wav": (s.wav(s.wav_info(b"AIGC", LABEL)), "WAV LIST/INFO AIGC"),
    "wav-comment.wav": (s.wav(s.wav_info(b"ICMT", s.wrapped(LABEL))), "WAV LIST/INFO ICMT"),
    "wav-chunk.wav": (s.wav(s.riff_chunk(b"AIGC", LABEL.encode())), "WAV chunk AIGC"),
    "wav-id3.wav": (s.wav(s.riff_chunk(b"id3 ", s.id3(s.id3_txxx(LABEL)))), "WAV id3 TXXX AIGC"),
    "mp3-utf8.mp3": (s.mp3(s.id3(s.id3_txxx(LABEL))), "MP3 ID3v2 TXXX AIGC"),
    "mp3-utf16.mp3": (s.mp3(s.id3(s.id3_txxx(LABEL, encoding=1))), "MP3 ID3v2 TXXX AIGC"),
    "label.docx": (s.docx(LABEL), "docx docProps/custom.xml AIGC"),
    "label.pdf": (s.pdf(b"/AIGC " + s.pdf_literal(LABEL)), "PDF Info /AIGC"),
    "label-hex.pdf": (
        s.pdf(b"/AIGC <feff" + LABEL.encode("utf-16-be").hex().encode() + b">"),
        "PDF Info /AIGC",
    ),
    "label.md": (s.markdown_label(LABEL), "Markdown front matter AIGC"),
    "label-mapping.md": (
        s.markdown("AIGC:\n" + "".join(f"  {k}: '{v}'\n" for k, v in s.LABEL.items())),
        "Markdown front matter AIGC",
    ),
}

UNLABELLED = {
    "plain.png": s.png(s.png_text("a comment", keyword=b"Comment")),
    "plain.jpg": s.jpeg(s.jpeg_xmp(s.xmp(None))),
    "plain.mp4": s.mp4(None),
    "plain.wav": s.wav(),
    "plain.mp3": s.mp3(s.id3(s.id3_txxx("x", description="OTHER"))),
    "no-tag.mp3": s.mp3(),
    "plain.docx": s.docx(None),
    "plain.pdf": s.pdf(b"/Title (A page)"),
    "no-info.pdf": s.pdf(None),
    "plain.md": s.markdown(None),
    "front.md": s.markdown("title: x\n"),
}


@pytest.mark.parametrize("name", sorted(PLACEMENTS))
def test_each_placement_is_found_and_a_good_label_is_compliant(name: str) -> None:
    data, where = PLACEMENTS[name]
    report = check_bytes(data, name)
    assert report.verdict == "compliant", report.violations
    assert [label.where for label in report.labels] == [where]
    assert report.labels[0].fields == s.LABEL


@pytest.mark.parametrize("name", sorted(UNLABELLED))
def test_a_file_without_a_label_is_not_found(name: str) -> None:
    report = check_bytes(UNLABELLED[name], name)
    assert (report.verdict, report.labels, report.violations) == ("not_found", (), ())


def test_a_file_on_disk_is_read_through_a_memory_map(tmp_path: Path) -> None:
    for name, (data, where) in PLACEMENTS.items():
        path = tmp_path / name
        path.write_bytes(data)
        report = check_file(path)
        assert (report.verdict, report.labels[0].where) == ("compliant", where), name
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert check_file(empty).verdict == "not_found"


def test_the_format_comes_from_the_content_and_must_match_the_name() -> None:
    data = PLACEMENTS["png-text.png"][0]
    assert check_bytes(data, "no-ending").verdict == "compliant"
    with pytest.raises(UnreadableFileError, match=r"named \.jpg, but the content is PNG"):
        check_bytes(data, "photo.jpg")


# Hostile files -----------------------------------------------------------------------------------


def _refused(data: bytes, name: str, match: str) -> None:
    with pytest.raises(UnreadableFileError, match=match) as caught:
        check_bytes(data, name)
    assert name in caught.value.message
    assert caught.value.in_language("zh-Hans").message.startswith("无法读取")


@pytest.mark.parametrize("name", sorted(PLACEMENTS))
def test_every_truncation_is_refused_or_read_without_a_crash(name: str) -> None:
    data, _ = PLACEMENTS[name]
    for cut in range(1, len(data), max(1, len(data) // 60)):
        try:
            check_bytes(data[:cut], name)
        except UnreadableFileError as exc:
            assert exc.message


@pytest.mark.parametrize(
    ("name", "data", "match"),
    [
        ("x.png", b"\x89PNG\r\n\x1a\x00" + b"\x00" * 40, "not a supported format"),
        ("x.jpg", b"\xff\xd8\xfe" + b"\x00" * 40, "not a supported format"),
        ("x.wav", b"RIFF\x10\x00\x00\x00AVI LIST", "not a supported format"),
        ("x.docx", b"This is not a Word document.\n", "the content is text"),
        ("x.pdf", s.docx(None), "named .pdf, but the content is docx"),
        ("x.bin", bytes(range(256)), "not a supported format"),
        ("x.csv", "性别,y\n".encode("utf-16"), "not a supported format"),  # FF FE: no MP3
        ("x.mp3", b"\xff\xfe\x73\x00" * 8, "not a supported format"),
        ("x.png", b"", "the file is empty"),
        ("x.md", "标题".encode("gb18030") + b"\xff\xfe" * 10, "not a supported format"),
    ],
)
def test_wrong_magic_numbers_are_refused(name: str, data: bytes, match: str) -> None:
    _refused(data, name, match)


def test_giant_declared_lengths_are_refused() -> None:
    png = s.png(s.png_text(LABEL))
    at = png.index(b"tEXt") - 4
    _refused(png[:at] + struct.pack(">I", 0x7FFFFFF0) + png[at + 4 :], "x.png", "truncated")
    _refused(png[:at] + struct.pack(">I", 0xFFFFFFF0) + png[at + 4 :], "x.png", "PNG's limit")
    jpeg = s.jpeg(s.jpeg_xmp(s.xmp(LABEL)))
    _refused(jpeg[:4] + b"\xff\xff" + jpeg[6:], "x.jpg", "truncated")
    mp4 = s.mp4(s.mp4_keys_meta(LABEL))
    at = mp4.index(b"udta") - 4
    _refused(mp4[:at] + struct.pack(">I", 1 << 30) + mp4[at + 4 :], "x.mp4", "past the end")
    large = mp4[:at] + struct.pack(">I", 1) + b"udta" + struct.pack(">Q", 1 << 62) + mp4[at + 8 :]
    _refused(large, "x.mp4", "past the end")
    wav = s.wav(s.wav_info(b"AIGC", LABEL))
    at = wav.index(b"LIST") + 4
    _refused(wav[:at] + struct.pack("<I", 0xFFFFFFF0) + wav[at + 4 :], "x.wav", "truncated")
    mp3 = s.mp3(s.id3(s.id3_txxx(LABEL)))
    _refused(mp3[:6] + s.syncsafe(0x0FFFFFFF) + mp3[10:], "x.mp3", "truncated")
    _refused(mp3[:6] + b"\xff\xff\xff\xff" + mp3[10:], "x.mp3", "synchsafe")
    _refused(b"ID3\x09\x00\x00" + mp3[6:], "x.mp3", "not a known version")


def test_a_zip_bomb_is_refused_before_it_inflates() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("docProps/custom.xml", "w") as member:
            for _ in range(64):
                member.write(b" " * (1 << 20))
    assert len(out.getvalue()) < 200_000
    _refused(out.getvalue(), "bomb.docx", "declares 67108864 bytes")
    # The same bomb whose directory lies about its size: stopped while inflating.
    lying = bytearray(out.getvalue())
    directory = lying.rindex(b"PK\x01\x02")
    lying[directory + 24 : directory + 28] = struct.pack("<I", 100)
    _refused(bytes(lying), "lying.docx", "Bad CRC-32")


def test_a_zip_that_is_no_office_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("agreement.txt", "Signed.\n")
    _refused(out.getvalue(), "x.docx", r"no \[Content_Types\].xml")
    _refused(b"PK\x03\x04" + b"\x00" * 60, "x.docx", "damaged")


def test_a_compressed_text_bomb_is_refused() -> None:
    bomb = zlib.compress(b" " * (MAX_TEXT_BYTES * 8), 9)
    ztxt = s.png_chunk(b"zTXt", b"AIGC\x00\x00" + bomb)
    _refused(s.png(ztxt), "bomb.png", "inflates to more than")
    itxt = s.png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + bomb)
    _refused(s.png(itxt), "bomb.png", "inflates to more than")
    broken = s.png_chunk(b"zTXt", b"AIGC\x00\x00" + zlib.compress(LABEL.encode())[:-6])
    _refused(s.png(broken), "broken.png", "compressed text")


def test_a_damaged_crc_is_refused() -> None:
    png = bytearray(s.png(s.png_text(LABEL)))
    png[png.index(b'"Label"')] ^= 1
    _refused(bytes(png), "x.png", "CRC")


def test_hostile_xml_is_a_broken_label_not_a_crash() -> None:
    deep = ("<a>" * 1000 + "</a>" * 1000).encode()
    for packet in (
        s.xmp(LABEL).replace(b"<rdf:Description", b"<!DOCTYPE x [<!ENTITY a 'AIGC'>]><rdf:D"),
        s.xmp(LABEL).replace(b'rdf:about="">', b'rdf:about="">' + deep),
        s.xmp(LABEL)[:-40],
    ):
        report = check_bytes(s.jpeg(s.jpeg_xmp(packet)), "x.jpg")
        assert report.verdict == "non_compliant"
        assert [v.rule.id for v in report.violations] == ["well_formed"]
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "AIGC AIGC AIGC">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Properties>&b;</Properties>'
    )
    report = check_bytes(s.docx(None, extra={"docProps/custom.xml": bomb}), "x.docx")
    assert report.verdict == "non_compliant"
    assert "document type declaration" in report.violations[0].detail.en


def test_hostile_front_matter_is_refused() -> None:
    _refused(s.markdown("- " * 10_000 + "x\n"), "x.md", "front matter is not valid YAML")
    _refused(b"---\ntitle: x\n" + b"a: b\n" * 20_000, "x.md", "not closed within")
    _refused(s.markdown("a: 1\na: 2\n"), "x.md", "duplicate key")
    _refused(b"---\n\x00\n---\n", "x.md", "not a supported format")


def test_a_pdf_with_a_damaged_info_dictionary_is_refused() -> None:
    _refused(s.pdf(b"/AIGC (never closed"), "x.pdf", "string is not closed")
    _refused(s.pdf(b"/AIGC <zz>"), "x.pdf", "not hexadecimal")
    deep = s.pdf(b"/Other " + b"[" * 100 + b"]" * 100)
    _refused(deep, "x.pdf", "deeper than 32")


def test_a_pdf_info_in_an_object_stream_is_inconclusive() -> None:
    data = s.pdf(b"/AIGC " + s.pdf_literal(LABEL)).replace(b"4 0 obj", b"4 0 xbj")
    report = check_bytes(data, "x.pdf")
    assert report.verdict == "inconclusive"
    assert "object stream" in report.incomplete[0].en


def test_too_many_structures_stop_the_search_as_inconclusive() -> None:
    chunks = s.png_chunk(b"tIME", b"\x07\xea\x01\x01\x00\x00\x00") * (MAX_STRUCTURES + 1)
    report = check_bytes(s.png(chunks), "many.png")
    assert report.verdict == "inconclusive"
    assert str(MAX_STRUCTURES) in report.incomplete[0].en


def test_an_unreadable_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="No such file"):
        check_file(tmp_path / "missing.png")
    with pytest.raises(UnreadableFileError):
        check_file(tmp_path)


# Pillow as an independent reference --------------------------------------------------------------


def test_pillow_reads_the_same_png_text_chunks() -> None:
    image = pytest.importorskip("PIL.Image")
    for name in ("png-text.png", "png-ztxt.png", "png-itxt-xmp.png", "png-itxt-xmp-compressed.png"):
        data, _ = PLACEMENTS[name]
        with image.open(io.BytesIO(data)) as picture:
            picture.load()
            texts = dict(picture.text)
        ours = check_bytes(data, name).labels[0].fields
        if "AIGC" in texts:
            assert s.LABEL == ours == __import__("json").loads(texts["AIGC"])
        else:
            assert LABEL.replace("&", "&amp;") in texts["XML:com.adobe.xmp"]


def test_pillow_reads_the_same_jpeg_xmp_and_user_comment() -> None:
    image = pytest.importorskip("PIL.Image")
    buffer = io.BytesIO()
    image.new("RGB", (2, 2)).save(buffer, "JPEG")
    base = buffer.getvalue()
    for segment in (s.jpeg_xmp(s.xmp(LABEL)), s.jpeg_exif_comment(s.wrapped(LABEL))):
        data = base[:2] + segment + base[2:]
        ours = check_bytes(data, "x.jpg")
        assert ours.verdict == "compliant"
        with image.open(io.BytesIO(data)) as picture:
            if "xmp" in picture.info:
                assert LABEL.encode() in picture.info["xmp"]
            else:
                comment = picture.getexif().get_ifd(0x8769)[0x9286]
                assert s.wrapped(LABEL) in (
                    comment.decode() if isinstance(comment, bytes) else comment
                )
