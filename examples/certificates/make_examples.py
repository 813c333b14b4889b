"""Re-create the sample certificate, its status lists and the evidence file in this folder.

    python examples/certificates/make_examples.py

Everything here is signed with the TEST-ONLY key in ``TEST-ONLY-issuer-key.json``,
whose private key is published: a certificate signed with it proves nothing.
Real signing keys come from a file or the environment, never from the repository.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from tianping.certification import (
    SigningKey,
    StatusList,
    StatusPurpose,
    did_key_document,
    issue_certificate,
    issue_credential,
    read_subject,
    status_list_credential,
)

HERE = Path(__file__).resolve().parent
#: The published TEST-ONLY key: the SHA-256 of this sentence is its seed.
KEY = SigningKey(hashlib.sha256(b"Tianping example certificates: TEST-ONLY key").digest())
ISSUED = datetime(2026, 7, 1, tzinfo=UTC)
STATUS = "https://tianping.example/status/{purpose}/1"
REVOCATION = STATUS.format(purpose="revocation")
SUSPENSION = STATUS.format(purpose="suspension")
INDEX = 4242


def write(name: str, data: object) -> None:
    (HERE / name).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


def main() -> None:
    write(
        "TEST-ONLY-issuer-key.json",
        {
            "warning": "TEST ONLY: this private key is public. Never trust what it signs.",
            "did": KEY.did_key,
            "verificationMethod": KEY.verification_method,
            "publicKeyMultibase": KEY.public_multibase,
            "privateKeyMultibase": KEY.private_multibase,
        },
    )
    write("issuer-did.json", did_key_document(KEY.did_key))
    # What `tianping cert issue subject.yaml --issuer-key TEST-ONLY-issuer-key.json
    # --level basic_compliance --status-index 4242 --status-base STATUS --valid-from ISSUED
    # --id ...` does.
    certificate = issue_certificate(
        key=KEY,
        subject=read_subject(HERE / "subject.yaml"),
        scheme="basic_compliance",
        valid_from=ISSUED,
        status_index=INDEX,
        status_base=STATUS,
        credential_id="urn:uuid:6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e",
    )
    write("certificate.json", certificate)
    lists: tuple[tuple[str, str, StatusPurpose], ...] = (
        (REVOCATION, "status-revocation.json", "revocation"),
        (SUSPENSION, "status-suspension.json", "suspension"),
    )
    for url, name, purpose in lists:
        unsigned = status_list_credential(
            url, KEY.did_key, purpose, StatusList.empty(), valid_from=ISSUED
        )
        write(name, issue_credential(unsigned, KEY, created=ISSUED))


if __name__ == "__main__":
    main()
