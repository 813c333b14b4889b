"""C2SP signed notes and keys: Go's reference vector byte for byte, and every refusal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tianping.ledger import (
    KeyFileError,
    KeyFormatError,
    Note,
    NoteError,
    NoteSigner,
    VerifierKey,
    open_note,
    read_key_file,
    sign_note,
    write_key_file,
)
from tianping.ledger._messages import ERR_KEY_FILE_EXISTS, ERR_NOTE_BAD_SIGNATURE

# golang.org/x/mod/sumdb/note's documented example: the signing and verifier keys,
# the text, and the signed note the Go implementation produces (Ed25519 is
# deterministic, RFC 8032, so ours must be identical).
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXg"
    "KvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_reproduces_gos_reference_note_byte_for_byte() -> None:
    signer = NoteSigner.parse(GO_SKEY)
    assert signer.verifier.text == GO_VKEY
    assert signer.secret_text == GO_SKEY
    assert sign_note(GO_TEXT, signer) == GO_NOTE


def test_gos_reference_note_verifies_with_its_verifier_key() -> None:
    note = open_note(GO_NOTE, [VerifierKey.parse(GO_VKEY)])
    assert note.text == GO_TEXT
    assert str(note) == GO_NOTE


def test_the_key_id_is_the_first_four_bytes_of_sha256_over_name_newline_type_key() -> None:
    import hashlib

    key = VerifierKey.parse(GO_VKEY)
    digest = hashlib.sha256(b"PeterNeumann\n\x01" + key.public_key).digest()
    assert key.key_id == digest[:4] == bytes.fromhex("c74f20a3")


def test_a_note_changed_anywhere_fails() -> None:
    key = VerifierKey.parse(GO_VKEY)
    with pytest.raises(NoteError) as raised:
        open_note(GO_NOTE.replace("cryptography", "cryptographY"), [key])
    assert raised.value.message == ERR_NOTE_BAD_SIGNATURE.format(
        name="PeterNeumann", key_id="c74f20a3"
    )


def test_a_note_from_another_key_fails_even_under_the_same_name() -> None:
    impostor = NoteSigner.generate("PeterNeumann")
    with pytest.raises(NoteError):
        open_note(sign_note(GO_TEXT, impostor), [VerifierKey.parse(GO_VKEY)])


def test_unknown_signatures_are_ignored_when_a_known_one_verifies() -> None:
    known, unknown = NoteSigner.generate("log.example/a"), NoteSigner.generate("witness.example")
    note = sign_note("hello\n", unknown, known)
    assert open_note(note, [known.verifier]).text == "hello\n"
    assert len(Note.parse(note).signatures) == 2
    with pytest.raises(NoteError):
        open_note(note, [])


@pytest.mark.parametrize(
    "note",
    [
        "no blank line\n— a AAAAAAAA\n",
        "text\n\n",
        "text\n\n— a AAAAAAAA",
        "text\n\nnot a signature\n",
        "text\n\n— a !!!!\n",
        "text\n\n— a AAAA\n",  # fewer than 4 + 1 bytes
        "text\twith a tab\n\n— a AAAAAAAA\n",
        "text\n\n— a AAAAAAAA extra\n",
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(NoteError):
        Note.parse(note)


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VKEY.replace("c74f20a3", "c74f20a4"),  # key id does not match
        GO_VKEY.replace("+ARpc", "+AhpC"),  # another type byte
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        GO_VKEY[:-4],
    ],
)
def test_malformed_or_mismatched_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(KeyFormatError):
        VerifierKey.parse(vkey)


def test_key_names_may_not_hold_spaces_or_plus() -> None:
    for name in ("", "a b", "a+b", "a\u3000b"):
        with pytest.raises(KeyFormatError):
            NoteSigner.generate(name)


def test_a_signer_never_shows_its_secret_in_repr() -> None:
    signer = NoteSigner.parse(GO_SKEY)
    assert "PRIVATE" not in repr(signer) and GO_VKEY in repr(signer)


def test_key_files_are_0600_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    signer = NoteSigner.generate("log.example/a")
    write_key_file(path, signer)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key_file(path).verifier == signer.verifier
    with pytest.raises(KeyFileError) as raised:
        write_key_file(path, NoteSigner.generate("log.example/a"))
    assert raised.value.message == ERR_KEY_FILE_EXISTS.format(path=path)
    assert read_key_file(path).verifier == signer.verifier


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    write_key_file(path, NoteSigner.generate("log.example/a"))
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError) as raised:
        read_key_file(path)
    assert raised.value.hint == f"chmod 600 {path}"
