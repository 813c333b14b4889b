"""The tamper-evident ledger: an RFC 6962 Merkle log with signed checkpoints.

Every decision that matters is appended here. The log only grows; anyone with
its verifier key can check, without trusting its operator, that an entry is in
it (an inclusion proof), that today's log extends yesterday's (a consistency
proof), and that nothing was changed, removed or reordered (an audit of an
export).

Terms
-----
entry, leaf
    One record appended to the log: the RFC 8785 canonical JSON of an object
    (:func:`make_leaf`). Personal fields enter only as salted hashes, so
    erasing personal data never breaks the tree; undeclared personal data is
    found by screening every value and refused, or hashed in place
    (:func:`prepare_leaf`).
index, size
    Entries are numbered from 0; a tree of size n holds entries 0..n-1.
leaf hash, node, tree hash (root hash)
    RFC 6962 §2.1: SHA-256(0x00 || entry); a node is SHA-256(0x01 || left ||
    right) of a perfect subtree, addressed ``(level, index)``; the tree hash
    of size n is MTH of the first n entries.
inclusion proof (audit path)
    The hashes that lead from an entry's leaf hash to a tree hash
    (:class:`InclusionProof`, RFC 6962 §2.1.1, verified per RFC 9162 §2.1.3.2).
consistency proof
    The hashes that show a smaller tree is a prefix of a larger one
    (:class:`ConsistencyProof`, RFC 6962 §2.1.2, RFC 9162 §2.1.4.2).
origin
    The log's name, e.g. ``tianping.example/systems/42/decisions``; also
    the name of its signing key.
checkpoint
    A signed tree head in the C2SP tlog-checkpoint format: origin, size, base64
    root hash, signed as a C2SP signed note with Ed25519
    (:class:`Checkpoint`, :class:`SignedCheckpoint`). The log never signs a
    checkpoint inconsistent with one it signed before.
verifier key (vkey), signing key
    ``name+keyid+base64(0x01||public key)`` and its private counterpart, as in
    Go's sumdb/note (:class:`VerifierKey`, :class:`NoteSigner`).
receipt
    An entry, its inclusion proof and the signed checkpoint it leads to:
    verifiable offline (:class:`Receipt`, :func:`verify_receipt`).
store
    Where a ledger's bytes live (:class:`LedgerStore`): :class:`FileStore`
    (append-only files, for the command line), :class:`SQLiteStore` (group
    commit), :class:`MemoryStore`. A store keeps every entry and every node
    of a perfect subtree (a :data:`StoredNode`, ``(level, index, hash)`` at a
    :data:`NodeAddress` ``(level, index)``) in post-order
    (:func:`node_position`, :func:`stored_node_count`); a new store kind
    checks its input with :func:`check_origin`, :func:`check_range`,
    :func:`check_append` and :func:`check_checkpoint_size`.
export, audit
    One JSON Lines file anyone can verify (:func:`export_store`,
    :func:`verify_export`); re-deriving a store's every hash
    (:func:`audit_store`). Both name the first changed entry.

Examples
--------
>>> import secrets
>>> from tianping.ledger import Ledger, MemoryStore, NoteSigner, make_leaf, verify_receipt
>>> ledger = Ledger(MemoryStore("tianping.example/decisions"))
>>> leaf = make_leaf({"system": "credit-42", "decision": "refer", "applicant": "Li Lei"},
...                  personal_fields={"applicant"}, salt=secrets.token_bytes(16))
>>> ledger.append(leaf)
0
>>> signer = NoteSigner.generate("tianping.example/decisions")
>>> checkpoint = ledger.sign_checkpoint(signer)
>>> verify_receipt(ledger.receipt(0), signer.verifier).size
1
"""

from tianping.ledger._audit import AuditReport, audit_store
from tianping.ledger._checkpoint import (
    Checkpoint,
    SignedCheckpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from tianping.ledger._errors import (
    CanonicalJSONError,
    CheckpointError,
    ConcurrentAppendError,
    CorruptStoreError,
    EmptyLedgerError,
    ExportError,
    InconsistentCheckpointError,
    KeyFileError,
    KeyFormatError,
    LeafError,
    LedgerError,
    NoteError,
    PersonalDataError,
    ProofError,
    ReceiptError,
    StoreError,
    TamperError,
)
from tianping.ledger._export import EXPORT_FORMAT, ExportReport, export_store, verify_export
from tianping.ledger._filestore import FileStore
from tianping.ledger._hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash
from tianping.ledger._jcs import MAX_SAFE_INTEGER, canonical_json, is_canonical, parse_json
from tianping.ledger._leaf import (
    MIN_SALT_BYTES,
    ON_PERSONAL_DATA,
    SALTED_HASH_KEY,
    OnPersonalData,
    PreparedLeaf,
    make_leaf,
    matches_salted_hash,
    prepare_leaf,
    salted_hash,
)
from tianping.ledger._log import MAX_LEAF_BYTES, Ledger
from tianping.ledger._note import (
    Note,
    NoteSignature,
    NoteSigner,
    VerifierKey,
    open_note,
    read_key_file,
    sign_note,
    write_key_file,
)
from tianping.ledger._open import create_store, open_store
from tianping.ledger._proofs import (
    ConsistencyProof,
    InclusionProof,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from tianping.ledger._receipt import RECEIPT_FORMAT, Receipt, verify_receipt
from tianping.ledger._sqlite import SQLiteStore
from tianping.ledger._store import (
    LedgerStore,
    MemoryStore,
    StoredNode,
    check_append,
    check_checkpoint_size,
    check_origin,
    check_range,
)
from tianping.ledger._tree import NodeAddress, node_position, stored_node_count

__all__ = [
    "EMPTY_ROOT",
    "EXPORT_FORMAT",
    "HASH_SIZE",
    "MAX_LEAF_BYTES",
    "MAX_SAFE_INTEGER",
    "MIN_SALT_BYTES",
    "ON_PERSONAL_DATA",
    "RECEIPT_FORMAT",
    "SALTED_HASH_KEY",
    "AuditReport",
    "CanonicalJSONError",
    "Checkpoint",
    "CheckpointError",
    "ConcurrentAppendError",
    "ConsistencyProof",
    "CorruptStoreError",
    "EmptyLedgerError",
    "ExportError",
    "ExportReport",
    "FileStore",
    "InclusionProof",
    "InconsistentCheckpointError",
    "KeyFileError",
    "KeyFormatError",
    "LeafError",
    "Ledger",
    "LedgerError",
    "LedgerStore",
    "MemoryStore",
    "NodeAddress",
    "Note",
    "NoteError",
    "NoteSignature",
    "NoteSigner",
    "OnPersonalData",
    "PersonalDataError",
    "PreparedLeaf",
    "ProofError",
    "Receipt",
    "ReceiptError",
    "SQLiteStore",
    "SignedCheckpoint",
    "StoreError",
    "StoredNode",
    "TamperError",
    "VerifierKey",
    "audit_store",
    "canonical_json",
    "check_append",
    "check_checkpoint_size",
    "check_origin",
    "check_range",
    "create_store",
    "export_store",
    "is_canonical",
    "leaf_hash",
    "make_leaf",
    "matches_salted_hash",
    "node_hash",
    "node_position",
    "open_note",
    "open_store",
    "parse_json",
    "prepare_leaf",
    "read_key_file",
    "root_from_inclusion_proof",
    "salted_hash",
    "sign_checkpoint",
    "sign_note",
    "stored_node_count",
    "verify_checkpoint",
    "verify_consistency",
    "verify_export",
    "verify_inclusion",
    "verify_receipt",
    "write_key_file",
]
