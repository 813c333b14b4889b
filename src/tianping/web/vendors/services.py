"""Changes to the vendor register and to AI-BOMs; each is appended to the platform ledger."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tianping.bom import BomError, parse_bom
from tianping.web.accounts.models import Organisation
from tianping.web.core.validation import reject_nul
from tianping.web.ledger.services import ledger_record_action
from tianping.web.systems.models import AISystem
from tianping.web.vendors.models import (
    Answer,
    BomComponent,
    QuestionnaireAnswer,
    Supplier,
    SupplierKind,
    SystemBom,
)
from tianping.web.vendors.questionnaire import questionnaire
from tianping.web.vendors.selectors import can_write, supplier_risk

CERTIFICATE_PROPERTY = "tianping:certificate"
"""The CycloneDX property of a component that states its certificate's credential id."""


ERR_NOT_WRITER = gettext_lazy("Only the organisation's administrators and applicants may do this.")


def _check_writer(actor: AuthUser, organisation: Organisation) -> None:
    if not can_write(actor, organisation):
        raise PermissionDenied(str(ERR_NOT_WRITER))


def _clean_supplier(name: str, kind: str, contact: str, notes: str) -> dict[str, str]:
    fields = {
        "name": name.strip(),
        "kind": kind,
        "contact": contact.strip(),
        "notes": notes.strip(),
    }
    for field, value in fields.items():
        reject_nul(value, field)
    errors: dict[str, list[str]] = {}
    if not fields["name"]:
        errors["name"] = [_("Give the supplier's name.")]
    elif len(fields["name"]) > 200:
        errors["name"] = [_("At most 200 characters.")]
    if kind not in SupplierKind.values:
        errors["kind"] = [_("Choose one of the kinds of supplier.")]
    if len(fields["contact"]) > 300:
        errors["contact"] = [_("At most 300 characters.")]
    if len(fields["notes"]) > 5000:
        errors["notes"] = [_("At most 5,000 characters.")]
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def supplier_create(
    *,
    actor: AuthUser,
    organisation: Organisation,
    name: str,
    kind: str,
    contact: str = "",
    notes: str = "",
) -> Supplier:
    """Add a supplier to ``organisation``'s register; its components are linked by name."""
    _check_writer(actor, organisation)
    fields = _clean_supplier(name, kind, contact, notes)
    if Supplier.objects.filter(organisation=organisation, name__iexact=fields["name"]).exists():
        raise ValidationError({"name": [_("The register already has a supplier of this name.")]})
    supplier = Supplier.objects.create(organisation=organisation, **fields)
    linked = _link_components_by_name(supplier)
    ledger_record_action(
        actor=actor,
        kind="vendors.supplier_added",
        subject=supplier,
        payload={"name": supplier.name, "kind": supplier.kind, "components_linked": linked},
    )
    return supplier


@transaction.atomic
def supplier_update(
    *, actor: AuthUser, supplier: Supplier, name: str, kind: str, contact: str, notes: str
) -> Supplier:
    _check_writer(actor, supplier.organisation)
    fields = _clean_supplier(name, kind, contact, notes)
    clash = Supplier.objects.filter(
        organisation=supplier.organisation, name__iexact=fields["name"]
    ).exclude(pk=supplier.pk)
    if clash.exists():
        raise ValidationError({"name": [_("The register already has a supplier of this name.")]})
    for field, value in fields.items():
        setattr(supplier, field, value)
    supplier.save()
    ledger_record_action(
        actor=actor,
        kind="vendors.supplier_changed",
        subject=supplier,
        payload={"name": supplier.name, "kind": supplier.kind},
    )
    return supplier


@transaction.atomic
def questionnaire_answer(
    *, actor: AuthUser, supplier: Supplier, answers: Mapping[str, tuple[str, str]]
) -> str:
    """Record answers (question id → (answer, note)); return the supplier's new risk rating."""
    _check_writer(actor, supplier.organisation)
    form = questionnaire()
    errors: dict[str, list[str]] = {}
    for question_id, (answer, note) in answers.items():
        if form.question(question_id) is None:
            errors[question_id] = [_("There is no such question.")]
        elif answer not in Answer.values:
            errors[question_id] = [_("Answer yes, partly, no or unknown.")]
        elif len(note) > 2000:
            errors[question_id] = [_("At most 2,000 characters.")]
        else:
            reject_nul(note, question_id)
    if errors:
        raise ValidationError(errors)
    for question_id, (answer, note) in answers.items():
        QuestionnaireAnswer.objects.update_or_create(
            supplier=supplier,
            question=question_id,
            defaults={"answer": answer, "note": note.strip(), "answered_by": actor},
        )
    supplier = Supplier.objects.prefetch_related("answers").get(pk=supplier.pk)
    rating = supplier_risk(supplier)
    ledger_record_action(
        actor=actor,
        kind="vendors.questionnaire_answered",
        subject=supplier,
        payload={
            "questionnaire": form.version,
            "answers": {q: a for q, (a, _note) in sorted(answers.items())},
            "rating": rating.level,
        },
    )
    return rating.level


def _link_components_by_name(supplier: Supplier) -> int:
    """Link the organisation's unlinked components whose BOM names this supplier."""
    rows = BomComponent.objects.filter(
        system__organisation=supplier.organisation,
        supplier__isnull=True,
        supplier_name__iexact=supplier.name,
    )
    return rows.update(supplier=supplier)


def _item_at(document: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    """The component or service at ``path`` (``components[0].components[2]``) of ``document``."""
    item: Any = document
    for step in path.split("."):
        key, _bracket, rest = step.partition("[")
        item = item[key][int(rest.rstrip("]"))]
    return item if isinstance(item, Mapping) else {}


def _hashes(item: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(entry["alg"]): str(entry["content"]).lower()
        for entry in item.get("hashes", [])
        if isinstance(entry, Mapping) and isinstance(entry.get("alg"), str)
    }


@transaction.atomic
def bom_upload(*, actor: AuthUser, system: AISystem, data: bytes) -> SystemBom:
    """Replace the system's AI-BOM with ``data`` (CycloneDX 1.6 / 1.7 JSON), checked first.

    Anything that is not a valid AI-BOM (schema, duplicate bom-refs, unknown types,
    components without the SHA-256 of their artefact, too many components) is a
    ``ValidationError`` on ``file`` and changes nothing.
    """
    _check_writer(actor, system.organisation)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError({"file": [_("The AI-BOM must be UTF-8 JSON text.")]}) from None
    try:
        bom = parse_bom(text, source="AI-BOM")
    except BomError as error:
        raise ValidationError(
            {"file": [_("This is not a valid CycloneDX AI-BOM: %(reason)s") % {"reason": error}]}
        ) from None
    suppliers = {
        s.name.casefold(): s for s in Supplier.objects.filter(organisation=system.organisation)
    }
    digest = hashlib.sha256(data).hexdigest()
    SystemBom.objects.filter(system=system).delete()
    stored = SystemBom.objects.create(
        system=system,
        document=bom.document,
        spec_version=bom.spec_version,
        serial_number=(bom.serial_number or "")[:200],
        sha256=digest,
        uploaded_by=actor,
    )
    rows = []
    for position, component in enumerate(bom.components):
        item = _item_at(bom.document, component.path)
        properties = dict(component.properties)
        supplier_name = (component.supplier or "")[:300]
        rows.append(
            BomComponent(
                bom=stored,
                system=system,
                position=position,
                path=component.path[:300],
                bom_ref=(component.bom_ref or "")[:300],
                component_type=component.kind,
                name=component.name[:300],
                version=(component.version or "")[:100],
                hashes=_hashes(item),
                supplier_name=supplier_name,
                supplier=suppliers.get(supplier_name.casefold()) if supplier_name else None,
                certificate_id=properties.get(CERTIFICATE_PROPERTY, "")[:200],
            )
        )
    BomComponent.objects.bulk_create(rows)
    ledger_record_action(
        actor=actor,
        kind="vendors.bom_uploaded",
        subject=stored,
        system=system,
        payload={
            "sha256": digest,
            "spec_version": bom.spec_version,
            "serial_number": bom.serial_number,
            "components": len(rows),
        },
    )
    return stored


@transaction.atomic
def component_update(
    *, actor: AuthUser, component: BomComponent, supplier_id: int | None, certificate_id: str
) -> BomComponent:
    """Set a component's supplier (one of the organisation's, or none) and certificate id."""
    system = component.system
    _check_writer(actor, system.organisation)
    certificate_id = certificate_id.strip()
    reject_nul(certificate_id, "certificate_id")
    errors: dict[str, list[str]] = {}
    supplier = None
    if supplier_id is not None:
        supplier = Supplier.objects.filter(organisation=system.organisation, pk=supplier_id).first()
        if supplier is None:
            errors["supplier"] = [_("Choose a supplier of the organisation's register.")]
    if len(certificate_id) > 200:
        errors["certificate_id"] = [_("At most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    component.supplier = supplier
    component.certificate_id = certificate_id
    component.save(update_fields=["supplier", "certificate_id"])
    ledger_record_action(
        actor=actor,
        kind="vendors.component_changed",
        subject=component,
        system=system,
        payload={
            "component": component.name,
            "supplier": supplier.name if supplier else None,
            "certificate_id": certificate_id,
        },
    )
    return component
