"""What a verifier needs of one of the platform's issuing bodies, cached by its versions.

Verifying a certificate of the platform needs its issuer's DID document (every certificate
key, compromised ones marked) and the issuer's current revocation and suspension status list
credentials. None of that changes per request: it changes when a status list gets a new
version, when a key is marked compromised, or when the keys themselves change. So one query
reads those versions and the process keeps what was built for them; a change of any of them
builds afresh, so a revocation is seen by the very next verification.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from tianping.certification import Resolver, Verification, verify_credential
from tianping.web.certification import selectors
from tianping.web.certification.models import CertificationBody

MAX_ENTRIES = 64
"""Bodies (and versions of them) kept per process; the oldest is dropped first."""


@dataclass(frozen=True)
class IssuerState:
    """A body's pinned DID document (as a resolver) and its current status list credentials."""

    resolver: Resolver
    status_lists: tuple[dict[str, Any], ...]


_CACHE: OrderedDict[tuple[Any, ...], IssuerState] = OrderedDict()
_LOCK = threading.Lock()
BUILDS = {"count": 0}
"""How many times an issuer's state was built (read by tests: a hit builds nothing)."""


VERSIONS_SQL = """
SELECT b.id, b.created_at,
  (SELECT MAX(s.id) FROM certification_statuslistversion s
    WHERE s.issuer_id = b.id AND s.purpose = 'revocation'),
  (SELECT MAX(s.version) FROM certification_statuslistversion s
    WHERE s.issuer_id = b.id AND s.purpose = 'revocation'),
  (SELECT MAX(s.id) FROM certification_statuslistversion s
    WHERE s.issuer_id = b.id AND s.purpose = 'suspension'),
  (SELECT MAX(s.version) FROM certification_statuslistversion s
    WHERE s.issuer_id = b.id AND s.purpose = 'suspension'),
  (SELECT COUNT(*) FROM certification_revokedkey k WHERE k.body_id = b.id),
  (SELECT MAX(k.id) FROM certification_revokedkey k WHERE k.body_id = b.id)
FROM certification_certificationbody b
WHERE b.id = %s AND b.issues = %s
"""
"""The body and the versions of what a verifier needs of it (the tables of
:class:`CertificationBody`, :class:`StatusListVersion` and :class:`RevokedKey`)."""


def _versions(pk: int) -> tuple[Any, ...] | None:
    """In one query: the issuing body ``pk`` and the versions of its status lists and of its
    compromised keys; None when no issuing body has this number. (Plain SQL: building the
    same query through the ORM costs more than the rest of a verification.)"""
    with connection.cursor() as cursor:
        cursor.execute(VERSIONS_SQL, [pk, True])
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def _build(pk: int) -> IssuerState | None:
    body = selectors.issuing_bodies().filter(pk=pk).first()
    if body is None:
        return None
    BUILDS["count"] += 1
    return IssuerState(
        resolver=Resolver([selectors.did_document(body)], did_key=False),
        status_lists=tuple(selectors.status_list(body, purpose) for purpose in selectors.PURPOSES),
    )


def issuer_state(pk: int) -> IssuerState | None:
    """The state of issuing body ``pk`` for verification (None when there is no such body),
    from the cache while neither its status lists, its compromised keys nor its keys changed."""
    versions = _versions(pk)
    if versions is None:
        return None
    unsaved = CertificationBody(pk=pk)  # the DID and the keys depend on the number only
    keys = tuple(key.public_multibase for key in selectors.signing_keys(unsaved))
    key = (*versions, selectors.did_of(unsaved), keys)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    built = _build(pk)
    if built is None:
        return None
    with _LOCK:
        _CACHE[key] = built
        while len(_CACHE) > MAX_ENTRIES:
            _CACHE.popitem(last=False)
    return built


_NOBODY = IssuerState(resolver=Resolver([], did_key=False), status_lists=())


def verify(document: Any, *, now: datetime | None = None) -> Verification:
    """The same verdict as :func:`selectors.verify` (the platform's issuers only, their current
    status lists, nothing fetched), with the issuer's keys and lists from the cache."""
    number = selectors.issuer_number(document)
    state = (issuer_state(number) if number is not None else None) or _NOBODY
    return verify_credential(
        document, resolver=state.resolver, status_lists=state.status_lists, now=now
    )


def clear() -> None:
    """Forget every cached state (the next verification builds afresh)."""
    with _LOCK:
        _CACHE.clear()


__all__ = [
    "MAX_ENTRIES",
    "VERSIONS_SQL",
    "IssuerState",
    "clear",
    "issuer_state",
    "verify",
]
