"""API schemas of evidence, shared by the endpoints of bias assessments and privacy scans."""

from __future__ import annotations

from ninja import Field, Schema


class EvidenceItemOut(Schema):
    id: str
    question: dict[str, str] | None
    extent: str = Field(
        description="How much of the item the result answers, per the catalogue's measurement "
        "mapping: full or partial."
    )
    basis: str
