"""The documents as HTML and PDF (through :mod:`tianping.reports`), the user notice as text.

Every value in a document came from a person or a record, so templates print it
with the renderer's ``value()``: escaped and direction-isolated. The embeddable
user notice is a fragment with no script and no style of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from tianping.reports import (
    DEFAULT_FONT_CHECK,
    FontCheck,
    html_to_pdf,
    load_messages,
    normalise_report_language,
    render_html,
)
from tianping.text import LANGUAGES, LocalizedText
from tianping.transparency._documents import DocumentKind, TransparencyDocument

TEMPLATES: Final[Mapping[DocumentKind, str]] = {
    "model-card": "model_card.html",
    "training-data": "training_data_summary.html",
    "algorithm": "algorithm_documentation.html",
    "transparency-report": "transparency_report.html",
    "user-notice": "user_notice.html",
    "playbook": "incident_playbook.html",
}
NOTICE_FRAGMENT: Final = "user_notice_fragment.html"
_BILINGUAL_KEYS: Final = frozenset({"zh-Hans", "en"})


def _view(value: Any) -> Any:
    """JSON with each ``{"zh-Hans", "en"}`` pair as a :class:`LocalizedText` for the template."""
    if isinstance(value, Mapping):
        if set(value) == _BILINGUAL_KEYS and all(isinstance(v, str) for v in value.values()):
            return LocalizedText(zh=value["zh-Hans"], en=value["en"])
        return {key: _view(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_view(item) for item in value]
    return value


def _context(document: TransparencyDocument) -> dict[str, Any]:
    data = document.to_json()
    data["completeness"]["missing"] = [
        {"path": m.path, "label": m.label} for m in document.completeness.missing
    ]
    return {"document": _view(data)}


def document_html(
    document: TransparencyDocument, *, language: str, generated_at: datetime | None = None
) -> str:
    """The document as a complete HTML page (``language``: ``zh-Hans``, ``en`` or ``both``).

    Examples
    --------
    >>> from tianping.transparency import build_document, read_input
    >>> inputs = read_input({"version": "1", "as_of": "2026-06-30", "system": {"name": "客服"}})
    >>> html = document_html(build_document("model-card", inputs), language="both")
    >>> "模型卡" in html and "Model card" in html
    True
    """
    return render_html(
        TEMPLATES[document.kind], _context(document), language=language, generated_at=generated_at
    )


def document_pdf(
    document: TransparencyDocument,
    *,
    language: str,
    generated_at: datetime | None = None,
    font_check: FontCheck = DEFAULT_FONT_CHECK,
) -> bytes:
    """The document as a PDF, Chinese fonts embedded (see :func:`tianping.reports.html_to_pdf`)."""
    html = document_html(document, language=language, generated_at=generated_at)
    return html_to_pdf(html, font_check=font_check)


def user_notice_fragment(document: TransparencyDocument, *, language: str) -> str:
    """The user notice as embeddable HTML: one ``<section>``, escaped, with no script or style.

    Examples
    --------
    >>> from tianping.transparency import build_document, read_input
    >>> inputs = read_input({"version": "1", "as_of": "2026-06-30",
    ...                      "system": {"name": "<script>x</script>"}})
    >>> html = user_notice_fragment(build_document("user-notice", inputs), language="en")
    >>> "<script" in html, "&lt;script&gt;" in html
    (False, True)
    """
    return render_html(NOTICE_FRAGMENT, _context(document), language=language).strip() + "\n"


def _line(text: Any, language: str) -> str:
    if text is None:
        return "—"
    if isinstance(text, Mapping):
        return str(text.get(language) or "—")
    return str(text)


def user_notice_text(document: TransparencyDocument, *, language: str) -> str:
    """The user notice as plain text; ``both`` gives the Chinese, then the English.

    Examples
    --------
    >>> from tianping.transparency import build_document, read_input
    >>> inputs = read_input({"version": "1", "as_of": "2026-06-30", "system": {"name": "客服"}})
    >>> text = user_notice_text(build_document("user-notice", inputs), language="en")
    >>> print(text.splitlines()[0])
    About the AI in this service
    """
    chosen = normalise_report_language(language)
    messages = load_messages()
    content = document.content
    blocks = []
    for lang in LANGUAGES if chosen == "both" else (chosen,):

        def say(message_id: str, lang: str = lang, **fields: object) -> str:
            return messages.text(message_id).get(lang).format(**fields)

        lines = [
            say("transparency.notice.heading"),
            "",
            say("transparency.notice.ai_involved", system=document.inputs.system.name),
        ]
        if content["generative"]:
            lines.append(say("transparency.notice.generative"))
        lines += ["", say("transparency.notice.role"), _line(content["role"], lang), ""]
        lines.append(say("transparency.notice.limitations"))
        limitations = content["limitations"] or [None]
        lines += [f"- {_line(item, lang)}" for item in limitations]
        lines += ["", say("transparency.notice.opt_out"), _line(content["opt_out"], lang), ""]
        lines += [say("transparency.notice.human_contact"), _line(content["human_contact"], lang)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


__all__ = [
    "TEMPLATES",
    "document_html",
    "document_pdf",
    "user_notice_fragment",
    "user_notice_text",
]
