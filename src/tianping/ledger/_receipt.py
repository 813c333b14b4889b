"""Receipts: everything needed to check one entry offline, without the log.

A receipt holds the entry's index and bytes, its audit path, and the signed
checkpoint the path leads to. Anyone with the log's verifier key can check it
(:func:`verify_receipt`) years later, on a machine that never saw the log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from tianping import jsonsafe
from tianping.jsonsafe import JSONLimitError
from tianping.ledger._checkpoint import Checkpoint, verify_checkpoint
from tianping.ledger._errors import ProofError, ReceiptError
from tianping.ledger._hashing import leaf_hash
from tianping.ledger._jcs import parse_json
from tianping.ledger._messages import ERR_RECEIPT_FORMAT, ERR_RECEIPT_LEAF
from tianping.ledger._note import VerifierKey
from tianping.ledger._proofs import InclusionProof

RECEIPT_FORMAT = "tianping-receipt/1"
"""The ``format`` member of a receipt's JSON."""


def _fail(reason: str) -> ReceiptError:
    return ReceiptError(ERR_RECEIPT_FORMAT.format(reason=reason))


@dataclass(frozen=True, slots=True)
class Receipt:
    """Entry ``proof.index`` of a log, its bytes, its audit path and a signed checkpoint."""

    leaf: bytes
    proof: InclusionProof
    checkpoint: str

    def __post_init__(self) -> None:
        if not isinstance(self.leaf, bytes):
            raise _fail("the leaf must be bytes")
        if not isinstance(self.proof, InclusionProof):
            raise _fail("the proof must be an InclusionProof")
        if not isinstance(self.checkpoint, str):
            raise _fail("the checkpoint must be a signed note")

    @property
    def index(self) -> int:
        """The entry's position in the log, from 0."""
        return self.proof.index

    @property
    def record(self) -> Any:
        """The entry as parsed JSON."""
        return parse_json(self.leaf, numbers="double")

    def to_json(self) -> dict[str, Any]:
        """The receipt as a JSON object (see docs/ledger.md, "Receipts")."""
        try:
            leaf_text = self.leaf.decode("utf-8")
        except UnicodeDecodeError:
            raise _fail("the leaf is not UTF-8 JSON") from None
        return {
            "format": RECEIPT_FORMAT,
            "index": self.proof.index,
            "tree_size": self.proof.tree_size,
            "leaf": leaf_text,
            "inclusion_proof": self.proof.to_json()["hashes"],
            "checkpoint": self.checkpoint,
        }

    def dumps(self) -> str:
        """The JSON text of :meth:`to_json`, UTF-8 friendly and indented."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, data: object) -> Self:
        """Read a receipt's JSON object (or its text)."""
        if isinstance(data, str | bytes):
            try:
                data = jsonsafe.loads(data)
            except JSONLimitError as error:
                raise _fail(error.message) from None
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise _fail("not JSON") from None
        if not isinstance(data, Mapping):
            raise _fail("not a JSON object")
        if data.get("format") != RECEIPT_FORMAT:
            raise _fail(f"the format must be {RECEIPT_FORMAT!r}")
        leaf, checkpoint = data.get("leaf"), data.get("checkpoint")
        if not isinstance(leaf, str) or not isinstance(checkpoint, str):
            raise _fail("the leaf and the checkpoint must be strings")
        try:
            proof = InclusionProof.from_json(
                {
                    "index": data.get("index"),
                    "tree_size": data.get("tree_size"),
                    "hashes": data.get("inclusion_proof"),
                }
            )
        except ProofError as error:
            raise _fail(error.message) from None
        try:
            raw = leaf.encode("utf-8")
        except UnicodeEncodeError:
            raise _fail("the leaf is not Unicode") from None
        return cls(leaf=raw, proof=proof, checkpoint=checkpoint)


def verify_receipt(
    receipt: Receipt | Mapping[str, Any] | str, key: VerifierKey | str
) -> Checkpoint:
    """Check a receipt offline; return the checkpoint it is anchored in.

    Checks that ``key`` signed the checkpoint, that the checkpoint's origin is
    the key's name, and that the audit path leads from the entry's leaf hash to
    the checkpoint's root hash at the checkpoint's size.

    Raises
    ------
    ReceiptError
        If the receipt is malformed or the entry is not in the checkpointed tree.
    NoteError, CheckpointError
        If the checkpoint is not signed by ``key`` or is not a checkpoint.
    """
    parsed = receipt if isinstance(receipt, Receipt) else Receipt.from_json(receipt)
    checkpoint = verify_checkpoint(parsed.checkpoint, key)
    if checkpoint.size != parsed.proof.tree_size:
        raise ReceiptError(
            ERR_RECEIPT_LEAF.format(
                reason=f"the proof is for size {parsed.proof.tree_size}, "
                f"the checkpoint for size {checkpoint.size}"
            )
        )
    try:
        parsed.proof.verify(leaf_hash=leaf_hash(parsed.leaf), root_hash=checkpoint.root_hash)
    except ProofError as error:
        raise ReceiptError(ERR_RECEIPT_LEAF.format(reason=error.message)) from error
    return checkpoint
