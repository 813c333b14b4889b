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
bias assessment
    What a fairness audit (:mod:`tianping.fairness`) of one system's decisions
    found: the overall verdict, the disparities against the policy as charts,
    the explanations, group metrics with intervals, the data and settings, and
    the requirement items it is filed as evidence for.
privacy impact assessment
    A draft personal-information impact assessment (PIPL Art. 56) from what a
    privacy scan (:mod:`tianping.privacy`) of a dataset found: the findings per
    column (counts and classes, never a value), the three Art. 56 contents with
    the findings filled in and blanks for the processor, and the retention note.
decision letter
    The decision of an ethics review on one application, from its exported
    record: the decision in words, required changes or reasons, any expert
    re-review, the follow-up due date, the right of appeal and the ledger
    entries that make it verifiable.
interval chart
    A horizontal bar chart with interval whiskers and threshold lines, as
    self-contained inline SVG (:func:`interval_chart`, from :mod:`tianping.charts`),
    printed in reports and shown on the platform's pages and in notebooks alike.

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

from tianping.charts import ChartBar, ChartLine, interval_chart, nice_domain
from tianping.reports._bias_assessment import (
    AuditChart,
    bias_assessment_html,
    bias_assessment_pdf,
    disparity_charts,
    group_charts,
    group_label,
)
from tianping.reports._decision_letter import decision_letter_html, decision_letter_pdf
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
from tianping.reports._privacy_impact import privacy_impact_html, privacy_impact_pdf
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
    "AuditChart",
    "ChartBar",
    "ChartLine",
    "FontCheck",
    "FontLookup",
    "MessageCatalogue",
    "ReportError",
    "ReportLanguage",
    "bias_assessment_html",
    "bias_assessment_pdf",
    "decision_letter_html",
    "decision_letter_pdf",
    "disparity_charts",
    "fontconfig_has_family",
    "group_charts",
    "group_label",
    "html_to_pdf",
    "intake_summary_html",
    "intake_summary_pdf",
    "interval_chart",
    "load_messages",
    "nice_domain",
    "normalise_report_language",
    "parse_messages",
    "privacy_impact_html",
    "privacy_impact_pdf",
    "render_html",
    "report_environment",
]
