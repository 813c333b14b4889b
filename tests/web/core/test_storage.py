"""File storage: chunked writes and reads, private local folders, encrypted streams, settings."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tianping.web.core import storage
from tianping.web.core.keys import CHUNK, KeyServiceError, decrypt_stream, encrypt_stream

SIZES = [0, 1, CHUNK - 1, CHUNK, 2 * CHUNK + 5]


class ShortReads(io.RawIOBase):
    """A stream that hands out at most 1000 bytes a read, as a network stream may."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        part = self._data.read(min(len(buffer), 1000))
        buffer[: len(part)] = part
        return len(part)


def _pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


@pytest.mark.parametrize("size", SIZES)
def test_chunks_written_to_a_local_folder_read_back_the_same(tmp_path: Path, size: int) -> None:
    folder = storage.PrivateFileSystemStorage(location=tmp_path / "files")
    data = os.urandom(size)
    name = storage.save_chunks(folder, "7/data.bin", _pieces(data, 70_000))
    assert name == "7/data.bin"
    assert b"".join(storage.read_chunks(folder, name)) == data
    path = storage.local_path(folder, name)
    assert path is not None and path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("size", [0, CHUNK, 2 * CHUNK + 5])
def test_an_encrypted_stream_decrypts_through_short_reads(size: int) -> None:
    data = os.urandom(size)
    sealed = b"".join(encrypt_stream(io.BytesIO(data), purpose="uploads"))
    assert data[:64] not in sealed or size == 0
    plain = decrypt_stream(ShortReads(sealed), purpose="uploads", name="x.csv.enc")
    assert b"".join(plain) == data
    # A plain file read through short reads encrypts the same way (full chunks).
    resealed = b"".join(encrypt_stream(ShortReads(data), purpose="uploads"))
    assert b"".join(decrypt_stream(io.BytesIO(resealed), purpose="uploads", name="x")) == data


def test_a_cut_stream_is_refused_naming_the_file_only() -> None:
    sealed = b"".join(encrypt_stream(io.BytesIO(os.urandom(CHUNK + 9)), purpose="uploads"))
    with pytest.raises(KeyServiceError) as caught:
        b"".join(decrypt_stream(io.BytesIO(sealed[:-3]), purpose="uploads", name="d.csv.enc"))
    assert "d.csv.enc" in str(caught.value) and "/" not in str(caught.value)


def _settings_storages(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    code = "from tianping.web import settings; print(settings.STORAGES['uploads']['BACKEND'])"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TIANPING_STORAGE", "TIANPING_S3_"))
    }
    env.update(TIANPING_HOME=str(tmp_path / "home"), **environment)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_the_settings_choose_the_storage_and_refuse_a_wrong_one(tmp_path: Path) -> None:
    local = _settings_storages(tmp_path)
    assert local.returncode == 0, local.stderr
    assert local.stdout.strip() == "tianping.web.core.storage.UploadsFolderStorage"
    no_bucket = _settings_storages(tmp_path, TIANPING_STORAGE="s3")
    assert no_bucket.returncode != 0 and "TIANPING_S3_BUCKET" in no_bucket.stderr
    unknown = _settings_storages(tmp_path, TIANPING_STORAGE="ftp")
    assert unknown.returncode != 0 and "TIANPING_STORAGE must be 'local' or 's3'" in unknown.stderr
