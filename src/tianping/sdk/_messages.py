"""The SDK's messages, as ``str.format`` templates; tests compare against these constants."""

from __future__ import annotations

ERR_RECORD_TYPE = "a decision record must be a JSON object (a mapping), not {type}"
ERR_RECORD_JSON = "the record cannot be written as canonical JSON (RFC 8785): {reason}"
ERR_RECORD_SIZE = "the record has {size} bytes; a record holds at most {limit}"
ERR_PERSONAL_FIELD = "personal field names must be non-empty strings, not {field!r}"
ERR_PERSONAL_FIELD_ABSENT = "personal field {field!r} is not in the record"

ERR_SPOOL_LOCKED = "{path} is in use by another client; one client per spool folder"
ERR_SPOOL_SYSTEM = "{path} spools records of system {actual}, not of system {expected}"
ERR_SPOOL_FORMAT = "{path} is not a Tianping spool ({reason})"
ERR_SPOOL_LINE = "{path}, line {line}: {reason}; the spool is damaged"
ERR_SPOOL_GAP = "{path} should start at record {expected}, not {actual}; a segment is missing"
ERR_SPOOL_JOURNAL = "{path}, line {line}: not a journal entry ({reason})"
HINT_SPOOL = (
    "move the folder aside and start with an empty spool; records in it that the journal "
    "does not show as acknowledged were not delivered"
)

ERR_BATCH_REJECTED = "the platform refused batch {key} with HTTP {status}: {detail}"
HINT_BATCH_KEY = "check the system API key on the system's Operations page"
HINT_BATCH_LIMITS = "lower batch_size or max_batch_bytes to the platform's limits"
