"""The decision letter of an ethics review: what was decided, why, and what follows.

The input is the JSON record of one application as the platform exports it
(``tianping review export ID --json``, format ``tianping.review-record/1``):
``application`` (``reference``, ``title``, ``kind``, ``previous_reference``,
``organisation.name``, ``system.name``, ``body.name``, ``body.time_zone``), ``procedure``
(``procedure``, ``accepted_at``), ``decision`` (``type``, ``basis``,
``required_changes``, ``reasons``, ``decided_at``, ``follow_up_due``),
``expert_review`` (``authority.name``, ``preliminary_decision``, ``opinion``,
``concluded_at``) and ``ledger`` (``origin``, ``decision_indices``). Other
keys are ignored. A record without a decision is a
:class:`~tianping.reports.ReportError`: there is nothing to notify.

Dates are printed in the time zone of the issuing body: ``time_zone`` if the
caller names one, else ``application.body.time_zone`` (an IANA name); the
letter prints that zone with its offset (``Asia/Shanghai (UTC+08:00)``). A
record that names no zone keeps each date as written.

The letter prints the body's name as letterhead, the particulars, the decision
in words, the required changes or reasons, the expert re-review where there was
one, the follow-up due date of an approval, the applicant's right of appeal,
and the ledger entries that make the decision verifiable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tianping.reports._errors import ReportError
from tianping.reports._fonts import DEFAULT_FONT_CHECK, FontCheck
from tianping.reports._render import html_to_pdf, render_html

TEMPLATE: Final = "decision_letter.html"

DECISIONS: Final = (
    "approve",
    "approve_after_modification",
    "re_review_after_modification",
    "not_approve",
)

RECORD_NOT_MAPPING = "{what} must be a mapping (a JSON object), got {kind}"
RECORD_NO_DECISION = "the record has no decision: a letter is printed only for a decided review"
RECORD_BAD_DECISION = "the decision is {value!r}; expected one of {expected}"
RECORD_NOT_LIST = "{what} must be a list of texts, got {kind}"
RECORD_BAD_ZONE = "the time zone {value!r} is not an IANA time zone name (e.g. Asia/Shanghai)"


def _mapping(value: object, what: str, *, optional: bool = False) -> Mapping[str, Any]:
    if value is None and optional:
        return {}
    if not isinstance(value, Mapping):
        raise ReportError(RECORD_NOT_MAPPING.format(what=what, kind=type(value).__name__))
    return value


def _texts(value: object, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise ReportError(RECORD_NOT_LIST.format(what=what, kind=type(value).__name__))
    return [str(item) for item in value]


def _zone(value: object) -> tzinfo | None:
    """The time zone named ``value`` (an IANA name or a ``tzinfo``); ``None`` for none."""
    if value in (None, ""):
        return None
    if isinstance(value, tzinfo):
        return value
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ReportError(RECORD_BAD_ZONE.format(value=value)) from exc


def _moment(value: object) -> datetime | None:
    """An aware ISO datetime in ``value``; ``None`` for a date or a naive datetime."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) > 10:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.utcoffset() is not None else None


def _day(value: object, zone: tzinfo | None = None) -> str | None:
    """An ISO date or datetime as ``YYYY-MM-DD`` (the letter names days, not instants).

    An instant with an offset is the day it is in ``zone``; a date, or any value
    when no zone is known, is the day as written.
    """
    if value in (None, ""):
        return None
    moment = _moment(value)
    if zone is not None and moment is not None:
        return moment.astimezone(zone).date().isoformat()
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return text[:10]


def _zone_label(zone: tzinfo, at: datetime) -> str:
    """The zone as the letter prints it: ``Asia/Shanghai (UTC+08:00)`` at ``at``.

    Examples
    --------
    >>> from datetime import UTC
    >>> _zone_label(ZoneInfo("Europe/Berlin"), datetime(2026, 12, 6, 19, 38, tzinfo=UTC))
    'Europe/Berlin (UTC+01:00)'
    """
    offset = at.astimezone(zone).strftime("%z") or "+0000"
    name = getattr(zone, "key", None) or str(zone)
    return f"{name} (UTC{offset[:3]}:{offset[3:5]})"


def _name(value: object) -> str | None:
    if isinstance(value, Mapping):
        name = value.get("name")
        return None if name is None else str(name)
    return None if value is None else str(value)


def _letter_zone(
    record: Mapping[str, object], time_zone: tzinfo | str | None = None
) -> tzinfo | None:
    """The zone the letter prints its dates in: ``time_zone``, else the body's in the record."""
    if time_zone not in (None, ""):
        return _zone(time_zone)
    record = _mapping(record, "the review record")
    app = _mapping(record.get("application"), "record.application")
    body = app.get("body")
    return _zone(body.get("time_zone")) if isinstance(body, Mapping) else None


def decision_letter_context(
    record: Mapping[str, object], *, time_zone: tzinfo | str | None = None
) -> dict[str, Any]:
    """Check ``record`` and give the template its ``letter``, every field present.

    Dates are the days in ``time_zone`` (default: the body's zone in the record).
    """
    record = _mapping(record, "the review record")
    app = _mapping(record.get("application"), "record.application")
    procedure = _mapping(record.get("procedure"), "record.procedure", optional=True)
    decision = record.get("decision")
    if not decision:
        raise ReportError(RECORD_NO_DECISION)
    decision = _mapping(decision, "record.decision")
    zone = _letter_zone(record, time_zone)
    code = decision.get("type")
    if code not in DECISIONS:
        raise ReportError(RECORD_BAD_DECISION.format(value=code, expected=", ".join(DECISIONS)))
    expert_raw = record.get("expert_review")
    expert = None
    if expert_raw:
        expert_map = _mapping(expert_raw, "record.expert_review")
        expert = {
            "authority": _name(expert_map.get("authority")),
            "preliminary": expert_map.get("preliminary_decision"),
            "opinion": expert_map.get("opinion") or None,
            "concluded_at": _day(expert_map.get("concluded_at"), zone),
        }
    ledger = _mapping(record.get("ledger"), "record.ledger", optional=True)
    indices = [int(i) for i in (ledger.get("decision_indices") or []) if isinstance(i, int)]
    return {
        "letter": {
            "reference": str(app.get("reference") or ""),
            "title": app.get("title"),
            "kind": app.get("kind"),
            "previous": app.get("previous_reference"),
            "applicant": _name(app.get("organisation")),
            "system": _name(app.get("system")),
            "body": _name(app.get("body")) or "",
            "procedure": procedure.get("procedure"),
            "accepted_at": _day(procedure.get("accepted_at"), zone),
            "decision": code,
            "basis": decision.get("basis"),
            "required_changes": _texts(
                decision.get("required_changes"), "record.decision.required_changes"
            ),
            "reasons": _texts(decision.get("reasons"), "record.decision.reasons"),
            "decided_at": _day(decision.get("decided_at"), zone),
            "follow_up_due": _day(decision.get("follow_up_due"), zone),
            "time_zone": _zone_text(zone, decision.get("decided_at")),
            "expert": expert,
            "ledger_origin": str(ledger.get("origin") or ""),
            "ledger_indices": indices,
        }
    }


def _zone_text(zone: tzinfo | None, decided_at: object) -> str | None:
    if zone is None:
        return None
    return _zone_label(zone, _moment(decided_at) or datetime.now(zone))


def decision_letter_html(
    *,
    record: Mapping[str, object],
    language: str,
    generated_at: datetime | None = None,
    time_zone: tzinfo | str | None = None,
) -> str:
    """The decision letter of one review as an HTML document.

    Parameters
    ----------
    record
        The JSON record of the application (see the module docstring).
    language
        ``"zh-Hans"``, ``"en"`` or ``"both"`` (side by side, Chinese first).
    generated_at
        The timestamp in the header; timezone-aware. Default: now, in the
        letter's zone (UTC where the record names none).
    time_zone
        The zone of the issuing body (IANA name); default: ``application.body.time_zone``.

    Raises
    ------
    ReportError
        If the record has no decision or does not follow the contract.

    Examples
    --------
    >>> record = {"application": {"reference": "ER-2026-7F3A9C", "title": "信贷评分",
    ...           "organisation": {"name": "甲企业"}, "system": {"name": "评分模型"},
    ...           "body": {"name": "甲企业科技伦理委员会"}, "kind": "initial"},
    ...           "decision": {"type": "approve", "basis": "meeting"}}
    >>> html = decision_letter_html(record=record, language="both")
    >>> "同意" in html and "Approved" in html and "ER-2026-7F3A9C" in html
    True
    """
    context = decision_letter_context(record, time_zone=time_zone)
    zone = _letter_zone(record, time_zone)
    if generated_at is None and zone is not None:
        generated_at = datetime.now(zone).replace(microsecond=0)
    elif generated_at is not None and zone is not None and generated_at.utcoffset() is not None:
        generated_at = generated_at.astimezone(zone)
    return render_html(TEMPLATE, context, language=language, generated_at=generated_at)


def decision_letter_pdf(
    *,
    record: Mapping[str, object],
    language: str,
    generated_at: datetime | None = None,
    time_zone: tzinfo | str | None = None,
    font_check: FontCheck = DEFAULT_FONT_CHECK,
) -> bytes:
    """The decision letter as a PDF, Chinese fonts embedded (see :func:`decision_letter_html`)."""
    html = decision_letter_html(
        record=record, language=language, generated_at=generated_at, time_zone=time_zone
    )
    return html_to_pdf(html, font_check=font_check)


__all__ = ["decision_letter_context", "decision_letter_html", "decision_letter_pdf"]
