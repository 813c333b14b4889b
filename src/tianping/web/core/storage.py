"""Files of the platform through Django's storage API: a local folder, or S3-compatible storage.

The backend is chosen by ``TIANPING_STORAGE`` (``STORAGES`` in the settings):

- ``local`` (the default): folders under ``TIANPING_HOME``, folders 0700 and
  files 0600 (:class:`PrivateFileSystemStorage`); one host, or hosts that share
  the home folder;
- ``s3``: the bucket ``TIANPING_S3_BUCKET`` of an S3-compatible object storage
  (``TIANPING_S3_ENDPOINT_URL``; credentials from the standard AWS environment
  variables), shared by every web process and worker of a cluster.

Two storages are named: :data:`UPLOADS` holds the uploaded datasets of bias
assessments and privacy scans (encrypted at rest, :mod:`tianping.web.core.keys`;
locally in ``TIANPING["PREDICTIONS_DIR"]``, read on each use), ``default`` any
other file. Files are written and read in chunks (:func:`save_chunks`,
:func:`read_chunks`), never through a local path: an object storage has none.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

from tianping.web.home import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE

UPLOADS = "uploads"
"""The storage of uploaded datasets (``STORAGES["uploads"]``)."""
CHUNK = 1 << 20


class PrivateFileSystemStorage(FileSystemStorage):
    """A local folder whose folders are made 0700 and files 0600."""

    def __init__(self, location: str | Path | None = None, **options: Any) -> None:
        options.setdefault("file_permissions_mode", PRIVATE_FILE_MODE)
        options.setdefault("directory_permissions_mode", PRIVATE_DIR_MODE)
        super().__init__(location=location, **options)


class UploadsFolderStorage(PrivateFileSystemStorage):
    """The local folder of uploads, ``TIANPING["PREDICTIONS_DIR"]``, as the settings say now."""

    @property
    def base_location(self) -> str:
        return str(settings.TIANPING["PREDICTIONS_DIR"])

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def uploads_storage() -> Storage:
    """Where uploaded datasets are stored (``STORAGES["uploads"]``)."""
    return storages[UPLOADS]


def local_path(storage: Storage, name: str) -> Path | None:
    """The file's path on this machine if the storage is a local folder, else ``None``."""
    if not isinstance(storage, FileSystemStorage):
        return None
    return Path(storage.path(name))


class _ChunkReader(io.RawIOBase):
    """A readable, unseekable stream of the bytes an iterator yields."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        super().__init__()
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        view = memoryview(buffer).cast("B")
        size = min(len(view), len(self._pending))
        view[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def save_chunks(storage: Storage, name: str, chunks: Iterable[bytes]) -> str:
    """Write ``chunks`` to ``name`` in ``storage`` as they come; the name it was saved under."""
    stream = io.BufferedReader(_ChunkReader(chunks), buffer_size=CHUNK)
    return storage.save(name, File(stream, name=Path(name).name))


def read_chunks(storage: Storage, name: str, *, size: int = CHUNK) -> Iterator[bytes]:
    """The bytes of ``name`` in ``storage``, ``size`` at a time."""
    with storage.open(name, "rb") as handle:
        while True:
            chunk = handle.read(size)
            if not chunk:
                return
            yield chunk
