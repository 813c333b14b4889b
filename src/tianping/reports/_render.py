"""Rendering: Jinja2 templates to HTML, HTML to PDF with WeasyPrint.

Every report template extends ``base.html``, which carries the print
stylesheet (A4, running header, page numbers, disclaimer footer) and the font
stack. Templates get their words from the message catalogue through ``t()`` and
print everything that came from a user through ``value()``, which escapes it
and isolates its text direction, so a hostile string can neither inject markup
nor reorder the text around it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from numbers import Real
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from tianping import __version__
from tianping.reports._errors import ReportError
from tianping.reports._fonts import CJK_FONT_FAMILIES, DEFAULT_FONT_CHECK, FontCheck
from tianping.reports._messages import MessageCatalogue, load_messages
from tianping.text import LANGUAGES, Language, LocalizedText, normalise_language

ReportLanguage = Literal["zh-Hans", "en", "both"]
REPORT_LANGUAGES: tuple[ReportLanguage, ...] = ("zh-Hans", "en", "both")

#: Printed where a report has no value to show.
EMPTY: Final = "—"

TIER_MESSAGES: Final[Mapping[str, str]] = {
    "low": "tier.low",
    "medium": "tier.medium",
    "high": "tier.high",
}
#: Message ids that Python code (rather than a template) prints.
CODE_MESSAGE_IDS: Final[frozenset[str]] = frozenset(
    {*TIER_MESSAGES.values(), "report.yes", "report.no", "report.page"}
)

#: Names the renderer puts in every template's context; a caller's context may not use them.
RESERVED_CONTEXT_NAMES: Final[frozenset[str]] = frozenset(
    {
        "t",
        "t_plain",
        "text",
        "value",
        "number",
        "tier_label",
        "tier_text",
        "language",
        "languages",
        "html_lang",
        "generated_at",
        "generated_at_iso",
        "tianping_version",
        "font_stack",
        "page_counter",
    }
)

BAD_LANGUAGE = "unsupported report language {language!r}; use one of {choices}"
NAIVE_TIMESTAMP = "generated_at must be timezone-aware (for example datetime.now(UTC))"
RESERVED_CONTEXT = "the report context may not define {names}: the renderer provides them"
TEMPLATE_NOT_FOUND = "no report template named {template!r}"
TEMPLATE_FAILED = "the report template {template!r} could not be rendered: {detail}"
MESSAGE_FIELDS = "message {message_id!r} could not be filled in: {detail}"
BAD_PLACEHOLDER = "message {message_id!r} may only use the placeholders {allowed}"
NOT_LOCALIZED = "expected a text in both languages ({{'zh-Hans': …, 'en': …}}), got {value!r}"
NOT_A_NUMBER = "expected a number, got {value!r}"
UNKNOWN_TIER = "unknown risk tier {tier!r}; expected one of low, medium, high"
WEASYPRINT_MISSING = "WeasyPrint could not be loaded, so no PDF can be made: {detail}"
WEASYPRINT_MISSING_HINT = (
    "Install WeasyPrint and its system libraries (Pango, HarfBuzz, fontconfig); "
    "see WeasyPrint's installation guide."
)

_ENUMERATION_SEPARATORS: Final[Mapping[ReportLanguage, Markup]] = {
    "zh-Hans": Markup("、"),
    "en": Markup(", "),
    "both": Markup(", "),
}
_PAGE_COUNTERS: Final[Mapping[str, Markup]] = {
    "page": Markup("counter(page)"),
    "pages": Markup("counter(pages)"),
}
_COUNTER_SEPARATOR: Final = Markup(' "   ·   " ')


def normalise_report_language(language: str) -> ReportLanguage:
    """Map ``language`` to ``"zh-Hans"``, ``"en"`` or ``"both"``.

    Parameters
    ----------
    language
        ``"both"`` (any case) or a code :func:`tianping.text.normalise_language`
        accepts (``zh``, ``zh-CN``, ``en-GB`` …).

    Returns
    -------
    ReportLanguage
        The report language.

    Raises
    ------
    ReportError
        For a language Tianping does not ship.

    Examples
    --------
    >>> normalise_report_language("zh_CN"), normalise_report_language("Both")
    ('zh-Hans', 'both')
    """
    if isinstance(language, str) and language.strip().lower() == "both":
        return "both"
    choices = ", ".join(REPORT_LANGUAGES)
    if not isinstance(language, str) or not language.strip():
        raise ReportError(BAD_LANGUAGE.format(language=language, choices=choices))
    try:
        return normalise_language(language.strip())
    except ValueError as exc:
        raise ReportError(BAD_LANGUAGE.format(language=language, choices=choices)) from exc


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element.

    Examples
    --------
    >>> str(css_string('第 "1" 页'))
    '"第 \\\\22 1\\\\22  页"'
    """
    out = []
    for char in text:
        if char in "\"\\<>&'" or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    # Every character that could end the string or the <style> element is escaped above.
    return Markup('"' + "".join(out) + '"')  # noqa: S704


def _format_number(number: object) -> str:
    if isinstance(number, bool) or not isinstance(number, Real | Decimal):
        raise ReportError(NOT_A_NUMBER.format(value=number))
    if isinstance(number, int):
        return str(number)
    as_float = float(number)
    if as_float.is_integer():
        return str(int(as_float))
    return f"{as_float:.2f}".rstrip("0").rstrip(".")


class _Localiser:
    """The helpers a template calls, bound to one report language."""

    def __init__(self, language: ReportLanguage, messages: MessageCatalogue) -> None:
        self.language = language
        self.messages = messages
        self.languages: tuple[Language, ...] = LANGUAGES if language == "both" else (language,)

    # -- words from the catalogue -------------------------------------------------------

    def _message(self, message_id: str, fields: Mapping[str, object]) -> LocalizedText:
        """The message with ``fields`` filled in; a bilingual field gives each language its own."""
        text = self.messages.text(message_id)

        def filled(template: str, language: Language) -> str:
            values = {
                name: value.get(language) if isinstance(value, LocalizedText) else value
                for name, value in fields.items()
            }
            return template.format(**values)

        try:
            return LocalizedText(zh=filled(text.zh, "zh-Hans"), en=filled(text.en, "en"))
        except (KeyError, IndexError, ValueError) as exc:
            raise ReportError(MESSAGE_FIELDS.format(message_id=message_id, detail=exc)) from exc

    def t(self, message_id: str, /, **fields: object) -> Markup:
        """A catalogue message, filled with ``fields``, as inline HTML."""
        return self._inline(self._message(message_id, fields))

    def t_plain(self, message_id: str, /, **fields: object) -> str:
        """A catalogue message as plain text (for ``<title>`` and attributes)."""
        text = self._message(message_id, fields)
        return " / ".join(text.get(language) for language in self.languages)

    # -- bilingual data -----------------------------------------------------------------

    def _inline(self, text: LocalizedText) -> Markup:
        if self.language != "both":
            return escape(text.get(self.language))
        return Markup(
            '<span class="bi"><span lang="zh-Hans">{}</span> <span class="bi-sep">/</span> '
            '<span class="bi-en" lang="en">{}</span></span>'
        ).format(text.zh, text.en)

    def text(self, value: object, block: bool = False) -> Markup:
        """A text the data carries in both languages (or one plain string).

        With ``block=True`` and both languages, the two renderings stand side by
        side, Chinese first.
        """
        if isinstance(value, str):
            return escape(value)
        if isinstance(value, LocalizedText):
            localized = value
        else:
            try:
                localized = LocalizedText.from_json(value)
            except (TypeError, ValueError) as exc:
                raise ReportError(NOT_LOCALIZED.format(value=value)) from exc
        if self.language == "both" and block:
            return Markup(
                '<div class="bi-block"><div lang="zh-Hans">{}</div><div lang="en">{}</div></div>'
            ).format(localized.zh, localized.en)
        return self._inline(localized)

    # -- values a user supplied ---------------------------------------------------------

    def value(self, value: object) -> Markup:
        """Any value a user supplied, escaped and isolated: ``—`` when empty.

        Text goes inside ``<bdi>`` so right-to-left marks or overrides in it
        cannot reorder the text around it.
        """
        if value is None or value == "" or value == [] or value == {}:
            return Markup('<span class="empty">{}</span>').format(EMPTY)
        if isinstance(value, bool):
            return self.t("report.yes" if value else "report.no")
        if isinstance(value, LocalizedText):
            return self._inline(value)
        if isinstance(value, Real | Decimal):
            return escape(_format_number(value))
        if isinstance(value, Mapping):
            return Markup("; ").join(
                Markup("<bdi>{}</bdi>: {}").format(key, self.value(item))
                for key, item in value.items()
            )
        if isinstance(value, Sequence) and not isinstance(value, str | bytes):
            separator = _ENUMERATION_SEPARATORS[self.language]
            return separator.join(self.value(item) for item in value)
        return Markup("<bdi>{}</bdi>").format(str(value))

    def number(self, value: object) -> str:
        """A number as a report prints it: integers plainly, others to two places."""
        if value is None:
            return EMPTY
        return _format_number(value)

    def tier_text(self, tier: object) -> LocalizedText:
        """The name of a risk tier (``low``, ``medium``, ``high``) in both languages."""
        if not isinstance(tier, str) or tier not in TIER_MESSAGES:
            raise ReportError(UNKNOWN_TIER.format(tier=tier))
        return self.messages.text(TIER_MESSAGES[tier])

    def tier_label(self, tier: object) -> Markup:
        """The name of a risk tier as inline HTML in the report language(s)."""
        return self._inline(self.tier_text(tier))

    # -- the page -----------------------------------------------------------------------

    def page_counter(self) -> Markup:
        """The CSS ``content`` value for "Page N of M" in the report language(s)."""
        text = self.messages.text("report.page")
        parts = [self._counter_css(text.get(language)) for language in self.languages]
        return _COUNTER_SEPARATOR.join(parts)

    @staticmethod
    def _counter_css(template: str) -> Markup:
        pieces: list[Markup] = []
        for literal, field_name, _, _ in string.Formatter().parse(template):
            if literal:
                pieces.append(css_string(literal))
            if field_name is None:
                continue
            if field_name not in _PAGE_COUNTERS:
                raise ReportError(
                    BAD_PLACEHOLDER.format(message_id="report.page", allowed="{page}, {pages}")
                )
            pieces.append(_PAGE_COUNTERS[field_name])
        return Markup(" ").join(pieces)


@lru_cache(maxsize=1)
def report_environment() -> jinja2.Environment:
    """The Jinja2 environment for report templates.

    Autoescaping is on for every template, undefined names are errors
    (:class:`jinja2.StrictUndefined`), and templates load from the package's
    ``templates/`` folder.

    Returns
    -------
    jinja2.Environment
        Shared and cached; do not change it.

    Examples
    --------
    >>> report_environment().get_template("base.html").name
    'base.html'
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tianping.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _timestamp(generated_at: datetime | None) -> datetime:
    if generated_at is None:
        return datetime.now(UTC).replace(microsecond=0)
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ReportError(NAIVE_TIMESTAMP)
    return generated_at


def _format_timestamp(moment: datetime) -> str:
    """``2026-12-07 03:40 UTC+08:00``; a named zone is printed with its offset."""
    offset = moment.strftime("%z")
    zone = "UTC" if offset in ("+0000", "-0000") else f"UTC{offset[:3]}:{offset[3:]}"
    name = getattr(moment.tzinfo, "key", None)
    if isinstance(name, str) and name not in ("UTC", "Etc/UTC"):
        zone = f"{name} ({zone})"
    return f"{moment:%Y-%m-%d %H:%M} {zone}"


def render_html(
    template: str,
    context: Mapping[str, Any],
    *,
    language: str,
    generated_at: datetime | None = None,
) -> str:
    """Render a report template to a complete HTML document.

    Parameters
    ----------
    template
        The template's name in ``tianping/reports/templates/``, such as
        ``"intake_summary.html"``.
    context
        The template's variables. The names in :data:`RESERVED_CONTEXT_NAMES`
        are the renderer's and may not be used.
    language
        ``"zh-Hans"``, ``"en"`` or ``"both"`` (both side by side, Chinese first).
    generated_at
        The timestamp printed in the header, in its own zone (the issuing
        body's); timezone-aware. Default: now, UTC.

    Returns
    -------
    str
        The HTML document, with its print stylesheet inline.

    Raises
    ------
    ReportError
        For an unknown template or language, a reserved context name, a value the
        template needs but was not given, or an unknown message id.

    Examples
    --------
    >>> html = render_html("base.html", {}, language="en")
    >>> "it is not legal advice" in html
    True
    """
    report_language = normalise_report_language(language)
    clash = RESERVED_CONTEXT_NAMES.intersection(context)
    if clash:
        raise ReportError(RESERVED_CONTEXT.format(names=", ".join(sorted(clash))))
    moment = _timestamp(generated_at)
    localiser = _Localiser(report_language, load_messages())
    variables: dict[str, Any] = {
        **context,
        "t": localiser.t,
        "t_plain": localiser.t_plain,
        "text": localiser.text,
        "value": localiser.value,
        "number": localiser.number,
        "tier_label": localiser.tier_label,
        "tier_text": localiser.tier_text,
        "language": report_language,
        "languages": localiser.languages,
        "html_lang": "zh-Hans" if report_language == "both" else report_language,
        "generated_at": _format_timestamp(moment),
        "generated_at_iso": moment.isoformat(),
        "tianping_version": __version__,
        "font_stack": Markup(", ").join(
            [*(css_string(family) for family in CJK_FONT_FAMILIES), Markup("sans-serif")]
        ),
        "page_counter": localiser.page_counter(),
    }
    try:
        return report_environment().get_template(template).render(variables)
    except jinja2.TemplateNotFound as exc:
        raise ReportError(TEMPLATE_NOT_FOUND.format(template=template)) from exc
    except jinja2.TemplateError as exc:
        raise ReportError(TEMPLATE_FAILED.format(template=template, detail=exc)) from exc


def _allowed_protocols(base_url: str | None) -> set[str]:
    # Reports embed everything they need; a base URL opens only its own scheme.
    protocols = {"data"}
    if base_url:
        protocols.add(urlsplit(base_url).scheme.lower() or "file")
    return protocols


def html_to_pdf(
    html: str,
    *,
    base_url: str | None = None,
    font_check: FontCheck = DEFAULT_FONT_CHECK,
) -> bytes:
    """Print an HTML report to PDF with WeasyPrint, fonts embedded.

    Before printing, ``font_check`` confirms that a Chinese font is installed:
    WeasyPrint would otherwise fall back silently and print empty boxes.
    Resources are fetched only from ``data:`` URLs and, when ``base_url`` is
    given, from its scheme (for example ``file``); the network is never used
    otherwise.

    Parameters
    ----------
    html
        A complete HTML document, usually from :func:`render_html`.
    base_url
        Where relative URLs in ``html`` resolve (a folder path or URL).
    font_check
        The fonts to require and how to look them up.

    Returns
    -------
    bytes
        The PDF file.

    Raises
    ------
    ReportError
        If no Chinese font is installed, or WeasyPrint cannot be loaded.

    Examples
    --------
    >>> pdf = html_to_pdf(render_html("base.html", {}, language="zh-Hans"))
    >>> pdf[:5]
    b'%PDF-'
    """
    font_check.require()
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:
        raise ReportError(
            WEASYPRINT_MISSING.format(detail=exc), hint=WEASYPRINT_MISSING_HINT
        ) from exc
    fetcher = URLFetcher(allowed_protocols=_allowed_protocols(base_url), allow_redirects=False)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf


__all__ = [
    "CODE_MESSAGE_IDS",
    "EMPTY",
    "REPORT_LANGUAGES",
    "RESERVED_CONTEXT_NAMES",
    "ReportLanguage",
    "css_string",
    "html_to_pdf",
    "normalise_report_language",
    "render_html",
    "report_environment",
]
