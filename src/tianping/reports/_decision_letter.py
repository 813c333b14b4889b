"""The decision letter of an ethics review: what was decided, why, and what follows.

The input is the JSON record of one application as the platform exports it
(``tianping review export ID --json``, format ``tianping.review-record/1``):
``application`` (``reference``, ``title``, ``kind``, ``previous_reference``,
``organisation.name``, ``system.name``, ``body.name``), ``procedure``
(``procedure``, ``accepted_at``), ``decision`` (``type``, ``basis``,
``required_changes``, ``reasons``, ``decided_at``, ``follow_up_due``),
``expert_review`` (``authority.name``, ``preliminary_decision``, ``opinion``,
``concluded_at``) and ``ledger`` (``origin``, ``decision_indices``). Other
keys are ignored. A record without a decision is a
:class:`~tianping.reports.ReportError`: there is nothing to notify.

The letter prints the body's name as letterhead, the particulars, the decision
in words, the required changes or reasons, the expert re-review where there was
one, the follow-up due date of an approval, the applicant's right of appeal,
and the ledger entries that make the decision verifiable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

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


def _day(value: object) -> str | None:
    """An ISO date or datetime as ``YYYY-MM-DD`` (the letter names days, not instants)."""
    if value in (None, ""):
        return None
    text = str(value)
    return text[:10]


def _name(value: object) -> str | None:
    if isinstance(value, Mapping):
        name = value.get("name")
        return None if name is None else str(name)
    return None if value is None else str(value)


def decision_letter_context(record: Mapping[str, object]) -> dict[str, Any]:
    """Check ``record`` and give the template its ``letter``, every field present."""
    record = _mapping(record, "the review record")
    app = _mapping(record.get("application"), "record.application")
    procedure = _mapping(record.get("procedure"), "record.procedure", optional=True)
    decision = record.get("decision")
    if not decision:
        raise ReportError(RECORD_NO_DECISION)
    decision = _mapping(decision, "record.decision")
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
            "concluded_at": _day(expert_map.get("concluded_at")),
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
            "accepted_at": _day(procedure.get("accepted_at")),
            "decision": code,
            "basis": decision.get("basis"),
            "required_changes": _texts(
                decision.get("required_changes"), "record.decision.required_changes"
            ),
            "reasons": _texts(decision.get("reasons"), "record.decision.reasons"),
            "decided_at": _day(decision.get("decided_at")),
            "follow_up_due": _day(decision.get("follow_up_due")),
            "expert": expert,
            "ledger_origin": str(ledger.get("origin") or ""),
            "ledger_indices": indices,
        }
    }


def decision_letter_html(
    *,
    record: Mapping[str, object],
    language: str,
    generated_at: datetime | None = None,
) -> str:
    """The decision letter of one review as an HTML document.

    Parameters
    ----------
    record
        The JSON record of the application (see the module docstring).
    language
        ``"zh-Hans"``, ``"en"`` or ``"both"`` (side by side, Chinese first).
    generated_at
        The timestamp in the header; timezone-aware. Default: now, UTC.

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
    context = decision_letter_context(record)
    return render_html(TEMPLATE, context, language=language, generated_at=generated_at)


def decision_letter_pdf(
    *,
    record: Mapping[str, object],
    language: str,
    generated_at: datetime | None = None,
    font_check: FontCheck = DEFAULT_FONT_CHECK,
) -> bytes:
    """The decision letter as a PDF, Chinese fonts embedded (see :func:`decision_letter_html`)."""
    html = decision_letter_html(record=record, language=language, generated_at=generated_at)
    return html_to_pdf(html, font_check=font_check)


__all__ = ["decision_letter_context", "decision_letter_html", "decision_letter_pdf"]
