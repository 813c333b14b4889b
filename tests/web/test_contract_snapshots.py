"""The platform's public contract: every URL name and the OpenAPI document, against snapshots.

Restructuring code must not change either. A change on purpose (a new endpoint, a new
field) updates the snapshot in the same commit:

    TIANPING_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/web/test_contract_snapshots.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("TIANPING_UPDATE_SNAPSHOTS") == "1"


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    found: list[str] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            found += _names(pattern, prefix + (f"{namespace}:" if namespace else ""))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append(prefix + pattern.name)
    return found


def _check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        f"{name} changed; if on purpose, update it (see this module's docstring)"
    )


def test_the_url_names_are_the_snapshots() -> None:
    _check("url_names.txt", "\n".join(sorted(set(_names(get_resolver())))) + "\n")


@pytest.mark.django_db
def test_the_openapi_document_is_the_snapshots() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    _check(
        "openapi.json", json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    )


def test_no_two_api_schemas_share_a_name() -> None:
    """The OpenAPI document names a schema by its class: two classes of one name would show one
    endpoint's body under the other's (django-ninja keeps whichever it met last)."""
    from ninja import Schema

    import tianping.web.api  # noqa: F401 - every router and its schemas

    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    names: dict[str, list[str]] = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("tianping.web."):
            names.setdefault(cls.__name__, []).append(cls.__module__)
    shared = {name: modules for name, modules in names.items() if len(set(modules)) > 1}
    assert not shared, shared
