"""Receipts: an entry checked offline with nothing but the log's verifier key."""

from __future__ import annotations

import json

import pytest

from tianping.ledger import (
    CheckpointError,
    Ledger,
    NoteError,
    NoteSigner,
    Receipt,
    ReceiptError,
    verify_receipt,
)
from tianping.ledger._messages import ERR_NO_CHECKPOINT

from .conftest import ORIGIN, entries


@pytest.fixture
def signed_ledger(ledger: Ledger, signer: NoteSigner) -> Ledger:
    ledger.append_many(entries(11))
    ledger.sign_checkpoint(signer)
    return ledger


def test_a_receipt_round_trips_through_json_and_verifies(
    signed_ledger: Ledger, signer: NoteSigner
) -> None:
    receipt = signed_ledger.receipt(4)
    again = Receipt.from_json(receipt.dumps())
    assert again == receipt
    checkpoint = verify_receipt(json.loads(receipt.dumps()), signer.verifier.text)
    assert (checkpoint.origin, checkpoint.size) == (ORIGIN, 11)
    assert receipt.record == {"case": 4, "decision": "approve"}


def test_a_receipt_for_an_older_checkpoint_still_verifies(
    signed_ledger: Ledger, signer: NoteSigner
) -> None:
    signed_ledger.append_many(entries(5, start=11))
    signed_ledger.sign_checkpoint(signer)
    old = signed_ledger.receipt(3, size=11)
    assert verify_receipt(old, signer.verifier).size == 11
    assert verify_receipt(signed_ledger.receipt(3), signer.verifier).size == 16


def test_no_receipt_without_a_checkpoint_covering_the_entry(
    signed_ledger: Ledger, signer: NoteSigner
) -> None:
    signed_ledger.append(entries(1, start=11)[0])
    with pytest.raises(CheckpointError) as raised:
        signed_ledger.receipt(11)
    assert raised.value.message == ERR_NO_CHECKPOINT.format(index=11)


def test_a_receipt_with_a_changed_entry_fails(signed_ledger: Ledger, signer: NoteSigner) -> None:
    data = signed_ledger.receipt(4).to_json()
    data["leaf"] = data["leaf"].replace("approve", "refer")
    with pytest.raises(ReceiptError):
        verify_receipt(data, signer.verifier)


def test_a_receipt_claiming_another_index_fails(signed_ledger: Ledger, signer: NoteSigner) -> None:
    data = signed_ledger.receipt(4).to_json()
    data["index"] = 5
    with pytest.raises(ReceiptError):
        verify_receipt(data, signer.verifier)


def test_a_receipt_with_a_changed_proof_fails(signed_ledger: Ledger, signer: NoteSigner) -> None:
    data = signed_ledger.receipt(4).to_json()
    data["inclusion_proof"] = list(reversed(data["inclusion_proof"]))
    with pytest.raises(ReceiptError):
        verify_receipt(data, signer.verifier)


def test_a_receipt_checked_with_another_key_fails(signed_ledger: Ledger) -> None:
    with pytest.raises(NoteError):
        verify_receipt(signed_ledger.receipt(4), NoteSigner.generate(ORIGIN).verifier)


@pytest.mark.parametrize(
    "change",
    [
        {"format": "other/1"},
        {"leaf": 5},
        {"checkpoint": None},
        {"inclusion_proof": "AAAA"},
        {"tree_size": "11"},
    ],
)
def test_malformed_receipts_are_refused(
    signed_ledger: Ledger, signer: NoteSigner, change: dict[str, object]
) -> None:
    data = {**signed_ledger.receipt(4).to_json(), **change}
    with pytest.raises(ReceiptError):
        verify_receipt(data, signer.verifier)
