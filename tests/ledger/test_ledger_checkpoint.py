"""Checkpoints: the C2SP tlog-checkpoint text, signing, and never two inconsistent ones."""

from __future__ import annotations

import base64

import pytest

from tianping.ledger import (
    Checkpoint,
    CheckpointError,
    EmptyLedgerError,
    InconsistentCheckpointError,
    Ledger,
    MemoryStore,
    NoteError,
    NoteSigner,
    SignedCheckpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from tianping.ledger._messages import (
    ERR_CHECKPOINT_EMPTY,
    ERR_CHECKPOINT_INCONSISTENT,
    ERR_CHECKPOINT_KEY,
    ERR_CHECKPOINT_ROLLBACK,
)

from .conftest import ORIGIN, entries

# The example of https://c2sp.org/tlog-checkpoint.
C2SP_EXAMPLE = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)


def test_the_c2sp_example_parses_and_writes_back_identically() -> None:
    checkpoint = Checkpoint.from_text(C2SP_EXAMPLE)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.text == C2SP_EXAMPLE


def test_extension_lines_round_trip() -> None:
    checkpoint = Checkpoint(
        origin=ORIGIN, size=3, root_hash=bytes(32), extensions=("Timestamp: 1700000000",)
    )
    assert Checkpoint.from_text(checkpoint.text) == checkpoint


@pytest.mark.parametrize(
    "text",
    [
        "origin\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # leading zero
        "origin\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n١٢\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # non-ASCII digits
        "origin\n12\nnot base64\n",
        "origin\n12\nAAAA\n",  # not 32 bytes
        "origin\n12\n",
        "\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",  # empty extension
        "origin\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",  # no final newline
    ],
)
def test_malformed_checkpoint_texts_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.from_text(text)


def test_a_signed_checkpoint_round_trips_and_verifies(signer: NoteSigner) -> None:
    checkpoint = Checkpoint(origin=ORIGIN, size=5, root_hash=bytes(range(32)))
    signed = sign_checkpoint(checkpoint, signer)
    assert signed.note.startswith(checkpoint.text + "\n— " + ORIGIN + " ")
    assert verify_checkpoint(signed.note, signer.verifier.text) == checkpoint
    assert SignedCheckpoint.parse_unverified(signed.note) == signed


def test_a_checkpoint_from_another_key_fails(signer: NoteSigner) -> None:
    other = NoteSigner.generate(ORIGIN)
    signed = sign_checkpoint(Checkpoint(origin=ORIGIN, size=5, root_hash=bytes(32)), other)
    with pytest.raises(NoteError):
        verify_checkpoint(signed.note, signer.verifier)


def test_a_checkpoint_for_another_origin_fails() -> None:
    stranger = NoteSigner.generate("other.example/log")
    signed = sign_checkpoint(
        Checkpoint(origin="other.example/log", size=5, root_hash=bytes(32)), stranger
    )
    with pytest.raises(CheckpointError):
        verify_checkpoint(signed.note, stranger.verifier, origin=ORIGIN)
    with pytest.raises(CheckpointError):
        sign_checkpoint(Checkpoint(origin=ORIGIN, size=5, root_hash=bytes(32)), stranger)


def test_an_empty_ledger_is_not_signed(ledger: Ledger, signer: NoteSigner) -> None:
    with pytest.raises(EmptyLedgerError) as raised:
        ledger.sign_checkpoint(signer)
    assert raised.value.message == ERR_CHECKPOINT_EMPTY


def test_each_new_checkpoint_extends_the_last(ledger: Ledger, signer: NoteSigner) -> None:
    ledger.append_many(entries(5))
    first = ledger.sign_checkpoint(signer)
    ledger.append_many(entries(8, start=5))
    second = ledger.sign_checkpoint(signer)
    assert (first.checkpoint.size, second.checkpoint.size) == (5, 13)
    ledger.consistency_proof(5, 13).verify(
        old_root=first.checkpoint.root_hash, new_root=second.checkpoint.root_hash
    )


def test_signing_again_without_new_entries_returns_the_same_checkpoint(
    ledger: Ledger, signer: NoteSigner
) -> None:
    ledger.append_many(entries(3))
    first = ledger.sign_checkpoint(signer)
    assert ledger.sign_checkpoint(signer) == first
    assert len(ledger.checkpoints()) == 1


def test_the_log_refuses_to_sign_after_its_history_was_rewritten(signer: NoteSigner) -> None:
    store = MemoryStore(ORIGIN)
    ledger = Ledger(store)
    ledger.append_many(entries(6))
    ledger.sign_checkpoint(signer)
    # Someone rewrites entry 2 together with its leaf hash and the nodes above it.
    forged = Ledger(MemoryStore(ORIGIN))
    forged.append_many([*entries(2), b'{"case":2,"decision":"deny"}', *entries(3, start=3)])
    for level, index in [(0, 2), (1, 1), (2, 0)]:
        store._replace_node(level, index, forged.store.read_nodes([(level, index)])[0])
    ledger.append_many(entries(2, start=6))
    with pytest.raises(InconsistentCheckpointError) as raised:
        ledger.sign_checkpoint(signer)
    assert raised.value.message == ERR_CHECKPOINT_INCONSISTENT.format(size=8, signed=6)
    assert len(ledger.checkpoints()) == 1


def test_the_log_refuses_to_sign_a_smaller_tree_than_it_signed(signer: NoteSigner) -> None:
    store = MemoryStore(ORIGIN)
    big = Ledger(store)
    big.append_many(entries(5))
    note = big.sign_checkpoint(signer).note
    truncated = MemoryStore(ORIGIN)
    Ledger(truncated).append_many(entries(3))
    truncated.add_checkpoint(5, note)  # the old log's checkpoint travels with the data
    with pytest.raises(InconsistentCheckpointError) as raised:
        Ledger(truncated).sign_checkpoint(signer)
    assert raised.value.message == ERR_CHECKPOINT_ROLLBACK.format(size=3, signed=5)


def test_the_log_refuses_to_sign_with_a_key_its_last_checkpoint_does_not_verify_with(
    ledger: Ledger, signer: NoteSigner
) -> None:
    ledger.append_many(entries(3))
    ledger.sign_checkpoint(signer)
    ledger.append(entries(1, start=3)[0])
    with pytest.raises(InconsistentCheckpointError) as raised:
        ledger.sign_checkpoint(NoteSigner.generate(ORIGIN))
    assert raised.value.message == ERR_CHECKPOINT_KEY
