"""The pinned vocabulary: context URLs, types and the date format of VC 2.0."""

from __future__ import annotations

from datetime import UTC, datetime

#: The VC 2.0 context; a credential's first ``@context`` must be this very string.
VC_V2 = "https://www.w3.org/ns/credentials/v2"
#: The VC 2.0 examples context (used by the W3C test vectors).
VC_V2_EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
#: Contexts a credential may name: pinned strings, never fetched.
PINNED_CONTEXTS: frozenset[str] = frozenset({VC_V2, VC_V2_EXAMPLES})

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION = "assertionMethod"


def xsd_datetime(value: datetime) -> str:
    """``2026-09-01T00:00:00Z``: a UTC date and time to the second, as credentials carry it."""
    if value.tzinfo is None:
        raise ValueError("give an aware date and time (with a time zone)")
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_datetime(text: str) -> datetime:
    """An XML Schema ``dateTime`` with a time zone (``Z`` or ``±hh:mm``), as VC 2.0 requires."""
    if not isinstance(text, str) or "T" not in text:
        raise ValueError(f"{text!r} is not a date and time")
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return value
