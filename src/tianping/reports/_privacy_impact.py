"""The draft personal-information impact assessment (PIPL Art. 56) of a privacy scan.

Inputs are JSON-like mappings, as for the other reports:

``system``
    ``{"name": str, "organisation", "purpose", "owner", …}`` as for
    :func:`~tianping.reports.intake_summary_html`; only ``name`` is required.
``profile``
    The JSON of a table profile (``TableProfile.to_json()`` of
    :mod:`tianping.privacy`, as filed by a privacy scan): rows, share, minors,
    PIPL class and the columns. Only counts and classes are printed — a profile
    holds no value read from the data, and the report prints none either
    (masked findings are not printed at all).

The draft lays out the three contents PIPL Art. 56 requires — the purpose and
means of processing, the impact on individuals' rights and the security risks,
and the protection measures — with what the scan found filled in and blank
fields for the processor to complete. It is a draft, not legal advice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from tianping.reports._errors import ReportError
from tianping.reports._fonts import DEFAULT_FONT_CHECK, FontCheck
from tianping.reports._intake_summary import system_view
from tianping.reports._render import html_to_pdf, render_html
from tianping.text import LocalizedText

TEMPLATE: Final = "privacy_impact.html"

PIPL_CLASSES: Final = ("sensitive", "high-risk", "ordinary", "none")

PROFILE_BAD_SHAPE = "{what} must be {expected}, got {kind}"
PROFILE_BAD_CLASS = "{what} is {value!r}; expected one of sensitive, high-risk, ordinary, none"


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ReportError(
            PROFILE_BAD_SHAPE.format(what=what, expected="a mapping", kind=type(value).__name__)
        )
    return value


def _list(value: object, what: str) -> Sequence[Any]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise ReportError(
            PROFILE_BAD_SHAPE.format(what=what, expected="a list", kind=type(value).__name__)
        )
    return value


def _class(value: object, what: str) -> str:
    if not isinstance(value, str) or value not in PIPL_CLASSES:
        raise ReportError(PROFILE_BAD_CLASS.format(what=what, value=value))
    return value


def _count(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    return value if isinstance(value, int) else 0


def _percent(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "0 %"
    return f"{100 * float(value):.1f} %"


def _label(cls: str) -> LocalizedText:
    from tianping.privacy import pipl_label

    return pipl_label(cls)


def privacy_impact_context(
    *, system: Mapping[str, object], profile: Mapping[str, object]
) -> dict[str, Any]:
    """Check the inputs and give the template everything it prints."""
    checked = _mapping(profile, "the profile")
    table_class = _class(checked.get("pipl_class"), "profile.pipl_class")
    columns = []
    classes = {table_class}
    hints: list[str] = []
    entities: dict[str, int] = {}
    for i, raw in enumerate(_list(checked.get("columns", []), "profile.columns")):
        column = _mapping(raw, f"profile.columns[{i}]")
        cls = _class(column.get("pipl_class"), f"profile.columns[{i}].pipl_class")
        classes.add(cls)
        found = {
            str(k): _count(v)
            for k, v in _mapping(column.get("entities") or {}, "column.entities").items()
        }
        for entity, count in found.items():
            entities[entity] = entities.get(entity, 0) + count
        column_hints = [str(h) for h in _list(column.get("hints") or [], "column.hints")]
        hints += [h for h in column_hints if h not in hints]
        columns.append(
            {
                "column": str(column.get("column", "")),
                "entities": found,
                "hints": column_hints,
                "rows": _count(column.get("rows_with_findings")),
                "share": _percent(column.get("share")),
                "pipl_class": _label(cls),
                "minors": _count(column.get("minors")),
            }
        )
    minor_rows = _count(checked.get("minor_rows"))
    return {
        "system": system_view(system),
        "data": {"name": checked.get("path"), "sha256": checked.get("sha256")},
        "totals": {
            "rows": _count(checked.get("rows")),
            "rows_with_findings": _count(checked.get("rows_with_findings")),
            "share": _percent(checked.get("share")),
            "minor_rows": minor_rows,
            "bad_rows": _count(checked.get("bad_rows")),
            "as_of": checked.get("as_of"),
            "pipl_class": _label(table_class),
        },
        "columns": columns,
        "entities": entities,
        "hints": hints,
        "found": {
            "sensitive": "sensitive" in classes,
            "high_risk": "high-risk" in classes,
            "ordinary": "ordinary" in classes,
            "any": table_class != "none",
            "minors": minor_rows > 0,
        },
    }


def privacy_impact_html(
    *,
    system: Mapping[str, object],
    profile: Mapping[str, object],
    language: str,
    generated_at: datetime | None = None,
) -> str:
    """A draft personal-information impact assessment (PIPL Art. 56) as an HTML document.

    Parameters
    ----------
    system
        The system's particulars; only ``"name"`` is required.
    profile
        The JSON of a privacy profile (``TableProfile.to_json()``).
    language
        ``"zh-Hans"``, ``"en"`` or ``"both"`` (side by side, Chinese first).
    generated_at
        The timestamp in the header; timezone-aware. Default: now, UTC.

    Raises
    ------
    ReportError
        If an input does not follow the contract, or the language is not one
        Tianping ships.

    Examples
    --------
    >>> profile = {"rows": 2, "rows_with_findings": 1, "share": 0.5, "minor_rows": 0,
    ...            "pipl_class": "ordinary", "columns": [{"column": "手机号",
    ...            "entities": {"cn_mobile": 1}, "share": 0.5, "pipl_class": "ordinary"}]}
    >>> html = privacy_impact_html(system={"name": "客服机器人"}, profile=profile, language="both")
    >>> "个人信息保护影响评估" in html and "impact assessment" in html
    True
    """
    context = privacy_impact_context(system=system, profile=profile)
    return render_html(TEMPLATE, context, language=language, generated_at=generated_at)


def privacy_impact_pdf(
    *,
    system: Mapping[str, object],
    profile: Mapping[str, object],
    language: str,
    generated_at: datetime | None = None,
    font_check: FontCheck = DEFAULT_FONT_CHECK,
) -> bytes:
    """The draft impact assessment as a PDF, Chinese fonts embedded.

    Parameters
    ----------
    system, profile, language, generated_at
        As for :func:`privacy_impact_html`.
    font_check
        The fonts to require before printing (see :class:`FontCheck`).
    """
    html = privacy_impact_html(
        system=system, profile=profile, language=language, generated_at=generated_at
    )
    return html_to_pdf(html, font_check=font_check)


__all__ = ["privacy_impact_context", "privacy_impact_html", "privacy_impact_pdf"]
