"""The unsigned certificate credential: VC 2.0 data model, valid for the levels file's period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tianping.certification._levels import Level
from tianping.certification._vocab import VC_V2, xsd_datetime

CERTIFICATE_TYPE = "EthicalAICertificate"


def add_years(moment: datetime, years: int) -> datetime:
    """``moment`` plus whole years (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def certificate_credential(
    *,
    credential_id: str,
    issuer: str,
    level: Level,
    subject: Mapping[str, Any],
    valid_from: datetime,
    validity_years: int = 2,
    status: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """An unsigned certificate for ``level``: sign it with :func:`issue_credential`.

    ``subject`` is the certified system (its ``id``, organisation, scope,
    digests, evidence hashes, the ledger checkpoint …); the level is added to
    it. ``status`` are ``BitstringStatusListEntry`` values (:func:`status_entry`).
    """
    document: dict[str, Any] = {
        "@context": [VC_V2],
        "id": credential_id,
        "type": ["VerifiableCredential", CERTIFICATE_TYPE],
        "issuer": issuer,
        "validFrom": xsd_datetime(valid_from),
        "validUntil": xsd_datetime(add_years(valid_from, validity_years)),
        "credentialSubject": {
            **subject,
            "level": {"id": level.id, "name": level.name.en, "nameZh": level.name.zh},
        },
    }
    if status:
        document["credentialStatus"] = [dict(entry) for entry in status]
    return document


__all__ = ["CERTIFICATE_TYPE", "add_years", "certificate_credential"]
