"""The export page's AI-BOM check: the index of the platform's certificates is built once and
kept until a certificate, a status list or a key changes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.web.certification.factories import issue_basic
from tests.web.factories import Network
from tianping.web.certification import selectors, services


def _component_of(credential: dict[str, Any]) -> SimpleNamespace:
    """An AI-BOM component that the certificate names by its supplier and model."""
    subject = credential["credentialSubject"]
    scope = subject["scope"]
    return SimpleNamespace(
        name=scope["model"], component_type="machine-learning-model",
        version=scope.get("version") or "", hashes={}, supplier=subject["organisation"],
        certificate_id="",
    )  # fmt: skip


def test_the_index_is_reused_and_built_again_after_a_revocation(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate, bodies = issue_basic(network)
    component = _component_of(certificate.credential)
    fake = SimpleNamespace(components_for=lambda s: [component], supplier_risk_for=lambda s: [])
    monkeypatch.setattr(selectors, "_vendors", lambda: fake)
    first = selectors.upstream_report(network.system_b)
    assert first is not None and first.status == "certified"
    built = selectors.UPSTREAM_BUILDS["count"]
    again = selectors.upstream_report(network.system_b)
    assert again is not None and again.status == "certified"
    assert selectors.UPSTREAM_BUILDS["count"] == built  # no change: the same index
    # The system's own certificate does not vouch for its own components.
    own = selectors.upstream_report(network.system_a)
    assert own is not None and own.status != "certified"
    assert selectors.UPSTREAM_BUILDS["count"] == built
    services.certificate_change(
        actor=bodies.certifier, certificate=certificate, action="revoke", reason="Withdrawn."
    )
    revoked = selectors.upstream_report(network.system_b)
    assert revoked is not None and revoked.status == "revoked"
    assert selectors.UPSTREAM_BUILDS["count"] == built + 1
