"""Issuing a certificate outside the platform: a subject file, an issuer key file, a level or
the export certificate, two years of validity and the status-list bit (``tianping cert issue``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from tianping import yamlsafe
from tianping.certification._credential import add_years, certificate_credential
from tianping.certification._did import Resolver, SigningKey
from tianping.certification._errors import credential_error, key_error
from tianping.certification._levels import load_levels
from tianping.certification._proof import issue_credential
from tianping.certification._read import MAX_CREDENTIAL_BYTES, read_credential
from tianping.certification._status import PURPOSES, status_entry
from tianping.certification._verify import Verification, verify_credential
from tianping.certification._vocab import VC_V2, xsd_datetime

EXPORT = "export"
EXPORT_TYPE = "AIExportEthicalComplianceCertificate"
MAX_SUBJECT_BYTES = 256 * 1024


def read_signing_key(path: str | Path) -> SigningKey:
    """The issuer's key from a key file (``privateKeyMultibase``, and ``did`` if given must be
    its ``did:key``), as in ``examples/certificates/TEST-ONLY-issuer-key.json``."""
    source = str(path)
    document = read_credential(path, limit=64 * 1024)
    secret = document.get("privateKeyMultibase")
    if not isinstance(secret, str):
        raise key_error(source, "no privateKeyMultibase string")
    try:
        key = SigningKey.from_multibase(secret)
    except ValueError as exc:
        raise key_error(source, str(exc)) from None
    did = document.get("did")
    if did is not None and did != key.did_key:
        raise key_error(source, "the did does not belong to the private key")
    return key


def read_subject(path: str | Path) -> dict[str, Any]:
    """The certified subject from a YAML or JSON file: a mapping with an ``id``."""
    file = Path(path)
    source = str(file)
    try:
        if file.stat().st_size > MAX_SUBJECT_BYTES:
            raise credential_error(
                source, f"the file has more than {MAX_SUBJECT_BYTES} bytes", MAX_SUBJECT_BYTES
            )
        text = file.read_bytes().decode("utf-8-sig")
        document = yamlsafe.load(text, source=source, dates_as_text=True)
    except OSError as exc:
        raise credential_error(source, exc.strerror or str(exc), MAX_SUBJECT_BYTES) from None
    except UnicodeDecodeError as exc:
        raise credential_error(source, f"not UTF-8 text: {exc}", MAX_SUBJECT_BYTES) from None
    except yamlsafe.DataFileError as exc:
        raise credential_error(source, exc.detail, MAX_SUBJECT_BYTES) from None
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise credential_error(
            source, "the subject is a mapping with an id (a URI string)", MAX_SUBJECT_BYTES
        )
    return document


def _list_url(base: str, purpose: str) -> str:
    if "{purpose}" in base:
        return base.replace("{purpose}", purpose)
    return f"{base.rstrip('/')}/{purpose}"


def issue_certificate(
    *,
    key: SigningKey,
    subject: Mapping[str, Any],
    scheme: str,
    valid_from: datetime,
    status_index: int | None = None,
    status_base: str | None = None,
    credential_id: str | None = None,
) -> dict[str, Any]:
    """A signed certificate for ``scheme`` (a level id, or ``export``) by ``key``'s ``did:key``.

    Valid for the levels file's period (two years) from ``valid_from``. With
    ``status_index`` and ``status_base``, the certificate carries bit
    ``status_index`` of the lists ``{status_base}/revocation`` and
    ``{status_base}/suspension`` (or, when ``status_base`` holds ``{purpose}``, of
    ``status_base`` with the purpose put there). An unknown level is an
    :class:`~tianping.certification.UnknownLevelError`.
    """
    levels = load_levels()
    status = (
        [status_entry(_list_url(status_base, p), status_index, p) for p in PURPOSES]
        if status_index is not None and status_base is not None
        else []
    )
    credential_id = credential_id or f"urn:uuid:{uuid.uuid4()}"
    if scheme != EXPORT:
        unsigned = certificate_credential(
            credential_id=credential_id,
            issuer=key.did_key,
            level=levels.level(scheme),
            subject=subject,
            valid_from=valid_from,
            validity_years=levels.validity_years,
            status=status,
        )
    else:
        export = levels.export
        unsigned = {
            "@context": [VC_V2],
            "id": credential_id,
            "type": ["VerifiableCredential", EXPORT_TYPE],
            "issuer": key.did_key,
            "validFrom": xsd_datetime(valid_from),
            "validUntil": xsd_datetime(add_years(valid_from, levels.validity_years)),
            "credentialSubject": {
                **subject,
                "export": {"id": export.id, "dimensions": [d.id for d in export.dimensions]},
            },
        }
        if status:
            unsigned["credentialStatus"] = status
    return issue_credential(unsigned, key, created=valid_from)


def read_status_source(source: str) -> dict[str, Any]:
    """A status list credential from a file, or from an ``https://`` / ``http://`` URL
    (at most :data:`MAX_CREDENTIAL_BYTES`, 10 s); read as strictly as :func:`read_credential`."""
    if not source.startswith(("https://", "http://")):
        return read_credential(source)
    limit = MAX_CREDENTIAL_BYTES
    try:
        with httpx.stream("GET", source, timeout=10, follow_redirects=False) as response:
            response.raise_for_status()
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise credential_error(source, f"more than {limit} bytes", limit)
    except httpx.HTTPError as exc:
        raise credential_error(source, str(exc) or type(exc).__name__, limit) from None
    try:
        document = yamlsafe.load_json(body.decode("utf-8"), source=source)
    except UnicodeDecodeError as exc:
        raise credential_error(source, f"not UTF-8 text: {exc}", limit) from None
    except yamlsafe.DataFileError as exc:
        raise credential_error(source, exc.detail, limit) from None
    if not isinstance(document, dict):
        raise credential_error(source, "the answer holds no JSON object", limit)
    return document


def credential_status(
    document: Mapping[str, Any],
    status_lists: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    resolver: Resolver | None = None,
) -> tuple[str, Verification]:
    """``active``, ``revoked`` or ``suspended`` for a certificate whose proof holds, or
    ``invalid`` when it cannot be judged (bad proof, expired, list missing …), with the verdict."""
    verdict = verify_credential(
        document, resolver=resolver or Resolver(), status_lists=status_lists, now=now
    )
    if verdict.valid:
        return "active", verdict
    if verdict.reason in ("revoked", "suspended"):
        return str(verdict.reason), verdict
    return "invalid", verdict


__all__ = [
    "EXPORT",
    "EXPORT_TYPE",
    "credential_status",
    "issue_certificate",
    "read_signing_key",
    "read_status_source",
    "read_subject",
]
