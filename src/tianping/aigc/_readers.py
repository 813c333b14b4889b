"""Pure-Python, bounded readers of the places a file holds its implicit AIGC label.

Each reader walks the structure of one format (PNG chunks, JPEG segments, MP4
boxes, RIFF chunks, ID3v2 frames, the zip directory of a docx, a PDF's trailer
and Info dictionary, Markdown front matter) and collects :class:`Placement`
records: where a label sits and its text. Nothing is decoded that the label
does not need. Every length is checked against what is left of its container
before it is used, text is read or inflated up to :data:`MAX_TEXT_BYTES`, at
most :data:`MAX_STRUCTURES` chunks, boxes, segments or frames are visited, and
a damaged, truncated or oversized structure raises :class:`Damaged` with what
is wrong (the caller names the file).
"""

from __future__ import annotations

import codecs
import io
import mmap
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tianping import yamlsafe
from tianping.aigc._xml import XMLProblem, custom_property_labels, xmp_labels
from tianping.text import LocalizedText

Data = bytes | mmap.mmap
"""A whole file: bytes, or a read-only memory map (only the parts walked are paged in)."""

MAX_TEXT_BYTES = 1 << 20
"""The most bytes read or inflated for one text that may hold a label (XMP, custom.xml …)."""
MAX_STRUCTURES = 100_000
"""The most chunks, boxes, segments, frames or zip entries visited in one file."""
MAX_FRONT_MATTER = 64 * 1024
"""The most bytes of Markdown front matter read."""
MAX_PDF_WINDOW = 1 << 20
"""The bytes at the start and at the end of a PDF searched for the trailer's ``/Info``."""
MAX_PDF_DICTIONARY = 256 * 1024
"""The most bytes of a PDF Info dictionary read."""
MAX_BOX_DEPTH = 8
"""How deeply MP4 boxes are followed (the label sits at depth 3 or 4)."""

LABEL_KEY = "AIGC"
XMP_PNG_KEYWORD = b"XML:com.adobe.xmp"
XMP_JPEG_ID = b"http://ns.adobe.com/xap/1.0/\x00"
EXIF_ID = b"Exif\x00\x00"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

INCOMPLETE_LIMIT = LocalizedText(
    zh="文件结构超过 {limit} 个，其余部分未检查",
    en="more than {limit} structures in the file; the rest was not searched",
)
INCOMPLETE_COMPRESSED = LocalizedText(
    zh="{where} 被压缩或加密，未能检查",
    en="{where} is compressed or encrypted and was not searched",
)
INCOMPLETE_PDF_ENCRYPTED = LocalizedText(
    zh="PDF 已加密，其信息字典中的字符串无法读取",
    en="the PDF is encrypted: the strings of its Info dictionary cannot be read",
)
INCOMPLETE_PDF_OBJECT = LocalizedText(
    zh="PDF 信息字典（对象 {number} {generation}）位于压缩的对象流中，未能检查",
    en=(
        "the PDF Info dictionary (object {number} {generation}) is in a compressed "
        "object stream and was not searched"
    ),
)


class Damaged(ValueError):
    """A file whose structure is damaged, truncated, of another format or beyond a limit."""


@dataclass(frozen=True)
class Placement:
    """One implicit label found in a file.

    ``where`` names the place (``PNG iTXt XML:com.adobe.xmp``); ``text`` is the label as
    written (JSON), or ``value`` a mapping already read (Markdown front matter);
    ``problem`` says why a label seen there could not be read; ``namespace`` is the XMP
    namespace of the element or attribute, for XMP placements.
    """

    where: str
    text: str | None = None
    value: Any = None
    problem: str | None = None
    namespace: str | None = None


@dataclass
class Scan:
    """What a reader found: the format, the placements, and why the search was incomplete."""

    format: str
    placements: list[Placement] = field(default_factory=list)
    incomplete: list[LocalizedText] = field(default_factory=list)
    structures: int = 0

    def count(self) -> bool:
        """Count one structure; False (and noted) once :data:`MAX_STRUCTURES` is passed."""
        self.structures += 1
        if self.structures > MAX_STRUCTURES:
            self.incomplete.append(
                LocalizedText(
                    zh=INCOMPLETE_LIMIT.zh.format(limit=MAX_STRUCTURES),
                    en=INCOMPLETE_LIMIT.en.format(limit=MAX_STRUCTURES),
                )
            )
            return False
        return True


# Shared helpers ---------------------------------------------------------------------------------


def _inflate(raw: bytes, what: str) -> bytes:
    """Inflate at most :data:`MAX_TEXT_BYTES`; a bomb or a broken stream is :class:`Damaged`."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, MAX_TEXT_BYTES + 1)
    except zlib.error as exc:
        raise Damaged(f"{what}: the compressed text is damaged ({exc})") from None
    if len(out) > MAX_TEXT_BYTES:
        raise Damaged(f"{what}: the text inflates to more than {MAX_TEXT_BYTES} bytes")
    if not inflater.eof:
        raise Damaged(f"{what}: the compressed text is truncated")
    return out


def _text(raw: bytes) -> str:
    """UTF-8 text (Latin-1 when it is not UTF-8), without the NULs that end it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.rstrip("\x00").strip()


def _xmp(packet: bytes, where: str, scan: Scan) -> None:
    if len(packet) > MAX_TEXT_BYTES:
        raise Damaged(f"{where}: the XMP packet has more than {MAX_TEXT_BYTES} bytes")
    try:
        labels = xmp_labels(packet)
    except XMLProblem as exc:
        if LABEL_KEY.encode() in packet:
            scan.placements.append(Placement(where, problem=f"the XMP packet is {exc}"))
        return
    for label in labels:
        place = f"{where} {LABEL_KEY}"
        scan.placements.append(Placement(place, text=label.text, namespace=label.namespace))


def _need(data: Data, end: int, what: str) -> None:
    if end > len(data):
        raise Damaged(f"truncated: {what} runs past the end of the file ({len(data)} bytes)")


# PNG --------------------------------------------------------------------------------------------


def read_png(data: Data) -> Scan:
    """tEXt / zTXt / iTXt chunks with keyword ``AIGC``, and the XMP packet (iTXt)."""
    scan = Scan("png")
    if data[:8] != PNG_MAGIC:
        raise Damaged("not a PNG: the signature is missing")
    pos = 8
    while True:
        _need(data, pos + 8, f"the chunk header at byte {pos}")
        length, kind = struct.unpack_from(">I4s", data, pos)
        if length > 0x7FFFFFFF:
            raise Damaged(f"the chunk at byte {pos} declares {length} bytes, beyond PNG's limit")
        end = pos + 12 + length
        _need(data, end, f"the {kind!r} chunk at byte {pos} (declares {length} bytes)")
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            _png_text(data, pos, length, kind, scan)
        if kind == b"IEND":
            return scan
        pos = end
        if not scan.count():
            return scan


def _png_text(data: Data, pos: int, length: int, kind: bytes, scan: Scan) -> None:
    keyword = bytes(data[pos + 8 : pos + 8 + min(length, 80)]).partition(b"\x00")[0]
    if keyword not in (LABEL_KEY.encode(), XMP_PNG_KEYWORD):
        return
    name = kind.decode()
    where = f"PNG {name} {keyword.decode('latin-1')}"
    if length > MAX_TEXT_BYTES:
        raise Damaged(f"{where}: the chunk has {length} bytes; at most {MAX_TEXT_BYTES} are read")
    body = bytes(data[pos + 8 : pos + 8 + length])
    (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
    if zlib.crc32(kind + body) != crc:
        raise Damaged(f"{where}: the chunk's CRC does not match (damaged)")
    rest = body[len(keyword) + 1 :]
    if kind == b"tEXt":
        raw = rest
    elif kind == b"zTXt":
        if not rest or rest[0] != 0:
            raise Damaged(f"{where}: unknown compression method")
        raw = _inflate(rest[1:], where)
    else:
        if len(rest) < 2:
            raise Damaged(f"{where}: the chunk is truncated")
        compressed, method = rest[0], rest[1]
        parts = rest[2:].split(b"\x00", 2)
        if len(parts) != 3:
            raise Damaged(f"{where}: the language tag or translated keyword is not ended")
        raw = parts[2]
        if compressed:
            if method != 0:
                raise Damaged(f"{where}: unknown compression method")
            raw = _inflate(raw, where)
    if keyword == XMP_PNG_KEYWORD:
        _xmp(raw, where, scan)
    else:
        text = raw.decode("latin-1") if kind != b"iTXt" else _text(raw)
        scan.placements.append(Placement(where, text=text.strip()))


# JPEG -------------------------------------------------------------------------------------------


def read_jpeg(data: Data) -> Scan:
    """APP1 segments before the image data: XMP, and EXIF's UserComment."""
    scan = Scan("jpeg")
    if data[:3] != b"\xff\xd8\xff":
        raise Damaged("not a JPEG: the start-of-image marker is missing")
    pos = 2
    while True:
        _need(data, pos + 2, f"the marker at byte {pos}")
        if data[pos] != 0xFF:
            raise Damaged(f"no marker at byte {pos} where a segment should start")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # end of image
            return scan
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # no length
            pos += 2
            continue
        _need(data, pos + 4, f"the length of the segment at byte {pos}")
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            raise Damaged(f"the segment at byte {pos} declares a length of {length}")
        end = pos + 2 + length
        _need(data, end, f"the segment at byte {pos} (declares {length} bytes)")
        if marker == 0xE1:
            payload = bytes(data[pos + 4 : end])
            if payload.startswith(XMP_JPEG_ID):
                _xmp(payload[len(XMP_JPEG_ID) :], "JPEG APP1 XMP", scan)
            elif payload.startswith(EXIF_ID):
                comment = _exif_user_comment(payload[len(EXIF_ID) :])
                if comment is not None and LABEL_KEY in comment:
                    scan.placements.append(Placement("JPEG APP1 EXIF UserComment", text=comment))
        if marker == 0xDA:  # start of scan: the metadata is behind us
            return scan
        pos = end
        if not scan.count():
            return scan


def _exif_user_comment(tiff: bytes) -> str | None:
    """EXIF UserComment (tag 0x9286 in the Exif IFD) of a TIFF structure, or None."""
    if tiff[:4] not in (b"II*\x00", b"MM\x00*"):
        raise Damaged("EXIF: the TIFF header is damaged")
    order = "<" if tiff[:2] == b"II" else ">"

    def entries(offset: int) -> Iterator[tuple[int, int, int, int]]:
        if offset + 2 > len(tiff):
            raise Damaged("EXIF: an IFD offset points past the segment")
        (count,) = struct.unpack_from(order + "H", tiff, offset)
        if offset + 2 + 12 * count > len(tiff):
            raise Damaged("EXIF: an IFD runs past the segment")
        for index in range(count):
            yield struct.unpack_from(order + "HHII", tiff, offset + 2 + 12 * index)

    (ifd0,) = struct.unpack_from(order + "I", tiff, 4)
    exif_ifd = next((value for tag, _t, _c, value in entries(ifd0) if tag == 0x8769), None)
    if exif_ifd is None:
        return None
    for tag, _type, count, value in entries(exif_ifd):
        if tag != 0x9286:
            continue
        if count <= 4:
            raw = struct.pack(order + "I", value)[:count]
        else:
            if value + count > len(tiff):
                raise Damaged("EXIF: UserComment runs past the segment")
            raw = tiff[value : value + count]
        code, body = raw[:8], raw[8:]
        if code.startswith(b"UNICODE"):
            if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
                return body.decode("utf-16", "replace").rstrip("\x00").strip()
            encoding = "utf-16-le" if order == "<" else "utf-16-be"
            return body.decode(encoding, "replace").rstrip("\x00").strip()
        return _text(body)
    return None


# MP4 --------------------------------------------------------------------------------------------


def _boxes(data: Data, start: int, end: int, scan: Scan) -> Iterator[tuple[bytes, int, int]]:
    """``(type, payload start, box end)`` of the boxes between ``start`` and ``end``."""
    pos = start
    while pos < end:
        if not scan.count():
            return
        if pos + 8 > end:
            raise Damaged(f"truncated: a box header at byte {pos} runs past its container")
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise Damaged(f"truncated: the large size of the box at byte {pos}")
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            raise Damaged(f"the {kind!r} box at byte {pos} declares {size} bytes")
        if pos + size > end:
            raise Damaged(
                f"truncated: the {kind!r} box at byte {pos} declares {size} bytes, "
                "past the end of its container"
            )
        yield kind, pos + header, pos + size
        pos += size


def read_mp4(data: Data) -> Scan:
    """``moov/udta/meta`` (and ``moov/meta``): keys + ilst items, ``----`` items, ``AIGC`` boxes."""
    scan = Scan("mp4")
    if data[4:8] not in (b"ftyp", b"moov", b"free", b"skip", b"wide", b"mdat"):
        raise Damaged("not an MP4: no ftyp box at the start")
    for kind, start, end in _boxes(data, 0, len(data), scan):
        if kind == b"moov":
            _mp4_container(data, start, end, "moov", 1, scan)
    return scan


def _mp4_container(data: Data, start: int, end: int, path: str, depth: int, scan: Scan) -> None:
    if depth > MAX_BOX_DEPTH:
        raise Damaged(f"boxes nested deeper than {MAX_BOX_DEPTH} levels at {path}")
    for kind, body, box_end in _boxes(data, start, end, scan):
        name = kind.decode("latin-1")
        if kind == LABEL_KEY.encode():
            text = _mp4_box_text(data, body, box_end, scan)
            scan.placements.append(Placement(f"MP4 {path}/{name}", text=text))
        elif kind == b"udta":
            _mp4_container(data, body, box_end, f"{path}/udta", depth + 1, scan)
        elif kind == b"meta":
            _mp4_meta(data, body, box_end, f"{path}/meta", depth + 1, scan)


def _mp4_box_text(data: Data, start: int, end: int, scan: Scan) -> str:
    if end - start > MAX_TEXT_BYTES:
        raise Damaged(f"a label box has more than {MAX_TEXT_BYTES} bytes")
    if data[start + 4 : start + 8] == b"data":
        for kind, body, box_end in _boxes(data, start, end, scan):
            if kind == b"data":
                return _text(bytes(data[body + 8 : box_end]))
    return _text(bytes(data[start:end]))


def _mp4_meta(data: Data, start: int, end: int, path: str, depth: int, scan: Scan) -> None:
    # ISO 'meta' is a full box (4 bytes of version and flags); QuickTime's is not.
    if data[start + 4 : start + 8] != b"hdlr" and data[start + 8 : start + 12] == b"hdlr":
        start += 4
    keys: list[bytes] = []
    items: list[tuple[bytes, int, int]] = []
    for kind, body, box_end in _boxes(data, start, end, scan):
        if kind == b"keys":
            keys = _mp4_keys(data, body, box_end)
        elif kind == b"ilst":
            items = list(_boxes(data, body, box_end, scan))
        elif kind == LABEL_KEY.encode():
            text = _mp4_box_text(data, body, box_end, scan)
            scan.placements.append(Placement(f"MP4 {path}/AIGC", text=text))
    for kind, body, box_end in items:
        name = b""
        if kind == b"----":
            for child, child_body, child_end in _boxes(data, body, box_end, scan):
                if child == b"name":
                    name = bytes(data[child_body + 4 : child_end])
        else:
            (index,) = struct.unpack(">I", kind)
            if 1 <= index <= len(keys):
                name = keys[index - 1]
        if name == LABEL_KEY.encode():
            text = _mp4_box_text(data, body, box_end, scan)
            scan.placements.append(Placement(f"MP4 {path}/ilst {LABEL_KEY}", text=text))


def _mp4_keys(data: Data, start: int, end: int) -> list[bytes]:
    _need(data, start + 8, "the keys box")
    (count,) = struct.unpack_from(">I", data, start + 4)
    if count > MAX_STRUCTURES:
        raise Damaged(f"the keys box declares {count} keys")
    keys: list[bytes] = []
    pos = start + 8
    for _ in range(count):
        if pos + 8 > end:
            raise Damaged("truncated: the keys box ends before its last key")
        (size,) = struct.unpack_from(">I", data, pos)
        if size < 8 or pos + size > end:
            raise Damaged(f"a key in the keys box declares {size} bytes")
        keys.append(bytes(data[pos + 8 : pos + size]))
        pos += size
    return keys


# WAV and MP3 ------------------------------------------------------------------------------------


def read_wav(data: Data) -> Scan:
    """RIFF chunks: ``AIGC``, ``LIST``/``INFO`` sub-chunks, and an ``id3 `` chunk's ``TXXX``."""
    scan = Scan("wav")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise Damaged("not a WAV file: no RIFF/WAVE header")
    for kind, start, end in _riff_chunks(data, 12, len(data), scan):
        if kind == LABEL_KEY.encode():
            scan.placements.append(Placement("WAV chunk AIGC", text=_riff_text(data, start, end)))
        elif kind == b"LIST" and data[start : start + 4] == b"INFO":
            for sub, sub_start, sub_end in _riff_chunks(data, start + 4, end, scan):
                name = sub.decode("latin-1")
                if sub == LABEL_KEY.encode():
                    text = _riff_text(data, sub_start, sub_end)
                    scan.placements.append(Placement("WAV LIST/INFO AIGC", text=text))
                elif sub_end - sub_start <= MAX_TEXT_BYTES:
                    text = _riff_text(data, sub_start, sub_end)
                    if text.startswith("{") and f'"{LABEL_KEY}"' in text:
                        scan.placements.append(Placement(f"WAV LIST/INFO {name}", text=text))
        elif kind in (b"id3 ", b"ID3 "):
            _id3(data, start, end, "WAV id3", scan)
    return scan


def _riff_chunks(data: Data, start: int, end: int, scan: Scan) -> Iterator[tuple[bytes, int, int]]:
    pos = start
    while pos + 8 <= end:
        if not scan.count():
            return
        kind, size = struct.unpack_from("<4sI", data, pos)
        chunk_end = pos + 8 + size
        if chunk_end > end:
            raise Damaged(
                f"truncated: the {kind!r} chunk at byte {pos} declares {size} bytes, "
                "past the end of its container"
            )
        yield kind, pos + 8, chunk_end
        pos = chunk_end + (size & 1)


def _riff_text(data: Data, start: int, end: int) -> str:
    if end - start > MAX_TEXT_BYTES:
        raise Damaged(f"a label chunk has more than {MAX_TEXT_BYTES} bytes")
    return _text(bytes(data[start:end]))


def read_mp3(data: Data) -> Scan:
    """The ID3v2 tag at the start: ``TXXX`` frames described ``AIGC``."""
    scan = Scan("mp3")
    if data[:3] == b"ID3":
        _id3(data, 0, len(data), "MP3 ID3v2", scan)
    elif not is_mp3_frame(bytes(data[:4])):
        raise Damaged("not an MP3: neither an ID3v2 tag nor a Layer III frame at the start")
    return scan


def is_mp3_frame(head: bytes) -> bool:
    """True when ``head`` starts with an MPEG audio Layer III frame header.

    Frame sync, a known version, layer III, a bitrate index other than 15 and a known
    sampling rate: a UTF-16 byte-order mark (``FF FE``) is no MP3.
    """
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0x03, (head[1] >> 1) & 0x03
    bitrate, sampling = head[2] >> 4, (head[2] >> 2) & 0x03
    return version != 0x01 and layer == 0x01 and bitrate != 0x0F and sampling != 0x03


def _syncsafe(raw: bytes, what: str) -> int:
    if any(byte & 0x80 for byte in raw):
        raise Damaged(f"{what}: the size is not synchsafe")
    value = 0
    for byte in raw:
        value = (value << 7) | byte
    return value


def _id3(data: Data, start: int, end: int, where: str, scan: Scan) -> None:
    _need(data, start + 10, "the ID3v2 header")
    if data[start : start + 3] != b"ID3":
        raise Damaged(f"{where}: no ID3v2 header")
    major, flags = data[start + 3], data[start + 5]
    if major not in (2, 3, 4):
        raise Damaged(f"{where}: ID3v2.{major} is not a known version")
    size = _syncsafe(bytes(data[start + 6 : start + 10]), where)
    if start + 10 + size > end:
        raise Damaged(f"truncated: the ID3v2 tag declares {size} bytes, past the end")
    if flags & 0x80 and major < 4:  # tag-wide unsynchronisation
        if size > 16 * MAX_TEXT_BYTES:
            raise Damaged(
                f"{where}: an unsynchronised tag of more than {16 * MAX_TEXT_BYTES} bytes"
            )
        tag: Data = bytes(data[start + 10 : start + 10 + size]).replace(b"\xff\x00", b"\xff")
        base, limit = 0, len(tag)
    else:
        tag, base, limit = data, start + 10, start + 10 + size
    pos = base
    if flags & 0x40 and major >= 3:  # extended header
        _need(tag, pos + 4, "the ID3v2 extended header")
        if major == 3:
            (ext,) = struct.unpack_from(">I", tag, pos)
            pos += 4 + ext
        else:
            pos += _syncsafe(bytes(tag[pos : pos + 4]), where)
    id_length, header = (3, 6) if major == 2 else (4, 10)
    while pos + header <= limit:
        if tag[pos] == 0:  # padding
            return
        if not scan.count():
            return
        frame_id = bytes(tag[pos : pos + id_length])
        if major == 2:
            size = int.from_bytes(tag[pos + 3 : pos + 6], "big")
            frame_flags = 0
        elif major == 3:
            (size, frame_flags) = struct.unpack_from(">IH", tag, pos + 4)
        else:
            size = _syncsafe(bytes(tag[pos + 4 : pos + 8]), where)
            (frame_flags,) = struct.unpack_from(">H", tag, pos + 8)
        body_start, body_end = pos + header, pos + header + size
        if body_end > limit:
            raise Damaged(f"truncated: the {frame_id!r} frame declares {size} bytes, past the tag")
        if frame_id in (b"TXXX", b"TXX"):
            _txxx(tag, body_start, body_end, major, frame_flags, where, scan)
        pos = body_end


def _txxx(tag: Data, start: int, end: int, major: int, flags: int, where: str, scan: Scan) -> None:
    if end - start > MAX_TEXT_BYTES:
        return  # a label is short; a long TXXX frame is something else
    body = bytes(tag[start:end])
    compressed = (major == 3 and flags & 0x00C0) or (major == 4 and flags & 0x000C)
    if compressed:
        scan.incomplete.append(
            LocalizedText(
                zh=INCOMPLETE_COMPRESSED.zh.format(where=f"{where} TXXX"),
                en=INCOMPLETE_COMPRESSED.en.format(where=f"{where} TXXX"),
            )
        )
        return
    if major == 4 and flags & 0x0002:
        body = body.replace(b"\xff\x00", b"\xff")
    if major == 4 and flags & 0x0001:
        body = body[4:]
    if not body:
        return
    encoding, rest = body[0], body[1:]
    encodings = {0: "latin-1", 1: "utf-16", 2: "utf-16-be", 3: "utf-8"}
    if encoding not in encodings:
        raise Damaged(f"{where} TXXX: unknown text encoding {encoding}")
    if encoding in (1, 2):
        cut = next((i for i in range(0, len(rest) - 1, 2) if rest[i : i + 2] == b"\x00\x00"), -1)
        description, value = (rest, b"") if cut < 0 else (rest[:cut], rest[cut + 2 :])
        value_codec = "utf-16" if encoding == 1 else "utf-16-be"
    else:
        description, _, value = rest.partition(b"\x00")
        value_codec = encodings[encoding]
    try:
        name = description.decode(encodings[encoding]).strip("\x00")
        if name != LABEL_KEY:
            return
        text = value.decode(value_codec).rstrip("\x00").strip()
    except UnicodeDecodeError:
        if LABEL_KEY.encode() in description or LABEL_KEY.encode("utf-16-be") in description:
            scan.placements.append(
                Placement(f"{where} TXXX {LABEL_KEY}", problem="the text is not in its encoding")
            )
        return
    scan.placements.append(Placement(f"{where} TXXX {LABEL_KEY}", text=text))


# docx (and other Office Open XML documents) -----------------------------------------------------


class _Stream(io.RawIOBase):
    """A read-only, seekable file over bytes or a memory map, without copying them."""

    def __init__(self, data: Data) -> None:
        super().__init__()
        self._data = data
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._data)}
        self._position = max(0, base[whence] + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        chunk = self._data[self._position : self._position + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)


def read_docx(data: Data) -> Scan:
    """The custom property ``AIGC`` of ``docProps/custom.xml``."""
    scan = Scan("docx")
    if data[:4] != b"PK\x03\x04":
        raise Damaged("not a docx: no zip signature at the start")
    try:
        with zipfile.ZipFile(_Stream(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_STRUCTURES:
                raise Damaged(f"the archive lists {len(entries)} entries")
            if not any(entry.filename == "[Content_Types].xml" for entry in entries):
                raise Damaged("a zip archive, but not an Office document (no [Content_Types].xml)")
            for entry in entries:
                if entry.filename != "docProps/custom.xml":
                    continue
                where = "docx docProps/custom.xml"
                if entry.file_size > MAX_TEXT_BYTES:
                    size = entry.file_size
                    raise Damaged(
                        f"{where} declares {size} bytes; at most {MAX_TEXT_BYTES} are read"
                    )
                with archive.open(entry) as member:
                    document = member.read(MAX_TEXT_BYTES + 1)
                if len(document) > MAX_TEXT_BYTES:
                    raise Damaged(f"{where} inflates to more than {MAX_TEXT_BYTES} bytes")
                try:
                    texts = custom_property_labels(document)
                except XMLProblem as exc:
                    if LABEL_KEY.encode() in document:
                        scan.placements.append(Placement(where, problem=f"the XML is {exc}"))
                    continue
                for text in texts:
                    scan.placements.append(Placement(f"{where} {LABEL_KEY}", text=text))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise Damaged(f"the zip archive is damaged or unsupported ({exc})") from None
    return scan


# PDF --------------------------------------------------------------------------------------------

_INFO_REF = re.compile(rb"/Info\s*(\d{1,10})\s+(\d{1,5})\s+R")
_DELIMITERS = b"()<>[]{}/%"
_WHITESPACE = b"\x00\t\n\x0c\r "


def read_pdf(data: Data) -> Scan:
    """The ``/AIGC`` entry of the Info dictionary named by the (last) trailer."""
    scan = Scan("pdf")
    if bytes(data[:1024]).find(b"%PDF-") < 0:
        raise Damaged("not a PDF: no %PDF- header in the first 1024 bytes")
    tail = bytes(data[max(0, len(data) - MAX_PDF_WINDOW) :])
    refs = list(_INFO_REF.finditer(tail)) or list(_INFO_REF.finditer(bytes(data[:MAX_PDF_WINDOW])))
    if b"/Encrypt" in tail:
        scan.incomplete.append(INCOMPLETE_PDF_ENCRYPTED)
    if not refs:
        return scan
    number, generation = int(refs[-1].group(1)), int(refs[-1].group(2))
    header = re.compile(rb"(?<![0-9])%d\s+%d\s+obj\b" % (number, generation))
    starts = [match.end() for match in header.finditer(data)]
    if not starts:
        scan.incomplete.append(
            LocalizedText(
                zh=INCOMPLETE_PDF_OBJECT.zh.format(number=number, generation=generation),
                en=INCOMPLETE_PDF_OBJECT.en.format(number=number, generation=generation),
            )
        )
        return scan
    window = bytes(data[starts[-1] : starts[-1] + MAX_PDF_DICTIONARY])
    for key, value in _pdf_dictionary(window):
        if key == LABEL_KEY:
            where = f"PDF Info /{LABEL_KEY}"
            if isinstance(value, str):
                scan.placements.append(Placement(where, text=value.strip()))
            else:
                scan.placements.append(Placement(where, problem="the value is not a string"))
    return scan


def _pdf_dictionary(raw: bytes) -> list[tuple[str, object]]:
    """The top-level entries of the dictionary at the start of ``raw`` (strings decoded)."""
    pos = _skip_space(raw, 0)
    if raw[pos : pos + 2] != b"<<":
        raise Damaged("the PDF Info object is not a dictionary")
    pos += 2
    entries: list[tuple[str, object]] = []
    key: str | None = None
    while True:
        pos = _skip_space(raw, pos)
        if pos >= len(raw):
            raise Damaged(f"the PDF Info dictionary is not closed within {len(raw)} bytes")
        if raw.startswith(b">>", pos):
            return entries
        token, pos = _pdf_token(raw, pos)
        if key is None:
            if not (isinstance(token, tuple) and token[0] == "name"):
                raise Damaged("the PDF Info dictionary has a key that is not a name")
            key = token[1]
        else:
            entries.append((key, token))
            key = None


def _skip_space(raw: bytes, pos: int) -> int:
    while pos < len(raw):
        if raw[pos] in _WHITESPACE:
            pos += 1
        elif raw[pos] == 0x25:  # % comment
            while pos < len(raw) and raw[pos] not in b"\r\n":
                pos += 1
        else:
            break
    return pos


def _pdf_token(raw: bytes, pos: int) -> tuple[object, int]:
    """One value: a string (decoded), a ``("name", text)``, a skipped container, or a word."""
    char = raw[pos : pos + 1]
    if char == b"(":
        return _pdf_literal(raw, pos + 1)
    if raw.startswith(b"<<", pos) or char == b"[":
        return None, _pdf_skip_container(raw, pos)
    if char == b"<":
        end = raw.find(b">", pos)
        if end < 0:
            raise Damaged("a PDF hex string is not closed")
        digits = re.sub(rb"\s", b"", raw[pos + 1 : end])
        if len(digits) % 2:
            digits += b"0"
        try:
            return _pdf_string(bytes.fromhex(digits.decode("ascii"))), end + 1
        except (ValueError, UnicodeDecodeError):
            raise Damaged("a PDF hex string holds a character that is not hexadecimal") from None
    end = pos + 1
    while end < len(raw) and raw[end] not in _WHITESPACE and raw[end] not in _DELIMITERS:
        end += 1
    word = raw[pos:end]
    if char == b"/":
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), word[1:])
        return ("name", name.decode("latin-1")), end
    return word.decode("latin-1"), end


def _pdf_skip_container(raw: bytes, pos: int) -> int:
    depth = 0
    while pos < len(raw):
        pos = _skip_space(raw, pos)
        if raw.startswith(b"<<", pos) or raw[pos : pos + 1] == b"[":
            depth += 1
            pos += 2 if raw[pos : pos + 1] == b"<" else 1
            if depth > 32:
                raise Damaged("PDF containers nested deeper than 32 levels")
        elif raw.startswith(b">>", pos) or raw[pos : pos + 1] == b"]":
            depth -= 1
            pos += 2 if raw[pos : pos + 1] == b">" else 1
            if depth == 0:
                return pos
        elif pos < len(raw):
            _token, pos = _pdf_token(raw, pos)
    raise Damaged("a PDF array or dictionary is not closed")


_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def _pdf_literal(raw: bytes, pos: int) -> tuple[str, int]:
    out = bytearray()
    depth = 1
    while pos < len(raw):
        byte = raw[pos]
        if byte == 0x5C:  # backslash
            pos += 1
            if pos >= len(raw):
                break
            nxt = raw[pos]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                pos += 1
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", raw[pos : pos + 3])
                assert digits is not None
                out.append(int(digits.group(), 8) & 0xFF)
                pos += len(digits.group())
            elif nxt in b"\r\n":  # line continuation
                pos += 2 if raw[pos : pos + 2] == b"\r\n" else 1
            else:
                out.append(nxt)
                pos += 1
            continue
        if byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return _pdf_string(bytes(out)), pos + 1
        out.append(byte)
        pos += 1
    raise Damaged("a PDF string is not closed")


def _pdf_string(raw: bytes) -> str:
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        return raw.decode("utf-16", "replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    return raw.decode("latin-1")


# Markdown front matter --------------------------------------------------------------------------

_FRONT_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


def read_markdown(data: Data) -> Scan:
    """The ``AIGC`` key of YAML front matter (``---`` … ``---``): a mapping or a JSON string."""
    scan = Scan("markdown")
    head = bytes(data[: MAX_FRONT_MATTER + 8])
    if b"\x00" in head:
        raise Damaged("not text: it holds NUL bytes")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:  # a character cut at the end of the head is held back, not an error
        text = decoder.decode(head, final=len(data) <= len(head))
    except UnicodeDecodeError:
        raise Damaged("not UTF-8 text") from None
    text = text.lstrip("\ufeff")
    first, _, rest = text.partition("\n")
    if first.rstrip() != "---":
        return scan
    closing = _FRONT_END.search(rest)
    if closing is None:
        raise Damaged(f"the front matter is not closed within {MAX_FRONT_MATTER} bytes")
    try:
        document = yamlsafe.load(rest[: closing.start()], source="front matter")
    except yamlsafe.DataFileError as exc:
        raise Damaged(f"the front matter is not valid YAML ({exc.problem})") from None
    if isinstance(document, dict) and LABEL_KEY in document:
        value = document[LABEL_KEY]
        where = f"Markdown front matter {LABEL_KEY}"
        if isinstance(value, str):
            scan.placements.append(Placement(where, text=value.strip()))
        else:
            scan.placements.append(Placement(where, value=value))
    return scan


Reader = Callable[[Data], Scan]

READERS: dict[str, Reader] = {
    "png": read_png,
    "jpeg": read_jpeg,
    "mp4": read_mp4,
    "wav": read_wav,
    "mp3": read_mp3,
    "docx": read_docx,
    "pdf": read_pdf,
    "markdown": read_markdown,
}
"""The reader of each format, by name."""

__all__ = [
    "MAX_FRONT_MATTER",
    "MAX_STRUCTURES",
    "MAX_TEXT_BYTES",
    "READERS",
    "Damaged",
    "Data",
    "Placement",
    "Scan",
    "is_mp3_frame",
]
