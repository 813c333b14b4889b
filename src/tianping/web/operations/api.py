"""API of operations: decision ingestion and the switch for AI systems, the ledger for people.

Two kinds of caller:

- an AI system, with its **system API key** (``Authorization: Bearer tpk_…``),
  sends decision records and polls its runtime switch (``/api/ingest/…``);
- a person, with a personal token or a session, reads a system's operations,
  moves its switch, browses its ledgers and downloads receipts
  (``/api/systems/{id}/…``).
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema, Status

# The function itself: ``ninja.Query`` forwards to it, but is typed for annotations only.
from ninja.params.functions import Query
from ninja.security import HttpBearer
from pydantic import StringConstraints

from tianping.ledger import CanonicalJSONError, LedgerError, ProofError, parse_json
from tianping.web.core.api import Message
from tianping.web.core.http import AuthenticatedHttpRequest
from tianping.web.core.validation import MAX_PK
from tianping.web.ledger import selectors as ledger_selectors
from tianping.web.ledger import services as ledger_services
from tianping.web.ledger.models import LedgerLog
from tianping.web.operations import monitors, selectors, services
from tianping.web.operations.conf import option
from tianping.web.operations.gate import GateFull, IngestGate
from tianping.web.operations.models import SystemApiKey
from tianping.web.systems.selectors import system_get

router = Router(tags=["operations"])

ERR_OTHER_SYSTEM = gettext_lazy("This key belongs to another system.")
ERR_TOO_LARGE = gettext_lazy("The request has {size} bytes; a batch holds at most {limit}.")
ERR_BUSY = gettext_lazy("The platform is busy; send the batch again in {seconds} s.")
ERR_CONFLICT = gettext_lazy("This Idempotency-Key was used before for other records.")
ERR_BODY = gettext_lazy("The body must be a JSON object with a list of records: {reason}")
ERR_RECORD_SHAPE = gettext_lazy(
    "Record {n} must be an object with a record and, optionally, its personal_fields."
)


class SystemKey(HttpBearer):
    openapi_description = "A system API key created on the system's Operations page (`tpk_…`)."

    def authenticate(self, request: HttpRequest, token: str) -> SystemApiKey | None:
        return services.system_api_key_authenticate(token)


ingest_router = Router(tags=["ingestion"], auth=SystemKey())

_gate_lock = threading.Lock()
_gates: dict[tuple[int, int, float], IngestGate] = {}


def ingest_gate() -> IngestGate:
    """The process's ingestion gate, sized by the settings (rebuilt if they change)."""
    shape = (
        int(option("INGEST_CONCURRENCY")),
        int(option("INGEST_QUEUE")),
        float(option("INGEST_QUEUE_WAIT_S")),
    )
    with _gate_lock:
        gate = _gates.get(shape)
        if gate is None:
            gate = IngestGate(capacity=shape[0], queue=shape[1], wait_s=shape[2])
            _gates.clear()
            _gates[shape] = gate
        return gate


# --- schemas ------------------------------------------------------------------------------------


class IngestOut(Schema):
    idempotency_key: str
    origin: str
    first_index: int
    count: int
    indices: list[int]
    tree_size: int
    duplicate: bool


class SwitchStatusOut(Schema):
    system: int
    state: Literal["active", "paused", "stopped"]
    version: int
    allowed: bool
    changed_at: datetime | None
    fail_safe: Literal["human", "last_known"]
    offline_grace_s: int
    poll_interval_s: float


class RecordItem(Schema):
    record: dict[str, Any]
    personal_fields: list[str] = Field(default_factory=list, max_length=32)


class IngestIn(Schema):
    """The body of a batch (documented here; the endpoint parses it strictly itself)."""

    records: list[RecordItem] = Field(..., min_length=1, max_length=1000)


Reason = Annotated[str, StringConstraints(max_length=2000)]


class SwitchIn(Schema):
    state: Literal["active", "paused", "stopped"]
    reason: Reason


class SwitchOut(Schema):
    state: str
    version: int
    reason: str
    changed_by: str | None
    changed_at: datetime | None
    ledger_index: int | None


class PlaybookOut(Schema):
    switch_roles: dict[str, list[str]]
    always_allowed: dict[str, list[str]]
    takeover_thresholds: dict[str, float]
    escalation_contacts: list[dict[str, str]]
    fallback_path: str
    fail_safe: str
    offline_grace_s: int
    is_default: bool


RoleName = Literal["applicant", "admin", "chair", "committee_member", "regulator"]
ShortText = Annotated[str, StringConstraints(max_length=200)]


class ContactIn(Schema):
    name: ShortText
    role: ShortText = ""
    contact: ShortText = ""


class PlaybookIn(Schema):
    switch_roles: dict[Literal["active", "paused", "stopped"], list[RoleName]]
    takeover_thresholds: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")], float
    ] = Field(default_factory=dict, max_length=20)
    escalation_contacts: list[ContactIn] = Field(default_factory=list, max_length=20)
    fallback_path: Annotated[str, StringConstraints(max_length=5000)] = ""
    fail_safe: Literal["human", "last_known"] = "human"
    offline_grace_s: int = Field(0, ge=0, le=86400)


class LedgerOut(Schema):
    origin: str
    size: int
    vkey: str
    latest_checkpoint: str | None


class OperationsOut(Schema):
    system: int
    switch: SwitchOut
    playbook: PlaybookOut
    decisions: LedgerOut | None
    platform: LedgerOut | None
    counters: dict[str, Any]


class EntryOut(Schema):
    index: int
    leaf: str
    leaf_hash: str


class CheckpointOut(Schema):
    origin: str
    size: int
    note: str | None


# --- ingestion (system keys) --------------------------------------------------------------------


def _key_for(request: HttpRequest, system_id: int) -> SystemApiKey:
    key: SystemApiKey = request.auth  # type: ignore[attr-defined]
    if key.system_id != system_id:
        raise PermissionDenied(str(ERR_OTHER_SYSTEM))
    return key


def _refusal(response: HttpResponse, status: int, message: str, **headers: str) -> Status[Any]:
    """A refusal in the API's JSON, with ``headers`` set on ninja's response."""
    for name, value in headers.items():
        response[name] = value
    return Status(status, {"detail": message})


def _records(body: bytes) -> list[services.DecisionRecord]:
    try:
        data = parse_json(body, numbers="exact")
    except CanonicalJSONError as error:
        raise ValidationError({"records": [ERR_BODY.format(reason=error.message)]}) from error
    items = data.get("records") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) - {"records"} or not isinstance(items, list):
        raise ValidationError({"records": [ERR_BODY.format(reason='{"records": […]}')]})
    records = []
    for position, item in enumerate(items[: int(option("INGEST_MAX_RECORDS")) + 1]):
        fields = item.get("personal_fields", []) if isinstance(item, dict) else None
        if (
            not isinstance(item, dict)
            or set(item) - {"record", "personal_fields"}
            or not isinstance(item.get("record"), dict)
            or not isinstance(fields, list)
        ):
            raise ValidationError({"records": [ERR_RECORD_SHAPE.format(n=position)]})
        records.append(
            services.DecisionRecord(record=item["record"], personal_fields=tuple(fields))
        )
    return records


@ingest_router.post(
    "/systems/{int:system_id}/decisions",
    response={
        200: IngestOut,
        201: IngestOut,
        401: Message,
        403: Message,
        409: Message,
        413: Message,
        422: Message,
        429: Message,
    },
    summary="Append a batch of decision records to the system's ledger",
    description=(
        "Needs the system's API key and an `Idempotency-Key` header. Answers only after "
        "the batch is committed durably: 201 with the records' ledger indices, or 200 with "
        "the original indices if this key was seen before (nothing is appended twice). "
        "Personal fields enter the ledger as salted hashes. 429 with `Retry-After` when "
        "the platform is busy: keep the batch and send it again."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": IngestIn.model_json_schema()}},
        },
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": True,
                "schema": {"type": "string", "pattern": r"^[A-Za-z0-9._:\-]{1,100}$"},
            }
        ],
    },
)
def ingest_decisions(request: HttpRequest, system_id: int, response: HttpResponse) -> Any:
    key = _key_for(request, system_id)
    limit = int(option("INGEST_MAX_BYTES"))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return _refusal(response, 413, ERR_TOO_LARGE.format(size=length, limit=limit))
    retry_after = int(option("INGEST_RETRY_AFTER_S"))
    try:
        with ingest_gate().slot():
            body = request.read(limit + 1)
            if len(body) > limit:
                return _refusal(response, 413, ERR_TOO_LARGE.format(size=len(body), limit=limit))
            records = _records(body)
            result = services.decision_records_ingest(
                api_key=key, key=request.headers.get("Idempotency-Key", ""), records=records
            )
    except GateFull:
        return _refusal(
            response,
            429,
            ERR_BUSY.format(seconds=retry_after),
            **{"Retry-After": str(retry_after)},
        )
    except services.IdempotencyConflict:
        return _refusal(response, 409, str(ERR_CONFLICT))
    out = {
        "idempotency_key": result.key,
        "origin": result.origin,
        "first_index": result.first_index,
        "count": result.count,
        "indices": list(result.indices),
        "tree_size": result.tree_size,
        "duplicate": result.duplicate,
    }
    return Status(200 if result.duplicate else 201, out)


@ingest_router.get(
    "/systems/{int:system_id}/switch",
    response={200: SwitchStatusOut, 304: None, 401: Message, 403: Message},
    summary="The system's runtime switch: may the AI decide now?",
    description=(
        "Polled by the SDK every `poll_interval_s` seconds. Send the last `ETag` as "
        "`If-None-Match` to get 304 while nothing changed."
    ),
)
def switch_state(request: HttpRequest, system_id: int, response: HttpResponse) -> Any:
    key = _key_for(request, system_id)
    status = selectors.switch_status(key.system)
    etag = f'"{status["version"]}-{status["fail_safe"]}-{status["offline_grace_s"]}"'
    response["ETag"] = etag
    response["Cache-Control"] = "no-store"
    if request.headers.get("If-None-Match") == etag:
        return Status(304, None)
    return Status(200, status)


# --- operations (people) ------------------------------------------------------------------------


def _switch_out(system: Any) -> dict[str, Any]:
    switch = selectors.switch_of(system)
    return {
        "state": switch.state,
        "version": switch.version,
        "reason": switch.reason,
        "changed_by": switch.changed_by.get_username() if switch.changed_by else None,
        "changed_at": switch.changed_at,
        "ledger_index": switch.ledger_index,
    }


def _ledger_out(log: LedgerLog | None) -> dict[str, Any] | None:
    if log is None:
        return None
    info = ledger_selectors.log_info(log, checkpoints=1)
    return {
        "origin": log.origin,
        "size": info.size,
        "vkey": info.vkey,
        "latest_checkpoint": info.checkpoints[0]["note"] if info.checkpoints else None,
    }


def _playbook_out(system: Any) -> dict[str, Any]:
    playbook = selectors.playbook_of(system)
    return {
        "switch_roles": playbook.switch_roles,
        "always_allowed": playbook.always_allowed,
        "takeover_thresholds": playbook.takeover_thresholds,
        "escalation_contacts": playbook.escalation_contacts,
        "fallback_path": playbook.fallback_path,
        "fail_safe": playbook.fail_safe,
        "offline_grace_s": playbook.offline_grace_s,
        "is_default": playbook.is_default,
    }


def _log(system: Any, which: str) -> LedgerLog:
    log = (
        ledger_selectors.decision_log_find(system)
        if which == "decisions"
        else ledger_selectors.platform_log_find()
    )
    if log is None:
        raise Http404
    return log


@router.get(
    "/{int:system_id}/operations",
    response={200: OperationsOut, 404: Message},
    summary="A system's runtime switch, playbook, ledgers and counters",
)
def operations_overview(request: HttpRequest, system_id: int) -> dict[str, Any]:
    system = system_get(request.user, system_id)
    figures = selectors.counters(system)
    figures.pop("switch")
    figures.pop("now")
    return {
        "system": system.pk,
        "switch": _switch_out(system),
        "playbook": _playbook_out(system),
        "decisions": _ledger_out(ledger_selectors.decision_log_find(system)),
        "platform": _ledger_out(ledger_selectors.platform_log_find()),
        "counters": figures,
    }


@router.post(
    "/{int:system_id}/switch",
    response={200: SwitchOut, 403: Message, 404: Message, 422: Message},
    summary="Set the runtime switch (active, paused, stopped) with a reason",
)
def change_switch(
    request: AuthenticatedHttpRequest, system_id: int, payload: SwitchIn
) -> dict[str, Any]:
    system = system_get(request.user, system_id)
    services.system_switch_change(
        actor=request.user, system=system, state=payload.state, reason=payload.reason
    )
    return _switch_out(system)


@router.patch(
    "/{int:system_id}/playbook",
    response={200: PlaybookOut, 403: Message, 404: Message, 422: Message},
    summary="Adopt or change the system's incident playbook",
)
def update_playbook(
    request: AuthenticatedHttpRequest, system_id: int, payload: PlaybookIn
) -> dict[str, Any]:
    system = system_get(request.user, system_id)
    services.incident_playbook_update(
        actor=request.user,
        system=system,
        switch_roles={state: list(roles) for state, roles in payload.switch_roles.items()},
        takeover_thresholds=dict(payload.takeover_thresholds),
        escalation_contacts=[c.dict() for c in payload.escalation_contacts],
        fallback_path=payload.fallback_path,
        fail_safe=payload.fail_safe,
        offline_grace_s=payload.offline_grace_s,
    )
    return _playbook_out(system)


LogName = Literal["decisions", "platform"]


@router.get(
    "/{int:system_id}/ledger/{log}/entries",
    response={200: list[EntryOut], 404: Message},
    summary="The latest entries of the system's decision log, or its platform actions",
)
def ledger_entries(
    request: HttpRequest,
    system_id: int,
    log: LogName,
    limit: int = Query(20, ge=1, le=200),
    before: int | None = Query(None, ge=0, le=2**62),
) -> list[dict[str, Any]]:
    system = system_get(request.user, system_id)
    if log == "platform":
        entries = [
            entry for _action, entry in ledger_selectors.platform_entries_of(system, limit=limit)
        ]
        if before is not None:
            entries = [e for e in entries if e.index < before]
    else:
        entries = ledger_selectors.ledger_entries(_log(system, log), limit=limit, before=before)
    return [{"index": e.index, "leaf": e.text, "leaf_hash": e.leaf_hash} for e in entries]


@router.get(
    "/{int:system_id}/ledger/{log}/receipts/{int:index}",
    response={200: dict[str, Any], 404: Message},
    summary="The offline receipt of one entry (verify with `tianping ledger verify-receipt`)",
)
def ledger_receipt(request: HttpRequest, system_id: int, log: LogName, index: int) -> Any:
    system = system_get(request.user, system_id)
    if index > MAX_PK:
        raise Http404
    if log == "platform" and not ledger_selectors.platform_entry_is_about(system, index):
        raise Http404
    try:
        receipt = ledger_services.ledger_receipt(log=_log(system, log), index=index)
    except ProofError as error:
        raise Http404 from error
    return receipt.to_json()


@router.post(
    "/{int:system_id}/ledger/checkpoint",
    response={200: list[CheckpointOut], 404: Message},
    summary="Sign checkpoints of the system's decision log and of the platform log now",
)
def ledger_checkpoint(request: HttpRequest, system_id: int) -> list[dict[str, Any]]:
    system = system_get(request.user, system_id)
    out = []
    for log in (ledger_selectors.decision_log_find(system), ledger_selectors.platform_log_find()):
        if log is None:
            continue
        try:
            ledger_services.ledger_checkpoint_sign(log=log)
        except LedgerError as error:  # pragma: no cover - a tampered or re-keyed log
            raise ValidationError(error.message) from error
        info = ledger_selectors.log_info(log, checkpoints=1)
        out.append(
            {
                "origin": log.origin,
                "size": info.size,
                "note": info.checkpoints[0]["note"] if info.checkpoints else None,
            }
        )
    return out


# --- monitors -----------------------------------------------------------------------------------


class ReasonIn(Schema):
    reason: Annotated[str, StringConstraints(max_length=2000)]


def _reading_out(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "monitor": row.monitor,
        "status": row.status,
        "value": row.value,
        "threshold": row.threshold,
        "action": row.action or None,
        "message": row.message,
        "window_end": row.window_end.isoformat(),
    }


def _alert_out(alert: Any) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "monitor": alert.monitor,
        "severity": alert.severity,
        "status": alert.status,
        "message": alert.message,
        "opened_at": alert.opened_at.isoformat(),
        "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
        "reason": alert.reason,
    }


def _incident_out(incident: Any) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "alert": incident.alert_id,
        "status": incident.status,
        "summary": incident.summary,
        "opened_at": incident.opened_at.isoformat(),
        "closed_at": incident.closed_at.isoformat() if incident.closed_at else None,
        "reason": incident.reason,
    }


@router.get(
    "/{int:system_id}/monitors/readings",
    response={200: list[dict[str, Any]], 404: Message},
    summary="The latest reading of each monitor over the system's logged decisions",
)
def monitor_readings(request: HttpRequest, system_id: int) -> list[dict[str, Any]]:
    system = system_get(request.user, system_id)
    return [
        {
            "monitor": row["spec"].id,
            "latest": _reading_out(row["latest"]) if row["latest"] else None,
            "recent_values": row["history"],
        }
        for row in monitors.latest_readings(system)
    ]


@router.get(
    "/{int:system_id}/monitors/alerts",
    response={200: list[dict[str, Any]], 404: Message},
    summary="The system's monitor alerts, newest first",
)
def monitor_alerts(
    request: HttpRequest, system_id: int, limit: int = Query(50, ge=1, le=200)
) -> list[dict[str, Any]]:
    system = system_get(request.user, system_id)
    return [_alert_out(a) for a in monitors.alerts_of(system)[:limit]]


@router.get(
    "/{int:system_id}/monitors/incidents",
    response={200: list[dict[str, Any]], 404: Message},
    summary="The system's incidents, newest first",
)
def monitor_incidents(
    request: HttpRequest, system_id: int, limit: int = Query(50, ge=1, le=200)
) -> list[dict[str, Any]]:
    system = system_get(request.user, system_id)
    return [_incident_out(i) for i in monitors.incidents_of(system)[:limit]]


@router.post(
    "/{int:system_id}/monitors/alerts/{int:alert_id}/{action}",
    response={200: dict[str, Any], 403: Message, 404: Message, 422: Message},
    summary="Acknowledge or resolve an alert, with a reason",
)
def monitor_alert_handle(
    request: AuthenticatedHttpRequest,
    system_id: int,
    alert_id: int,
    action: Literal["acknowledge", "resolve"],
    payload: ReasonIn,
) -> dict[str, Any]:
    system = system_get(request.user, system_id)
    if alert_id > MAX_PK:
        raise Http404
    alert = monitors.monitor_alert_handle(
        actor=request.user, system=system, alert_id=alert_id, action=action, reason=payload.reason
    )
    return _alert_out(alert)


@router.post(
    "/{int:system_id}/monitors/incidents/{int:incident_id}/close",
    response={200: dict[str, Any], 403: Message, 404: Message, 422: Message},
    summary="Close an incident, with a reason",
)
def monitor_incident_close(
    request: AuthenticatedHttpRequest, system_id: int, incident_id: int, payload: ReasonIn
) -> dict[str, Any]:
    system = system_get(request.user, system_id)
    if incident_id > MAX_PK:
        raise Http404
    incident = monitors.incident_close(
        actor=request.user, system=system, incident_id=incident_id, reason=payload.reason
    )
    return _incident_out(incident)
