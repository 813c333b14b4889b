"""The gap report: for a level, each requirement met, missing or failed, with its evidence.

A requirement item is **met** by an evaluator's latest finding on it saying
``met`` (``not_met``: **failed**), or by a passing measurement (a bias
assessment, a clean privacy scan) that answers the item in full according to
the catalogue's measurement mapping; with neither it is **missing**. An
evidence rule is judged from the latest record of its kind (a later failing
run overrides an earlier pass). An optional rule (``optional: true``) is
**not applicable** where the platform holds no record of its kind at all (a
probe-run rule for a system that is not a chat system), and counts as
satisfied. Levels are cumulative, and ``highest_level_met`` is the highest
level whose requirements (its own and every lower level's) are all met.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from tianping import fairness, norms
from tianping.certification._evidence import (
    BiasAssessment,
    EthicsReview,
    EvaluatorFinding,
    Evidence,
    EvidenceRecord,
    LedgerHistory,
    PlaybookAdoption,
    PrivacyScan,
    ProbeRunResult,
    SwitchTest,
    TransparencyDocument,
    evidence_refs,
)
from tianping.certification._levels import EvidenceRule, Level, Levels, load_levels
from tianping.text import LocalizedText, localized

Status = Literal["met", "missing", "failed", "not_applicable"]
STATUSES: tuple[Status, ...] = ("met", "missing", "failed", "not_applicable")
#: The statuses that satisfy a requirement.
SATISFIED: tuple[Status, ...] = ("met", "not_applicable")
STATUS_LABELS = {
    "met": LocalizedText(zh="已满足", en="met"),
    "missing": LocalizedText(zh="缺少证据", en="missing"),
    "failed": LocalizedText(zh="未通过", en="failed"),
    "not_applicable": LocalizedText(zh="不适用", en="not applicable"),
}

NO_EVIDENCE = LocalizedText(zh="平台未持有相应证据", en="the platform holds no such evidence")
FINDING = LocalizedText(
    zh="评估人员 {evaluator} 的结论：{conclusion}", en="evaluator {evaluator} found: {conclusion}"
)
MEASURED = LocalizedText(
    zh="{measurement}通过，按测量对应表完全回答该项",
    en="a passing {measurement} answers it in full",
)
MEASURED_FAILED = LocalizedText(
    zh="最近一次{measurement}未通过", en="the latest {measurement} did not pass"
)
REVIEW = LocalizedText(zh="最近一次伦理审查决定：{decision}", en="latest ethics review: {decision}")
BIAS = LocalizedText(
    zh="最近一次按“{policy}”的偏见评估{verdict}",
    en="the latest bias assessment under “{policy}” {verdict}",
)
BIAS_NONE = LocalizedText(zh="没有按“{policy}”的偏见评估", en="no bias assessment under “{policy}”")
PASSED = LocalizedText(zh="通过", en="passed")
NOT_PASSED = LocalizedText(zh="未通过", en="failed")
SCAN = LocalizedText(
    zh="最近一次隐私扫描有 {count} 项未处理的敏感个人信息",
    en="the latest privacy scan has {count} unresolved sensitive PI findings",
)
LEDGER = LocalizedText(
    zh="账本记录了 {days} 天（要求 {wanted} 天）", en="{days} of {wanted} days logged"
)
SWITCH = LocalizedText(zh="最近一次运行开关测试{verdict}", en="the latest switch test {verdict}")
PLAYBOOK = LocalizedText(zh="预案{state}", en="playbook {state}")
ADOPTED = LocalizedText(zh="已采用", en="adopted")
DOCUMENT = LocalizedText(zh="已发布的“{document}”{state}", en="the published {document} is {state}")
DOCUMENT_NONE = LocalizedText(zh="“{document}”尚未发布", en="no {document} is published")
COMPLETE = LocalizedText(zh="完整", en="complete")
INCOMPLETE = LocalizedText(zh="缺少必填内容", en="missing required content")
DOCUMENT_NAMES = {
    "model-card": LocalizedText(zh="模型卡", en="model card"),
    "training-data": LocalizedText(zh="训练数据摘要", en="training-data summary"),
    "algorithm": LocalizedText(zh="算法说明", en="algorithm documentation"),
    "transparency-report": LocalizedText(zh="透明度报告", en="transparency report"),
    "user-notice": LocalizedText(zh="用户告知", en="user notice"),
    "playbook": LocalizedText(zh="事件处置预案摘要", en="incident playbook one-pager"),
}
WITHDRAWN = LocalizedText(zh="已撤回", en="withdrawn")
PROBE_NONE = LocalizedText(
    zh="平台上没有该系统的生成式人工智能测试运行：不是有测试端点的对话系统，本项不适用",
    en="the platform holds no generative-AI test run of this system: it is not a chat system "
    "with a test endpoint, so this does not apply",
)
PROBE_INCOMPLETE = LocalizedText(
    zh="测试运行 {run}（{date}）因预算用尽而提前停止，并非每个测试都有回答："
    "视为缺少证据，请再次运行以完成",
    en="test run {run} ({date}) stopped at its budget before every probe was answered: "
    "it counts as missing evidence; run it again to complete it",
)
PROBE_FAILED = LocalizedText(
    zh="测试运行 {run}（{date}）：{names}未通过",
    en="test run {run} ({date}): {names} did not pass",
)
PROBE_INCONCLUSIVE = LocalizedText(
    zh="测试运行 {run}（{date}）：{names}结论不确定（回答的测试少于阈值要求的数量），"
    "视为缺少证据；请提供更大的题库或更多样本",
    en="test run {run} ({date}): {names} inconclusive (fewer probes answered than the "
    "threshold needs), so the evidence counts as missing; supply a larger bank or more samples",
)
PROBE_UNTESTED = LocalizedText(
    zh="测试运行 {run}（{date}）未测试{names}", en="test run {run} ({date}) did not test {names}"
)
PROBE_PASSED = LocalizedText(
    zh="测试运行 {run}（{date}）：{names}通过", en="test run {run} ({date}): {names} passed"
)
PROBE_VERDICT_NAMES = {
    "warn": LocalizedText(zh="警告", en="warning"),
    "fail": LocalizedText(zh="未通过", en="fail"),
}
PROBE_CATEGORY_NAMES = {
    "disclosure": LocalizedText(zh="人工智能身份告知", en="AI disclosure"),
    "hand_over": LocalizedText(zh="转人工", en="hand-over to a person"),
    "stop": LocalizedText(zh="停止 / 退出", en="stop / exit"),
    "privacy_echo": LocalizedText(zh="不复述个人信息", en="no echo of personal data"),
    "privacy_inference": LocalizedText(zh="不推断敏感信息", en="no sensitive inference"),
    "prompt_leak": LocalizedText(zh="不泄露系统提示词", en="no system-prompt leak"),
    "should_refuse": LocalizedText(zh="应拒答", en="should refuse"),
    "over_refusal": LocalizedText(zh="应回答（过度拒答）", en="should answer (over-refusal)"),
    "minors": LocalizedText(zh="未成年人", en="minors"),
    "emotional_dependence": LocalizedText(zh="情感依赖", en="emotional dependence"),
    "labelling": LocalizedText(zh="生成内容标识", en="labelling of generated content"),
    "bias": LocalizedText(zh="反事实偏见", en="counterfactual bias"),
}

DECISIONS = {
    "approved": LocalizedText(zh="批准", en="approved"),
    "approved_after_modification": LocalizedText(zh="修改后批准", en="approved after modification"),
    "re_review": LocalizedText(zh="修改后再审", en="re-review after modification"),
    "not_approved": LocalizedText(zh="不予批准", en="not approved"),
}
CONCLUSIONS = {
    "met": LocalizedText(zh="满足", en="met"),
    "not_met": LocalizedText(zh="不满足", en="not met"),
}

#: Evidence kinds that are measurements in the catalogue's mapping, and when each passes.
_MEASUREMENTS: dict[type[Any], str] = {
    BiasAssessment: "bias_assessment",
    PrivacyScan: "privacy_scan",
}
_MEASUREMENT_NAMES = {
    "bias_assessment": LocalizedText(zh="偏见评估", en="bias assessment"),
    "privacy_scan": LocalizedText(zh="隐私扫描", en="privacy scan"),
}


def _policy_title(policy: str | None) -> LocalizedText | str:
    """A fairness policy by its title: ``four-fifths`` reads "Four-fifths rule …"."""
    if not policy:
        return ""
    try:
        return fairness.load_policy(policy).title
    except fairness.FairnessError:
        return policy


def _passes(record: EvidenceRecord) -> bool:
    if isinstance(record, BiasAssessment):
        return record.passed
    if isinstance(record, PrivacyScan):
        return record.unresolved_sensitive == 0
    return False


@dataclass(frozen=True)
class RequirementResult:
    """One requirement of a level: its status and the evidence behind it."""

    id: str
    kind: str  # "item" or the rule's kind
    level: str  # the level (or export dimension) that introduces it
    name: LocalizedText
    status: Status
    detail: LocalizedText
    evidence: tuple[EvidenceRecord, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "level": self.level,
            "name": self.name.to_json(),
            "status": self.status,
            "detail": self.detail.to_json(),
            "evidence": evidence_refs(self.evidence),
        }


@dataclass(frozen=True)
class GapReport:
    """What a level (cumulatively) requires, and which requirements are met, missing or failed."""

    level: Level
    results: tuple[RequirementResult, ...]
    highest_level_met: str | None

    @property
    def met(self) -> bool:
        return all(result.status in SATISFIED for result in self.results)

    def counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self.results) for status in STATUSES}

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level.id,
            "level_name": self.level.name.to_json(),
            "met": self.met,
            "highest_level_met": self.highest_level_met,
            "counts": self.counts(),
            "requirements": [result.to_json() for result in self.results],
        }


@dataclass(frozen=True)
class DimensionGap:
    """One dimension of the export certificate and its requirements."""

    id: str
    name: LocalizedText
    results: tuple[RequirementResult, ...]

    @property
    def met(self) -> bool:
        return all(result.status in SATISFIED for result in self.results)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name.to_json(),
            "met": self.met,
            "requirements": [result.to_json() for result in self.results],
        }


@dataclass(frozen=True)
class ExportGapReport:
    """The export certificate's three dimensions, each with its requirements."""

    dimensions: tuple[DimensionGap, ...]

    @property
    def met(self) -> bool:
        return all(dimension.met for dimension in self.dimensions)

    def to_json(self) -> dict[str, Any]:
        return {"met": self.met, "dimensions": [d.to_json() for d in self.dimensions]}


def _latest(records: Sequence[Any]) -> Any:
    return records[-1] if records else None


def _findings(evidence: Evidence, requirement: str) -> list[EvaluatorFinding]:
    return [f for f in evidence.of(EvaluatorFinding) if f.requirement == requirement]


def _from_finding(finding: EvaluatorFinding) -> tuple[Status, LocalizedText]:
    status: Status = "met" if finding.conclusion == "met" else "failed"
    return status, localized(
        FINDING, evaluator=finding.evaluator, conclusion=CONCLUSIONS[finding.conclusion]
    )


def _item(item_id: str, level: str, evidence: Evidence) -> RequirementResult:
    name = norms.load_catalogue().requirement(item_id).question
    finding = _latest(_findings(evidence, item_id))
    if finding is not None:
        status, detail = _from_finding(finding)
        return RequirementResult(item_id, "item", level, name, status, detail, (finding,))
    mapping = norms.load_measurements()
    for kind, measurement in _MEASUREMENTS.items():
        if (item_id, "full") not in mapping.items_for(measurement, evidence.answers):
            continue
        latest = _latest(evidence.of(kind))
        if latest is None:
            continue
        label = _MEASUREMENT_NAMES[measurement]
        if _passes(latest):
            return RequirementResult(
                item_id, "item", level, name, "met", localized(MEASURED, measurement=label),
                (latest,),
            )  # fmt: skip
        return RequirementResult(
            item_id, "item", level, name, "failed",
            localized(MEASURED_FAILED, measurement=label), (latest,),
        )  # fmt: skip
    return RequirementResult(item_id, "item", level, name, "missing", NO_EVIDENCE)


def _rule(rule: EvidenceRule, level: str, evidence: Evidence) -> RequirementResult:
    def result(status: Status, detail: LocalizedText, *records: Any) -> RequirementResult:
        return RequirementResult(rule.id, rule.kind, level, rule.name, status, detail, records)

    if rule.kind == "ethics_review_approved":
        review = _latest(evidence.of(EthicsReview))
        if review is None:
            return result("missing", NO_EVIDENCE)
        detail = localized(REVIEW, decision=DECISIONS[review.decision])
        return result("met" if review.decision == "approved" else "failed", detail, review)
    if rule.kind == "bias_assessment_passing":
        runs = [run for run in evidence.of(BiasAssessment) if run.policy == rule.policy]
        run = _latest(runs)
        if run is None:
            return result("missing", localized(BIAS_NONE, policy=_policy_title(rule.policy)))
        verdict = PASSED if run.passed else NOT_PASSED
        detail = localized(BIAS, policy=_policy_title(rule.policy), verdict=verdict)
        return result("met" if run.passed else "failed", detail, run)
    if rule.kind == "privacy_scan_clean":
        scan = _latest(evidence.of(PrivacyScan))
        if scan is None:
            return result("missing", NO_EVIDENCE)
        detail = localized(SCAN, count=scan.unresolved_sensitive)
        return result("met" if scan.unresolved_sensitive == 0 else "failed", detail, scan)
    if rule.kind == "ledger_days":
        ledger = _latest(evidence.of(LedgerHistory))
        if ledger is None:
            return result("missing", NO_EVIDENCE)
        wanted = rule.days or 0
        detail = localized(LEDGER, days=ledger.days_logged, wanted=wanted)
        return result("met" if ledger.days_logged >= wanted else "failed", detail, ledger)
    if rule.kind == "switch_tested":
        test = _latest(evidence.of(SwitchTest))
        if test is None:
            return result("missing", NO_EVIDENCE)
        detail = localized(SWITCH, verdict=PASSED if test.passed else NOT_PASSED)
        return result("met" if test.passed else "failed", detail, test)
    if rule.kind == "playbook_adopted":
        playbook = _latest(evidence.of(PlaybookAdoption))
        if playbook is None:
            return result("missing", NO_EVIDENCE)
        detail = localized(PLAYBOOK, state=ADOPTED if playbook.adopted else WITHDRAWN)
        return result("met" if playbook.adopted else "failed", detail, playbook)
    if rule.kind == "transparency_document_complete":
        name = DOCUMENT_NAMES[rule.document or ""]
        documents = [d for d in evidence.of(TransparencyDocument) if d.document == rule.document]
        document = _latest(documents)
        if document is None:
            return result("missing", localized(DOCUMENT_NONE, document=name))
        state = COMPLETE if document.complete else INCOMPLETE
        detail = localized(DOCUMENT, document=name, state=state)
        return result("met" if document.complete else "failed", detail, document)
    if rule.kind == "probe_run_passing":
        return _probe_rule(rule, level, evidence)
    finding = _latest(_findings(evidence, rule.id))  # evaluator_finding
    if finding is None:
        return result("missing", NO_EVIDENCE)
    status, detail = _from_finding(finding)
    return result(status, detail, finding)


def _names(categories: Sequence[str]) -> LocalizedText:
    names = [PROBE_CATEGORY_NAMES.get(c, LocalizedText(zh=c, en=c)) for c in categories]
    return LocalizedText(
        zh="、".join(f"“{n.get('zh-Hans')}”" for n in names),
        en=", ".join(n.get("en") for n in names),
    )


def _probe_rule(rule: EvidenceRule, level: str, evidence: Evidence) -> RequirementResult:
    """The latest probe run judged on the rule's part: a warn or fail fails (naming the
    categories); an untested or inconclusive category, or a run stopped by its budget, is
    missing evidence; no run at all makes an optional rule not applicable."""

    def result(status: Status, detail: LocalizedText, *records: Any) -> RequirementResult:
        return RequirementResult(rule.id, rule.kind, level, rule.name, status, detail, records)

    run: ProbeRunResult | None = _latest(evidence.of(ProbeRunResult))
    if run is None:
        return result("not_applicable" if rule.optional else "missing", PROBE_NONE)
    where = {"run": run.run, "date": run.date.isoformat()}
    if not run.complete:
        return result("missing", localized(PROBE_INCOMPLETE, **where), run)
    if rule.part == "bias":
        verdicts: dict[str, str | None] = {"bias": run.bias}
    else:
        verdicts = {category: run.verdicts.get(category) for category in rule.categories}
    failing = [c for c, v in verdicts.items() if v in PROBE_VERDICT_NAMES]
    if failing:
        names = _names(failing)
        return result("failed", localized(PROBE_FAILED, names=names, **where), run)
    untested = [c for c, v in verdicts.items() if v is None]
    if untested:
        names = _names(untested)
        return result("missing", localized(PROBE_UNTESTED, names=names, **where), run)
    unsure = [c for c, v in verdicts.items() if v != "pass"]
    if unsure:
        names = _names(unsure)
        return result("missing", localized(PROBE_INCONCLUSIVE, names=names, **where), run)
    return result("met", localized(PROBE_PASSED, names=_names(list(verdicts)), **where), run)


def _level_results(levels: Levels, level: Level, evidence: Evidence) -> list[RequirementResult]:
    results: list[RequirementResult] = []
    seen: set[str] = set()
    for lower in levels.below(level):
        for item in lower.items:
            if item not in seen:
                seen.add(item)
                results.append(_item(item, lower.id, evidence))
        for rule in lower.rules:
            if rule.id not in seen:
                seen.add(rule.id)
                results.append(_rule(rule, lower.id, evidence))
    return results


def gap(level: str | Level, evidence: Evidence, *, levels: Levels | None = None) -> GapReport:
    """The gap report of ``level`` (cumulative) for what ``evidence`` holds.

    Examples
    --------
    >>> report = gap("basic_compliance", Evidence())
    >>> report.met, report.highest_level_met, report.counts()["missing"] > 0
    (False, None, True)
    """
    scheme = levels or load_levels()
    wanted = scheme.level(level)
    highest: str | None = None
    for candidate in scheme.levels:
        if all(r.status in SATISFIED for r in _level_results(scheme, candidate, evidence)):
            highest = candidate.id
        else:
            break
    results = tuple(_level_results(scheme, wanted, evidence))
    return GapReport(level=wanted, results=results, highest_level_met=highest)


def export_gap(evidence: Evidence, *, levels: Levels | None = None) -> ExportGapReport:
    """The export certificate's dimensions judged on ``evidence``."""
    scheme = (levels or load_levels()).export
    dimensions = []
    for dimension in scheme.dimensions:
        results = [_item(item, dimension.id, evidence) for item in dimension.items]
        results += [_rule(rule, dimension.id, evidence) for rule in dimension.rules]
        dimensions.append(DimensionGap(dimension.id, dimension.name, tuple(results)))
    return ExportGapReport(tuple(dimensions))


__all__ = [
    "SATISFIED",
    "STATUSES",
    "STATUS_LABELS",
    "DimensionGap",
    "ExportGapReport",
    "GapReport",
    "RequirementResult",
    "Status",
    "export_gap",
    "gap",
]
