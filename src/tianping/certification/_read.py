"""Reading credentials, status lists and keys that someone else wrote: strictly, within limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tianping import yamlsafe
from tianping.certification._did import DID_KEY, Resolver, did_key_document
from tianping.certification._errors import credential_error, key_error

#: The largest credential, status list or DID document file read (a status list of
#: 2**27 entries compresses to far less).
MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024


def read_credential(path: str | Path, *, limit: int = MAX_CREDENTIAL_BYTES) -> dict[str, Any]:
    """A JSON object from ``path``: UTF-8, no duplicated key, bounded depth, numbers and size.

    Anything else is a :class:`~tianping.certification.CredentialError` (bad input).
    """
    file = Path(path)
    source = str(file)
    try:
        if file.stat().st_size > limit:
            raise credential_error(source, f"the file has more than {limit} bytes", limit)
        text = file.read_bytes().decode("utf-8")
    except OSError as exc:
        raise credential_error(source, exc.strerror or str(exc), limit) from None
    except UnicodeDecodeError as exc:
        raise credential_error(source, f"not UTF-8 text: {exc}", limit) from None
    try:
        document = yamlsafe.load_json(text, source=source)
    except yamlsafe.DataFileError as exc:
        raise credential_error(source, exc.detail, limit) from None
    if not isinstance(document, dict):
        raise credential_error(source, "the file holds no JSON object", limit)
    return document


def read_resolver(key: str | Path) -> Resolver:
    """A resolver that accepts only ``key``: a ``did:key`` identifier or a DID document file.

    A file may hold one DID document, or ``{"documents": [...]}`` for several.
    """
    text = str(key)
    if text.startswith(DID_KEY):
        try:
            return Resolver([did_key_document(text.split("#", 1)[0])], did_key=False)
        except ValueError as exc:
            raise key_error(text, str(exc)) from None
    document = read_credential(key)
    documents = document.get("documents", [document])
    try:
        return Resolver(documents if isinstance(documents, list) else [documents], did_key=False)
    except ValueError as exc:
        raise key_error(text, str(exc)) from None


__all__ = ["MAX_CREDENTIAL_BYTES", "read_credential", "read_resolver"]
