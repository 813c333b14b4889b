"""Events certification announces (see :mod:`tianping.web.core.events`)."""

from __future__ import annotations

from dataclasses import dataclass

from tianping.web.core.events import event


@event("certification.certificate_withdrawn")
@dataclass(frozen=True)
class CertificateWithdrawn:
    """A certificate was revoked or suspended (``action``): products built on the component it
    certifies come under surveillance."""

    credential_id: str
    action: str
