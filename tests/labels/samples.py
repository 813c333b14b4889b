"""Small files of every format, written byte by byte, with an implicit AIGC label where asked.

Each builder takes the label text (JSON, or None for no label) and returns the
file's bytes. They write the structures the readers walk and no more: a PNG of
one pixel, a JPEG whose scan is empty, an MP4 of boxes only, silent audio.
"""

from __future__ import annotations

import io
import json
import struct
import warnings
import zipfile
import zlib
from typing import Any

PRODUCER = "001" + "1" + "91350100M000100Y43" + "A0001"
"""001 + 1 + a valid USCC (GB 32100's example) + a 5-character service code."""

LABEL: dict[str, Any] = {
    "Label": "1",
    "ContentProducer": PRODUCER,
    "ProduceID": "20250901-0001",
    "ReservedCode1": "",
    "ContentPropagator": "",
    "PropagateID": "",
    "ReservedCode2": "",
}
TC260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"


def label_json(**changes: Any) -> str:
    """The compliant label with ``changes`` (a value of ``None`` removes the field)."""
    label = {**LABEL, **changes}
    return json.dumps({k: v for k, v in label.items() if v is not None}, separators=(",", ":"))


def wrapped(text: str) -> str:
    """``{"AIGC": {…}}``, as EXIF UserComment and WAV comments carry it."""
    return '{"AIGC":' + text + "}"


def xmp(text: str | None, namespace: str = TC260) -> bytes:
    """An XMP packet with ``<TC260:AIGC>`` holding the (XML-escaped) label."""
    inner = ""
    if text is not None:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        inner = f'<TC260:AIGC xmlns:TC260="{namespace}">{escaped}</TC260:AIGC>'
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="">{inner}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


# PNG


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*chunks: bytes) -> bytes:
    """A 1×1 RGB PNG with ``chunks`` (built with :func:`png_chunk`) before its image data."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    image = png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(chunks) + image + png_chunk(b"IEND", b"")


def png_text(text: str, keyword: bytes = b"AIGC") -> bytes:
    return png_chunk(b"tEXt", keyword + b"\x00" + text.encode("latin-1"))


def png_ztxt(text: str, keyword: bytes = b"AIGC") -> bytes:
    return png_chunk(b"zTXt", keyword + b"\x00\x00" + zlib.compress(text.encode("latin-1")))


def png_itxt_xmp(packet: bytes, compressed: bool = False) -> bytes:
    body = zlib.compress(packet) if compressed else packet
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00" + flag + b"\x00\x00" + body)


# JPEG


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(*segments: bytes) -> bytes:
    """SOI, ``segments``, a start of scan with no data, EOI."""
    sos = jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return b"\xff\xd8" + b"".join(segments) + sos + b"\xff\xd9"


def jpeg_xmp(packet: bytes) -> bytes:
    return jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)


def jpeg_exif_comment(text: str) -> bytes:
    """APP1 Exif: IFD0 → Exif IFD → UserComment (ASCII), little-endian."""
    comment = b"ASCII\x00\x00\x00" + text.encode("ascii")
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x8769, 4, 1, 26) + struct.pack("<I", 0)
    exif_ifd = struct.pack("<H", 1) + struct.pack("<HHII", 0x9286, 7, len(comment), 44)
    exif_ifd += struct.pack("<I", 0)
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd0 + exif_ifd + comment
    assert tiff.index(comment) == 44
    return jpeg_segment(0xE1, b"Exif\x00\x00" + tiff)


# MP4


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_keys_meta(text: str, key: bytes = b"AIGC") -> bytes:
    """A QuickTime ``meta`` with ``hdlr`` (mdta), ``keys`` and ``ilst`` holding the label."""
    hdlr = box(b"hdlr", b"\x00" * 8 + b"mdta" + b"\x00" * 12 + b"\x00")
    keys = box(b"keys", b"\x00\x00\x00\x00" + struct.pack(">I", 1) + box(b"mdta", key))
    data = box(b"data", struct.pack(">I", 1) + b"\x00\x00\x00\x00" + text.encode())
    ilst = box(b"ilst", box(struct.pack(">I", 1), data))
    return box(b"meta", hdlr + keys + ilst)


def mp4(meta: bytes | None) -> bytes:
    """ftyp, moov (mvhd, udta holding ``meta``), and an empty mdat."""
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    mvhd = box(b"mvhd", b"\x00" * 100)
    udta = box(b"udta", meta) if meta is not None else b""
    return ftyp + box(b"moov", mvhd + udta) + box(b"mdat", b"")


# WAV and MP3


def riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def wav(*chunks: bytes) -> bytes:
    """Mono 8 kHz 16-bit PCM, four silent samples, with ``chunks`` after the audio."""
    fmt = riff_chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16))
    body = b"WAVE" + fmt + riff_chunk(b"data", b"\x00" * 8) + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def wav_info(kind: bytes, text: str) -> bytes:
    return riff_chunk(b"LIST", b"INFO" + riff_chunk(kind, text.encode() + b"\x00"))


def syncsafe(value: int) -> bytes:
    return bytes([(value >> 21) & 0x7F, (value >> 14) & 0x7F, (value >> 7) & 0x7F, value & 0x7F])


def id3_txxx(text: str, description: str = "AIGC", encoding: int = 3) -> bytes:
    """An ID3v2.4 TXXX frame (UTF-8 by default; 1 is UTF-16 with a BOM)."""
    codec = "utf-16" if encoding == 1 else "utf-8"
    end = b"\x00\x00" if encoding == 1 else b"\x00"
    body = bytes([encoding]) + description.encode(codec) + end + text.encode(codec)
    return b"TXXX" + syncsafe(len(body)) + b"\x00\x00" + body


def id3(*frames: bytes, padding: int = 16) -> bytes:
    body = b"".join(frames) + b"\x00" * padding
    return b"ID3\x04\x00\x00" + syncsafe(len(body)) + body


def mp3(tag: bytes = b"") -> bytes:
    """An ID3v2 tag and one silent MPEG-1 Layer III frame header."""
    return tag + b"\xff\xfb\x90\x64" + b"\x00" * 413


# docx


def docx(text: str | None, *, extra: dict[str, bytes] | None = None, copies: int = 1) -> bytes:
    """A minimal docx; ``docProps/custom.xml`` holds the ``AIGC`` property when text is given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body/></w:document>',
        )
        if text is not None:
            escaped = text.replace("&", "&amp;").replace("<", "&lt;")
            custom = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
                '2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
                f'pid="2" name="AIGC"><vt:lpwstr>{escaped}</vt:lpwstr></property></Properties>'
            )
            with warnings.catch_warnings():  # a second copy is the point of copies=2
                warnings.simplefilter("ignore", UserWarning)
                for _ in range(copies):
                    archive.writestr("docProps/custom.xml", custom)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


# PDF


def pdf_literal(text: str) -> bytes:
    return b"(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode() + b")"


def pdf(info_entries: bytes | None) -> bytes:
    """A one-page PDF with an Info dictionary holding ``info_entries`` (None: no Info)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
    ]
    if info_entries is not None:
        objects.append(b"<< /Producer (Tianping tests) " + info_entries + b" >>")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    info = b" /Info 4 0 R" if info_entries is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, info)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# Markdown


def markdown(front: str | None, body: str = "# A generated note\n\nText.\n") -> bytes:
    if front is None:
        return body.encode()
    return f"---\n{front}---\n{body}".encode()


def markdown_label(text: str) -> bytes:
    return markdown("title: A generated note\nAIGC: '" + text.replace("'", "''") + "'\n")
