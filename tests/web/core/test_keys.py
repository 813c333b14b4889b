"""Keys by purpose and files encrypted at rest: round trip, rotation, tampering, exposure."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

import pytest

from tianping.web.core.keys import (
    CHUNK,
    KeyServiceError,
    decrypt_file,
    encrypt_file,
    keys_for,
)


@pytest.fixture
def home(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.HOME = tmp_path
    monkeypatch.delenv("TIANPING_KEY_UPLOADS", raising=False)
    return tmp_path


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, 2 * CHUNK + 5])
def test_a_file_round_trips_and_holds_none_of_its_plain_text(home: Path, size: int) -> None:
    plain = home / "plain.bin"
    data = secrets.token_bytes(size)
    plain.write_bytes(data)
    sealed, back = home / "sealed.bin", home / "back.bin"
    encrypt_file(plain, sealed, purpose="uploads")
    assert sealed.stat().st_mode & 0o777 == 0o600
    assert size < 16 or data[:16] not in sealed.read_bytes()
    decrypt_file(sealed, back, purpose="uploads")
    assert back.read_bytes() == data


def test_the_generated_key_file_is_private_and_an_exposed_one_is_refused(home: Path) -> None:
    [key] = keys_for("uploads")
    path = home / "keys" / "uploads.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert (home / "keys").stat().st_mode & 0o777 == 0o700
    assert keys_for("uploads") == [key]  # stable
    path.chmod(0o644)
    with pytest.raises(KeyServiceError, match="0600"):
        keys_for("uploads")


@pytest.mark.parametrize("damage", ["flip", "truncate", "extend", "drop_last_chunk"])
def test_a_changed_file_does_not_decrypt(home: Path, damage: str) -> None:
    plain = home / "plain.bin"
    plain.write_bytes(secrets.token_bytes(CHUNK + 100))
    sealed = home / "sealed.bin"
    encrypt_file(plain, sealed, purpose="uploads")
    raw = bytearray(sealed.read_bytes())
    if damage == "flip":
        raw[40] ^= 1
    elif damage == "truncate":
        raw = raw[:-1]
    elif damage == "extend":
        raw += b"\x00" * 32
    else:
        raw = raw[: 18 + CHUNK + 16]  # only the first chunk, which is not marked last
    sealed.write_bytes(bytes(raw))
    with pytest.raises(KeyServiceError):
        decrypt_file(sealed, home / "back.bin", purpose="uploads")
    assert not (home / "back.bin").exists()


def test_a_rotated_key_still_decrypts_what_the_old_one_encrypted(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = (base64.b64encode(secrets.token_bytes(32)).decode() for _ in range(2))
    monkeypatch.setenv("TIANPING_KEY_UPLOADS", old)
    plain = home / "plain.bin"
    plain.write_bytes(b"id,phone\n1,13912345678\n")
    sealed = home / "sealed.bin"
    encrypt_file(plain, sealed, purpose="uploads")
    monkeypatch.setenv("TIANPING_KEY_UPLOADS", f"{new},{old}")
    decrypt_file(sealed, home / "back.bin", purpose="uploads")
    assert (home / "back.bin").read_bytes() == plain.read_bytes()
    monkeypatch.setenv("TIANPING_KEY_UPLOADS", new)
    with pytest.raises(KeyServiceError, match="no longer configured"):
        decrypt_file(sealed, home / "again.bin", purpose="uploads")


def test_a_malformed_key_in_the_environment_is_refused(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIANPING_KEY_UPLOADS", "not base64!")
    with pytest.raises(KeyServiceError, match="TIANPING_KEY_UPLOADS"):
        keys_for("uploads")
    assert not os.path.exists(home / "keys" / "uploads.key")


def test_a_key_file_is_read_again_only_when_it_changes(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = keys_for("uploads")
    path = home / "keys" / "uploads.key"
    settled = path.stat().st_mtime_ns - 10_000_000_000
    os.utime(path, ns=(settled, settled))
    assert keys_for("uploads") == first  # read, and now remembered
    reads: list[Path] = []
    original = Path.read_text

    def counting(self: Path, *args: Any, **kwargs: Any) -> str:
        reads.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counting)
    assert keys_for("uploads") == first
    assert reads == []
    # A rotation appends the new key first; the changed file is read again at once.
    fresh = secrets.token_bytes(32)
    path.write_text(base64.b64encode(fresh).decode() + "\n" + path.read_text("ascii"), "ascii")
    assert keys_for("uploads") == [fresh, *first]
    assert reads
