"""Uploaded documents of ethics review: size limit, type by content, SHA-256.

The type is decided from the file's first bytes (and, for office documents,
from the parts of the zip container), never from the content type the client
claims; the file name's extension must agree with it. Accepted: PDF, DOCX,
XLSX, ODT, plain UTF-8 text, PNG and JPEG. The limit is the setting
``TIANPING_MAX_ATTACHMENT_BYTES`` (20 MiB by default)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tianping.web import uploads

CHUNK = 64 * 1024


# content type → the extensions a file of that type may carry
TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "text/plain": (".txt", ".text", ".md"),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}


ACCEPT = ",".join(ext for exts in TYPES.values() for ext in exts)


# Text that a browser would treat as markup or script is refused even as .txt.
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def max_bytes() -> int:
    """The largest document of a review (``TIANPING_MAX_ATTACHMENT_BYTES``, 20 MiB)."""
    return uploads.attachment_limit()


def _wrong_type(field: str) -> ValidationError:
    return ValidationError(
        {
            field: [
                _(
                    "This type of file is not accepted. Upload a PDF, a Word, Excel or "
                    "OpenDocument text file, plain UTF-8 text, PNG or JPEG, with the matching "
                    "file name extension."
                )
            ]
        }
    )


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == "application/vnd.oasis.opendocument.text":
                        return mimetype
                return None
    except (zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError, OSError):
        return None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def detect_type(data: bytes) -> str | None:
    """The content type of ``data`` by its magic bytes, or ``None`` when not accepted."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = text.lstrip("\ufeff \t\r\n")[:64].lower().encode("utf-8")
    if any(head.startswith(tag) for tag in _MARKUP):
        return None
    return "text/plain"


def clean_name(raw: str | None, field: str) -> str:
    name = PureWindowsPath(PurePosixPath(raw or "").name).name.strip()
    if not name or "\x00" in name or any(ord(c) < 32 for c in name):
        raise ValidationError({field: [_("The file needs a proper name.")]})
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) < 20 else name[:200]
    return name


def read_upload(
    upload: UploadedFile[bytes],
    *,
    field: str = "file",
    limit: int | None = None,
    types: Mapping[str, tuple[str, ...]] = TYPES,
    wrong_type: str | None = None,
) -> CheckedFile:
    """Read ``upload`` within ``limit`` (a review document's by default), stopping at the
    limit, and check its type by its first bytes and its name against ``types`` (content type
    → extensions); else ValidationError (``wrong_type``: the message naming what is accepted)."""
    name = clean_name(getattr(upload, "name", ""), field)
    limit = max_bytes() if limit is None else limit
    too_large = ValidationError({field: [uploads.too_large_message(limit)]})
    refused = _wrong_type(field) if wrong_type is None else ValidationError({field: [wrong_type]})
    if upload.size is not None and upload.size > limit:
        raise too_large
    digest = hashlib.sha256()
    parts: list[bytes] = []
    size = 0
    for chunk in upload.chunks(CHUNK):
        size += len(chunk)
        if size > limit:
            raise too_large
        digest.update(chunk)
        parts.append(chunk)
    if size == 0:
        raise ValidationError({field: [_("The file is empty.")]})
    data = b"".join(parts)
    content_type = detect_type(data)
    if content_type is None or content_type not in types:
        raise refused
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in types[content_type]:
        raise refused
    return CheckedFile(
        name=name, content_type=content_type, size=size, sha256=digest.hexdigest(), data=data
    )
