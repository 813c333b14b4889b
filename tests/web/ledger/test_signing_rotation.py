"""Signing keys by purpose: the ledger's original key is unchanged, rotation keeps old checkpoints
verifiable, an export carries the key that signed it, and each purpose has keys of its own."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tests.web.factories import Network
from tianping.ledger import (
    InconsistentCheckpointError,
    Ledger,
    NoteError,
    NoteSigner,
    open_note,
    verify_export,
)
from tianping.web.core import signing
from tianping.web.ledger.models import LedgerLog
from tianping.web.ledger.selectors import log_info
from tianping.web.ledger.services import ledger_checkpoint_sign, ledger_export
from tianping.web.ledger.signing import checkpoint_verifier, ledger_signer
from tianping.web.ledger.store import DatabaseStore

ORIGIN = "tianping.test/systems/1/decisions"
ORIGINAL = base64.b64encode(b"\x07" * 32).decode()


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def keys(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    settings.HOME = tmp_path
    monkeypatch.setenv("TIANPING_LEDGER_SECRET", ORIGINAL)
    for purpose in signing.PURPOSES:
        monkeypatch.delenv(f"TIANPING_KEY_{purpose.upper()}", raising=False)
    signing.ledger_secret.cache_clear()
    yield monkeypatch
    signing.ledger_secret.cache_clear()


def test_the_original_ledger_key_is_derived_as_before_purposes_existed(
    keys: pytest.MonkeyPatch,
) -> None:
    # The derivation logs were signed with before keys by purpose: HKDF-SHA256 of the
    # ledger secret, the fixed salt, the origin as info. Their verifier keys must not change.
    seed = HKDF(
        algorithm=SHA256(),
        length=32,
        salt=b"tianping-ledger-checkpoint-key/1",
        info=ORIGIN.encode(),
    ).derive(base64.b64decode(ORIGINAL))
    expected = NoteSigner(ORIGIN, Ed25519PrivateKey.from_private_bytes(seed)).verifier.text
    assert ledger_signer(ORIGIN).verifier.text == expected
    assert [key.text for key in signing.verifiers(signing.LEDGER, ORIGIN)] == [expected]
    assert not (Path(signing.settings.HOME) / "keys" / "ledger.key").exists()  # never generated


def test_purposes_have_keys_of_their_own(keys: pytest.MonkeyPatch) -> None:
    ledger = signing.signer(signing.LEDGER, "tianping.test/issuer")
    certificates = signing.signer(signing.CERTIFICATES, "tianping.test/issuer")
    federation = signing.signer(signing.FEDERATION, "tianping.test/issuer")
    assert len({ledger.verifier.text, certificates.verifier.text, federation.verifier.text}) == 3
    assert signing.signer(signing.CERTIFICATES, "tianping.test/issuer").verifier == (
        certificates.verifier
    )  # stable: read back from the generated key file
    with pytest.raises(ValueError, match="unknown signing purpose"):
        signing.signer("uploads", "x")


@pytest.mark.django_db
def test_rotation_signs_with_the_new_key_and_old_checkpoints_still_verify(
    keys: pytest.MonkeyPatch, network: Network, tmp_path: Path
) -> None:
    log = LedgerLog.objects.create(origin=ORIGIN, kind="decisions", system=network.system_a)
    ledger = Ledger(DatabaseStore(log))
    ledger.append_many([b'{"n":%d}' % n for n in range(3)])
    before = ledger.sign_checkpoint(ledger_signer(ORIGIN))
    old_key = ledger_signer(ORIGIN).verifier

    keys.setenv("TIANPING_KEY_LEDGER", _key())  # rotate: a new newest secret
    new_key = ledger_signer(ORIGIN).verifier
    assert new_key != old_key
    ledger.refresh()
    ledger.append_many([b'{"n":3}'])
    with pytest.raises(InconsistentCheckpointError):  # the log never used this key before
        ledger.sign_checkpoint(ledger_signer(ORIGIN))
    after = ledger_checkpoint_sign(log=log)
    assert after is not None

    assert open_note(before.note, [old_key]) and open_note(after.note, [new_key])
    with pytest.raises(NoteError):
        open_note(before.note, [new_key])
    assert checkpoint_verifier(ORIGIN, before.note) == old_key
    assert checkpoint_verifier(ORIGIN, after.note) == new_key

    info = log_info(log)
    assert info.vkey == new_key.text and info.earlier_vkeys == (old_key.text,)
    assert [c["vkey"] for c in info.checkpoints] == [new_key.text, old_key.text]

    path = tmp_path / "export.jsonl"
    ledger_export(log=log, path=path)
    assert verify_export(path, key=new_key).size == 4
