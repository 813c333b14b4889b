"""The Tianping SDK: what an AI system embeds to log its decisions and obey its runtime switch.

Terms
-----
decision record
    One decision of the AI system as a JSON object (what was decided, on what
    case, by which model version …). Sent to the platform, it becomes an entry
    of the system's tamper-evident decision log.
personal fields
    Top-level fields of a record that are personal data; the platform keeps
    them only as salted hashes, with the salt apart so it can be erased.
spool
    A folder where records wait, on disk, until the platform acknowledged them
    (:class:`Spool`): they survive a crash of the process and an outage of the
    platform, and each batch is sent under an idempotency key recorded before
    it is sent, so nothing is logged twice.
acknowledgement
    The platform's answer once a batch is committed durably: the records' indices
    in the log (:class:`Ack`), from which receipts can be fetched.
runtime switch, guard
    ``active`` / ``paused`` / ``stopped``, set by people on the platform.
    :meth:`Client.guard` says whether the AI may decide now; the client polls
    the switch every second (short-TTL polling), so a pause is seen within about
    two seconds.
fail-safe
    What :meth:`Client.guard` answers when the platform cannot be reached: by
    default the AI may not decide (hand the decision to a human); a system's
    incident playbook may allow following the last known state for a grace period.

Examples
--------
>>> from tianping.sdk import encode_record
>>> encode_record({"case": 1, "decision": "approve"})
b'{"record":{"case":1,"decision":"approve"}}'
"""

from tianping.sdk._client import MAX_RECORD_BYTES, Client, GuardStatus, encode_record
from tianping.sdk._errors import (
    BatchRejectedError,
    RecordError,
    SdkError,
    SpoolCorruptError,
    SpoolError,
)
from tianping.sdk._spool import SPOOL_FORMAT, Ack, Batch, Spool, read_journal

__all__ = [
    "MAX_RECORD_BYTES",
    "SPOOL_FORMAT",
    "Ack",
    "Batch",
    "BatchRejectedError",
    "Client",
    "GuardStatus",
    "RecordError",
    "SdkError",
    "Spool",
    "SpoolCorruptError",
    "SpoolError",
    "encode_record",
    "read_journal",
]
