"""Applications: the required bundle (Measures 2023 Art. 9, 10) and the procedure chosen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tianping.review import _messages as msg
from tianping.review._errors import ReviewInputError
from tianping.review._findings import CheckResult, Finding, text_json
from tianping.review._models import PROCEDURES, Attachment, Procedure
from tianping.review._rules import BundleItem, RuleSet
from tianping.text import LocalizedText

#: Attachment types accepted beyond the bundle: evidence (e.g. technical assessment results)
#: and other material the committee asks for (Art. 9 (六)). They never complete the bundle.
EXTRA_ATTACHMENT_KINDS: tuple[str, ...] = ("evidence", "other")


@dataclass(frozen=True, slots=True)
class BundleResult(CheckResult):
    """The result of :func:`check_application_bundle`.

    Attributes
    ----------
    findings
        One finding per missing item (a refused waiver counts as missing).
    missing
        The missing items, in bundle order.
    waived
        The ids of waivable items marked not applicable, with a reason.
    notice
        The **one** notice to send the applicant, listing everything missing
        (``None`` when the bundle is complete).
    """

    missing: tuple[BundleItem, ...]
    waived: tuple[str, ...]
    notice: LocalizedText | None

    @property
    def complete(self) -> bool:
        """Whether every required item is there."""
        return not self.missing

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "complete": self.complete,
            "missing": [item.to_json(language) for item in self.missing],
            "waived": list(self.waived),
            "notice": None if self.notice is None else text_json(self.notice, language),
            "findings": self.findings_json(language),
        }


def check_application_bundle(attachments: Iterable[Attachment], *, rules: RuleSet) -> BundleResult:
    """Check an application's attachments against the required bundle.

    Every missing item is found at once, and an incomplete application gets a
    single notice listing all of them (Measures 2023 Art. 10), never one item
    at a time. Attachment types outside the bundle (and ``evidence`` /
    ``other``) are refused with :class:`~tianping.review.ReviewInputError`, as is
    a waiver without a reason.

    Examples
    --------
    >>> from tianping.review import Attachment, load_rules
    >>> rules = load_rules()
    >>> given = [Attachment(item.id) for item in rules.bundle()
    ...          if item.id not in ("emergency_plan", "funding_source")]
    >>> result = check_application_bundle(given, rules=rules)
    >>> [item.id for item in result.missing]
    ['emergency_plan', 'funding_source']
    >>> print(result.notice.en)
    The application is incomplete. Please supply all 2 missing item(s) at once:
    (1) emergency plan
    (2) source of funding
    Basis: S&T Ethics Review Measures (2023), Art. 9; S&T Ethics Review Measures (2023), Art. 10
    """
    attachments = tuple(attachments)
    bundle = rules.bundle()
    known = tuple(item.id for item in bundle) + EXTRA_ATTACHMENT_KINDS
    problems = []
    for attachment in attachments:
        if attachment.kind not in known:
            problems.append(
                msg.localized(
                    msg.ERR_UNKNOWN_ATTACHMENT, kind=attachment.kind, known=", ".join(known)
                )
            )
        elif attachment.waived_reason is not None and not attachment.waived_reason.strip():
            problems.append(msg.localized(msg.ERR_WAIVER_BLANK, kind=attachment.kind))
    if problems:
        raise ReviewInputError(msg.ERR_INPUT, problems=problems)

    bundle_rule = rules["application.bundle"]
    supplied = {a.kind for a in attachments if a.waived_reason is None}
    waivers = {a.kind: a.waived_reason for a in attachments if a.waived_reason is not None}
    findings: list[Finding] = []
    missing: list[BundleItem] = []
    waived: list[str] = []
    # Measures 2023 Art. 9: the items of the application.
    for item in bundle:
        if item.id in supplied:
            continue
        reason = waivers.get(item.id)
        if reason is not None and item.waivable:
            waived.append(item.id)
            continue
        missing.append(item)
        if reason is not None:
            text = msg.localized(msg.BUNDLE_WAIVER_NOT_ALLOWED, item=item.label, reason=reason)
        else:
            text = msg.localized(msg.BUNDLE_ITEM_MISSING, item=item.label)
        findings.append(Finding(bundle_rule, text, item.id))

    # Measures 2023 Art. 10: everything missing in one notice.
    notice = None
    if missing:
        lines = [
            msg.localized(msg.BUNDLE_NOTICE_ITEM, number=number, item=item.label)
            for number, item in enumerate(missing, start=1)
        ]
        basis = [bundle_rule.citation]
        if rules.flag("application.single_notice"):
            basis.append(rules["application.single_notice"].citation)
        notice = LocalizedText(
            zh=msg.render(
                msg.BUNDLE_NOTICE,
                "zh-Hans",
                {"count": len(missing), "items": "\n".join(x.zh for x in lines)},
            )
            + "\n"
            + msg.render(
                msg.BUNDLE_NOTICE_BASIS, "zh-Hans", {"citations": "；".join(c.zh for c in basis)}
            ),
            en=msg.render(
                msg.BUNDLE_NOTICE,
                "en",
                {"count": len(missing), "items": "\n".join(x.en for x in lines)},
            )
            + "\n"
            + msg.render(
                msg.BUNDLE_NOTICE_BASIS, "en", {"citations": "; ".join(c.en for c in basis)}
            ),
        )
    return BundleResult(
        findings=tuple(findings), missing=tuple(missing), waived=tuple(waived), notice=notice
    )


@dataclass(frozen=True, slots=True)
class ProcedureResult(CheckResult):
    """The result of :func:`check_procedure`: the procedure named and its ground."""

    procedure: Procedure
    ground: str | None

    def to_json(self, language: str | None = None) -> dict[str, object]:
        return {
            "ok": self.ok,
            "procedure": self.procedure,
            "ground": self.ground,
            "findings": self.findings_json(language),
        }


def check_procedure(
    procedure: Procedure, *, ground: str | None = None, rules: RuleSet
) -> ProcedureResult:
    """Check the procedure a committee names on accepting an application.

    ``general`` and ``emergency`` need no ground; ``simplified`` needs one of
    the grounds of rule ``procedure.simplified_grounds`` (minimal risk, a minor
    change, a routine follow-up). Expert re-review is organised by the
    authority, not chosen by a committee.

    Examples
    --------
    >>> from tianping.review import load_rules
    >>> check_procedure("simplified", ground="minor_change", rules=load_rules()).ok
    True
    >>> check_procedure("simplified", rules=load_rules()).rule_ids()
    ('procedure.simplified_grounds',)
    """
    if procedure not in PROCEDURES or procedure == "expert_review":
        template = (
            msg.PROCEDURE_NOT_FOR_COMMITTEE if procedure == "expert_review" else msg.ERR_BAD_CHOICE
        )
        raise ReviewInputError(
            msg.ERR_INPUT,
            problems=[
                msg.localized(
                    template,
                    what="procedure",
                    value=procedure,
                    known="general, simplified, emergency",
                )
            ],
        )
    if procedure != "simplified":
        if ground is not None:
            raise ReviewInputError(
                msg.ERR_INPUT, problems=[msg.localized(msg.PROCEDURE_GROUND_UNEXPECTED)]
            )
        return ProcedureResult(findings=(), procedure=procedure, ground=None)
    # Measures 2023 (simplified procedure): only on the grounds the rule set lists.
    rule = rules["procedure.simplified_grounds"]
    allowed = rules.names(rule.id)
    labels = msg.joined([msg.SIMPLIFIED_GROUND_LABELS[g] for g in allowed])
    findings: list[Finding] = []
    if ground is None:
        findings.append(Finding(rule, msg.localized(msg.PROCEDURE_GROUND_NEEDED, grounds=labels)))
    elif ground not in allowed:
        findings.append(
            Finding(
                rule,
                msg.localized(msg.PROCEDURE_GROUND_NOT_ALLOWED, ground=ground, grounds=labels),
                ground,
            )
        )
    return ProcedureResult(findings=tuple(findings), procedure=procedure, ground=ground)


__all__ = [
    "EXTRA_ATTACHMENT_KINDS",
    "BundleResult",
    "ProcedureResult",
    "check_application_bundle",
    "check_procedure",
]
