"""Reports: bilingual HTML and PDF that record what Tianping found.

A report is a Jinja2 template rendered to one HTML document, which WeasyPrint
prints to PDF with the Chinese fonts embedded.

Terms
-----
report language
    ``"zh-Hans"``, ``"en"``, or ``"both"``: both side by side, Chinese first.
message catalogue
    ``messages.yaml``: every user-interface string a report prints, by message
    id, in both languages. Templates print them with ``t("id")``; nothing in a
    template is prose of its own.
font check
    Before printing, a :class:`FontCheck` confirms a Chinese font is installed;
    without one WeasyPrint would print empty boxes, so that is a
    :class:`ReportError` instead.
intake summary
    One AI system's particulars, the answers given, the risk tier, its score
    breakdown, reasons and obligations, any override, and a sign-off block.

A report records answers and findings; it is not legal advice and not a
certification, and each page says so.

Examples
--------
>>> from tianping.reports import intake_summary_html
>>> result = {
...     "tier": "medium", "expert_review_required": False, "questionnaire_version": "2026.1",
...     "score": {"raw_impact": 14, "max_raw": 80, "mitigation_credit": 2, "final": 12,
...               "bands": {"low": 0, "medium": 10, "high": 22}},
...     "reasons": [], "obligations": [], "override": None,
... }
>>> html = intake_summary_html(system={"name": "客服机器人"}, result=result, language="both")
>>> "中风险" in html and "Medium risk" in html
True
"""

from tianping.reports._errors import ReportError
from tianping.reports._fonts import (
    CJK_FONT_FAMILIES,
    DEFAULT_FONT_CHECK,
    FontCheck,
    FontLookup,
    fontconfig_has_family,
)
from tianping.reports._intake_summary import intake_summary_html, intake_summary_pdf
from tianping.reports._messages import MessageCatalogue, load_messages, parse_messages
from tianping.reports._render import (
    REPORT_LANGUAGES,
    ReportLanguage,
    html_to_pdf,
    normalise_report_language,
    render_html,
    report_environment,
)

__all__ = [
    "CJK_FONT_FAMILIES",
    "DEFAULT_FONT_CHECK",
    "REPORT_LANGUAGES",
    "FontCheck",
    "FontLookup",
    "MessageCatalogue",
    "ReportError",
    "ReportLanguage",
    "fontconfig_has_family",
    "html_to_pdf",
    "intake_summary_html",
    "intake_summary_pdf",
    "load_messages",
    "normalise_report_language",
    "parse_messages",
    "render_html",
    "report_environment",
]
