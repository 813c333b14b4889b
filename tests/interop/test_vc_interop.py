"""Certificates from the library (and the shipped example) verify in an independent
implementation, Digital Bazaar's VC libraries under Node; a tampered copy fails there too.

Needs npm once per lock file (cached in ``var/npm-verifier``); without the registry this
FAILS. ``TIANPING_SKIP_NPM=1`` skips it for offline development.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

from tests.interop.vc_verifier import npm_verify
from tianping.certification import (
    SigningKey,
    StatusList,
    issue_certificate,
    issue_credential,
    status_list_credential,
)

EXAMPLES = Path(__file__).parents[2] / "examples" / "certificates"
NOW = "2027-01-01T00:00:00Z"


def _example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text("utf-8"))


def _tampered(document: dict) -> dict:
    changed = copy.deepcopy(document)
    changed["credentialSubject"]["name"] = "Someone else"
    return changed


def test_the_example_and_library_certificates_verify_independently() -> None:
    key = SigningKey(bytes(range(32)))
    at = datetime(2026, 7, 1, tzinfo=UTC)
    base = "https://tianping.example/interop/{purpose}"
    subject = {"id": "urn:tianping:system:interop", "name": "互操作 interop"}
    level = issue_certificate(
        key=key, subject=subject, scheme="basic_compliance", valid_from=at,
        status_index=7, status_base=base,
    )  # fmt: skip
    export = issue_certificate(key=key, subject=subject, scheme="export", valid_from=at)
    lists = [
        issue_credential(
            status_list_credential(
                base.format(purpose=purpose), key.did_key, purpose, status, valid_from=at
            ),
            key,
            created=at,
        )
        for purpose, status in (
            ("revocation", StatusList.empty().set(9)),
            ("suspension", StatusList.empty()),
        )
    ]
    example = _example("certificate.json")
    credentials = [example, level, export, _tampered(example), _tampered(level)]
    status_lists = [
        _example("status-revocation.json"),
        _example("status-suspension.json"),
        *lists,
    ]
    results, _seconds = npm_verify(credentials, status_lists=status_lists, now=NOW)
    assert [r["verified"] for r in results] == [True, True, True, False, False], results

    # Revoked there too: bit 7 set in the library's revocation list.
    revoked = issue_credential(
        status_list_credential(
            base.format(purpose="revocation"), key.did_key, "revocation",
            StatusList.empty().set(7), valid_from=at,
        ),
        key,
        created=at,
    )  # fmt: skip
    results, _seconds = npm_verify([level], status_lists=[revoked, lists[1]], now=NOW)
    assert results == [{"verified": False, "error": "revoked"}]
