"""The messages the ledger gives, as ``str.format`` templates.

Tests and callers compare against these constants, never against copied text.
They are English only: the ledger speaks to operators and auditors through the
command line and logs, and its words (leaf, checkpoint, proof) are the RFCs'.
"""

from __future__ import annotations

# --- canonical JSON (RFC 8785) -------------------------------------------------------------

ERR_JCS_TYPE = "cannot canonicalise a value of type {type} at {path}: JSON has no such type"
ERR_JCS_KEY = "object keys must be strings; {path} has a key of type {type}"
ERR_JCS_FLOAT = "{path} is {value}, which JSON cannot represent (RFC 8785 §3.2.2.3)"
ERR_JCS_INTEGER = (
    "{path} is the integer {value}, which a JSON number (an IEEE 754 double, RFC 8785 "
    "§3.2.2.3) cannot hold exactly; store it as a string"
)
ERR_JCS_SURROGATE = "a string contains a lone surrogate, which is not Unicode (RFC 8785 §3.2.2.2)"
ERR_JCS_DEPTH = "the value is nested deeper than {limit} levels"
ERR_JCS_DUPLICATE_KEY = "the object at {path} has the key {key!r} twice (I-JSON, RFC 7493 §2.3)"
ERR_JCS_PARSE = "not JSON: {reason}"

# --- leaves ----------------------------------------------------------------------------------

ERR_LEAF_NOT_OBJECT = "a ledger entry must be a JSON object, not {type}"
ERR_LEAF_NOT_CANONICAL = (
    "leaf {index} is not canonical JSON (RFC 8785); build leaves with make_leaf()"
)
ERR_SALT_TOO_SHORT = "the salt must be at least {minimum} random bytes, not {length}"
ERR_SALT_MISSING = "personal fields {fields} need a salt: pass salt=secrets.token_bytes(16)"
ERR_PERSONAL_FIELD_NAME = "personal field names must be non-empty strings, not {field!r}"
ERR_PERSONAL_FIELD_ABSENT = (
    "personal field {field} is not in the record: name only fields the record has"
)
ERR_PERSONAL_DATA = (
    "the entry holds personal data outside its declared personal fields: {found}; "
    "nothing was written"
)
HINT_PERSONAL_DATA = (
    "Declare the fields as personal (they enter the ledger as salted hashes), remove the "
    "values, or have detected values hashed (on_personal_data='hash')."
)
ERR_PERSONAL_IN_KEY = (
    "the entry holds personal data in an object key ({found}); keys cannot be hashed, "
    "nothing was written"
)
ERR_ON_PERSONAL_DATA = "on_personal_data is 'refuse' or 'hash', not {value!r}"
ERR_LEAF_TOO_LARGE = "leaf {index} has {length} bytes; a leaf holds at most {limit}"

# --- proofs (RFC 6962 §2.1, RFC 9162 §2.1.3-2.1.4) ------------------------------------------

ERR_HASH_LENGTH = "{what} must be a {size}-byte SHA-256 hash, not {length} bytes"
ERR_INDEX_RANGE = "index {index} is outside a tree of size {size}"
ERR_SIZE_RANGE = "size {size} is outside 0..{limit}"
ERR_SIZES_ORDER = "the old size {old_size} is larger than the new size {new_size}"
ERR_PROOF_TOO_LONG = "the proof has {length} hashes; a tree of size {size} needs at most {limit}"
ERR_INCLUSION_FAILED = (
    "the inclusion proof for leaf {index} does not lead to the root hash of the tree of size {size}"
)
ERR_CONSISTENCY_FAILED = (
    "the consistency proof does not show that the tree of size {old_size} is a prefix of "
    "the tree of size {new_size}"
)
ERR_PROOF_FORMAT = "not a {kind}: {reason}"

# --- notes and keys (C2SP signed-note) ----------------------------------------------------

ERR_KEY_NAME = (
    "a key name must be non-empty and contain neither spaces nor '+' (C2SP signed-note), "
    "not {name!r}"
)
ERR_VKEY_FORMAT = "not a verifier key of the form name+keyid+base64(0x01||public key): {reason}"
ERR_SKEY_FORMAT = (
    "not a signing key of the form PRIVATE+KEY+name+keyid+base64(0x01||seed): {reason}"
)
ERR_KEY_ID_MISMATCH = "the key id {key_id} does not match the key (expected {expected})"
ERR_NOTE_FORMAT = "not a signed note (C2SP signed-note): {reason}"
ERR_NOTE_TEXT = "a note's text must be non-empty, end in a newline and hold no control characters"
ERR_NOTE_UNVERIFIED = "no signature on this note by a trusted key ({keys}) verifies"
ERR_NOTE_BAD_SIGNATURE = "the signature by {name} ({key_id}) does not verify; the note is rejected"
ERR_KEY_FILE_EXISTS = "{path} exists; refusing to overwrite a key"
ERR_KEY_FILE_MODE = "{path} can be read by other users (mode {mode}); a signing key must be 0600"
ERR_KEY_FILE_READ = "cannot read the key file {path}: {reason}"

# --- checkpoints (C2SP tlog-checkpoint) ---------------------------------------------------

ERR_CHECKPOINT_FORMAT = "not a checkpoint (C2SP tlog-checkpoint): {reason}"
ERR_CHECKPOINT_ORIGIN = "the checkpoint is for {actual!r}, not for {expected!r}"
ERR_CHECKPOINT_EMPTY = "the ledger is empty; append an entry before signing a checkpoint"
ERR_CHECKPOINT_ROLLBACK = (
    "refusing to sign: the ledger has {size} entries, fewer than the {signed} of the last "
    "signed checkpoint"
)
ERR_CHECKPOINT_INCONSISTENT = (
    "refusing to sign: the tree of size {size} is not consistent with the last signed "
    "checkpoint (size {signed}); the stored log was changed"
)
ERR_CHECKPOINT_KEY = (
    "the last signed checkpoint does not verify with this key; refusing to sign with a key "
    "the log did not use before"
)
ERR_NO_CHECKPOINT = "no signed checkpoint covers entry {index}; sign one first"
ERR_CHECKPOINT_NOT_FOUND = "no signed checkpoint of size {size}"

# --- receipts ------------------------------------------------------------------------------

ERR_RECEIPT_FORMAT = "not a ledger receipt: {reason}"
ERR_RECEIPT_LEAF = "the receipt's entry is not included in the checkpointed tree: {reason}"

# --- stores --------------------------------------------------------------------------------

ERR_STORE_EXISTS = "{path} already holds a ledger"
ERR_STORE_MISSING = "{path} is not a ledger (no {marker})"
ERR_STORE_FORMAT = "{path} is a ledger of format {actual!r}; this version reads {expected!r}"
ERR_STORE_LOCKED = "{path} is in use by another process"
ERR_STORE_READONLY = "{path} was opened read-only"
ERR_STORE_CONFLICT = (
    "another writer appended to the ledger: expected {expected} entries, found {actual}"
)
ERR_STORE_CORRUPT = "{path}: {reason}"
ERR_STORE_RANGE = "entries {start}..{stop} are outside a ledger of size {size}"
ERR_STORE_NODE_MISSING = "node ({level}, {index}) is not stored"
ERR_STORE_ORIGIN = "an origin must be non-empty and contain neither spaces nor '+', not {origin!r}"

# --- verification and tamper evidence ------------------------------------------------------

ERR_EMPTY_LEDGER = "the ledger is empty: there is nothing to verify"
ERR_LEAF_HASH_MISMATCH = "entry {index}: its data does not match the stored leaf hash"
ERR_NODE_HASH_MISMATCH = (
    "entry {index}: the stored hash of node ({level}, {node_index}) over entries "
    "{first}..{last} does not match its children"
)
ERR_LEAF_UNREADABLE = "entry {index}: {reason}"
ERR_CHECKPOINT_ROOT = (
    "checkpoint {number} (size {size}) does not match the tree re-derived from the entries: "
    "one of entries {first}..{last} was changed, removed or reordered"
)
ERR_CHECKPOINT_ORDER = (
    "checkpoint {number} (size {size}) is smaller than the checkpoint before it ({previous})"
)
ERR_CHECKPOINT_BEYOND = "checkpoint {number} is of size {size}, beyond the {total} entries"
ERR_UNSIGNED_TAIL = (
    "entries {first}..{last} are not covered by any signed checkpoint, so nothing attests to them"
)
ERR_NO_CHECKPOINTS = "the ledger has no signed checkpoint, so nothing attests to its entries"
ERR_CHECKPOINT_SIGNATURE = "checkpoint {number} (size {size}): {reason}"

# --- exports -------------------------------------------------------------------------------

ERR_EXPORT_EXISTS = "{path} exists; refusing to overwrite an export"
ERR_EXPORT_LINE = "line {line}: {reason}"
ERR_EXPORT_HEADER = "the first line is not a ledger export header: {reason}"
ERR_EXPORT_INDEX = "line {line}: expected entry {expected}, found entry {actual}"
ERR_EXPORT_LEAF_HASH = "line {line}: entry {index}'s data does not match its leaf hash"
ERR_EXPORT_CHECKPOINT_POSITION = (
    "line {line}: a checkpoint of size {size} appears after {count} entries"
)
ERR_EXPORT_CHECKPOINT_ROOT = (
    "line {line}: the checkpoint of size {size} does not match the tree re-derived from the "
    "entries before it: one of entries {first}..{last} was changed, removed or reordered"
)
ERR_EXPORT_SIZE = "the header says {expected} entries but the export holds {actual}"
ERR_EXPORT_UNKNOWN_LINE = "line {line}: neither an entry nor a checkpoint"
ERR_EXPORT_READ = "cannot read {path}: {reason}"
ERR_EXPORT_NO_KEY = "the export names no verifier key and none was given"
ERR_EXPORT_LEAF = "line {line}: entry {index} is not the canonical JSON of an object"

# --- hints -----------------------------------------------------------------------------------

HINT_CHECKPOINT = "Run `tianping ledger checkpoint LOG` to sign the current tree."
HINT_AUDIT = "Run `tianping ledger verify LOG` to locate the first changed entry."
HINT_PIN_KEY = "Pass the log's verifier key with --key to check who signed the checkpoints."
