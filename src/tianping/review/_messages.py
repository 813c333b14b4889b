"""The messages :mod:`tianping.review` gives, as bilingual ``str.format`` templates.

Tests and callers compare against these constants (``TOO_FEW_MEMBERS.en``),
never against copied text. Placeholders are filled with language-neutral values
(numbers, dates, ids) or with :class:`~tianping.text.LocalizedText` values, which
are taken in the message's language. The numbers themselves always come from the
rule set, never from here.
"""

from __future__ import annotations

from collections.abc import Mapping

from tianping.text import LocalizedText
from tianping.text import localized as localized  # re-exported for the package's modules
from tianping.text import render as render

L = LocalizedText


def joined(items: list[LocalizedText]) -> LocalizedText:
    """Several bilingual texts as one list (、 in Chinese, commas in English).

    Examples
    --------
    >>> joined([LocalizedText(zh="甲", en="A"), LocalizedText(zh="乙", en="B")]).zh
    '甲、乙'
    """
    return LocalizedText(zh="、".join(i.zh for i in items), en=", ".join(i.en for i in items))


# --- vocabularies -----------------------------------------------------------------------------

DISCIPLINE_LABELS: Mapping[str, LocalizedText] = {
    "ai_technology": L(zh="人工智能技术", en="AI technology"),
    "domain": L(zh="相关科技领域（同行专家）", en="the field of the activity (peer experts)"),
    "ethics": L(zh="伦理", en="ethics"),
    "law": L(zh="法律", en="law"),
    "other": L(zh="其他", en="other"),
}
QUORUM_CATEGORY_LABELS: Mapping[str, LocalizedText] = {
    **DISCIPLINE_LABELS,
    "external": L(zh="非本单位委员", en="a member from outside the organisation"),
    "both_genders": L(zh="不同性别的委员", en="members of both genders"),
}
GENDER_LABELS: Mapping[str, LocalizedText] = {
    "female": L(zh="女性", en="women"),
    "male": L(zh="男性", en="men"),
}
PLEDGE_LABELS: Mapping[str, LocalizedText] = {
    "confidentiality": L(zh="保密承诺书", en="confidentiality pledge"),
    "conflict_of_interest": L(zh="利益冲突声明", en="conflict-of-interest declaration"),
}
DECISION_LABELS: Mapping[str, LocalizedText] = {
    "approve": L(zh="批准", en="approve"),
    "approve_after_modification": L(zh="修改后批准", en="approve after modification"),
    "re_review_after_modification": L(zh="修改后再审", en="re-review after modification"),
    "not_approve": L(zh="不予批准", en="not approve"),
    "abstain": L(zh="弃权", en="abstain"),
}
PROCEDURE_LABELS: Mapping[str, LocalizedText] = {
    "general": L(zh="一般程序（会议审查）", en="general procedure (meeting)"),
    "simplified": L(zh="简易程序", en="simplified procedure"),
    "emergency": L(zh="应急程序", en="emergency procedure"),
    "expert_review": L(zh="专家复核", en="expert re-review"),
}
SIMPLIFIED_GROUND_LABELS: Mapping[str, LocalizedText] = {
    "minimal_risk": L(zh="伦理风险不高于最低风险", en="no more than minimal risk"),
    "minor_change": L(zh="对已批准方案作较小修改", en="a minor change to an approved activity"),
    "routine_follow_up": L(zh="无重大调整的跟踪审查", en="a routine follow-up review"),
}
ESCALATION_LABELS: Mapping[str, LocalizedText] = {
    "negative_view": L(zh="否定性意见", en="a negative view"),
    "doubt": L(zh="对审查内容有疑义", en="a doubt about the matter reviewed"),
    "disagreement": L(zh="委员之间意见不一致", en="the reviewers disagree"),
    "meeting_requested": L(zh="委员提出需要会议审查", en="a reviewer asks for a meeting"),
}

# --- citations ----------------------------------------------------------------------------------

CITATION = L(zh="{source}第{article_zh}条", en="{source}, Art. {article}")
CITATION_NO_ARTICLE = L(zh="{source}（条款未确定）", en="{source} (article not identified)")

# --- rule files (RuleSetError) ------------------------------------------------------------------

ERR_RULESET_INVALID = L(
    zh="规则目录 {directory} 无效（{count} 个问题）：",
    en="The review rules in {directory} are invalid ({count} {problems}):",
)
ERR_RULESET_INVALID_HINT = L(
    zh="修正上述问题；每条规则的取值格式见 docs/review.md。",
    en="Fix the problems above; docs/review.md describes each rule and its value.",
)
MORE_PROBLEMS = L(zh="…… 另有 {count} 个问题", en="… and {count} more")
ERR_UNKNOWN_RULESET = L(
    zh="没有名为 {name!r} 的规则集；可用：{known}",
    en="there is no rule set {name!r}; available: {known}",
)
ERR_UNKNOWN_RULESET_HINT = L(
    zh="运行 `tianping review rules --province <名称>` 选择其中之一。",
    en="Pick one of them with `tianping review rules --province <name>`.",
)
ERR_NOT_IN_FORCE = L(
    zh="规则集 {ruleset} 在 {on} 尚未生效：规则 {rule} 自 {effective_from} 起施行",
    en="rule set {ruleset} is not in force on {on}: rule {rule} applies from {effective_from}",
)
ERR_RULE_ABSENT = L(
    zh="规则集 {ruleset} 没有规则 {rule}",
    en="rule set {ruleset} has no rule {rule}",
)
# Problems inside rule files (English: they sit beside the schema's messages).
PROBLEM_NOT_UTF8 = "file is not UTF-8 text: {error}"
PROBLEM_YAML = "YAML syntax error: {error}"
PROBLEM_ID_MISMATCH = "id {found!r} differs from the file name; name the file {expected}.yaml"
PROBLEM_UNKNOWN_PARENT = "extends {parent!r}, which is not in the rules folder; known: {known}"
PROBLEM_CYCLE = "the rule sets extend each other in a cycle: {chain}"
PROBLEM_UNKNOWN_SOURCE = "source {source!r} is not defined in this file or a parent; known: {known}"
PROBLEM_BAD_FRACTION = "{value!r} is not a fraction between 0 (excluded) and 1"
PROBLEM_BAD_MONTH_DAY = "{value!r} is not a day of the year (MM-DD, not 02-29)"
PROBLEM_DUPLICATE_ITEM = "bundle item {item!r} appears more than once"
PROBLEM_LOOSENED = (
    "{rule} loosens the rule it overrides ({parent}: {parent_value} → {value}); an overlay may "
    "only keep or tighten the rules it inherits ({direction})"
)
PROBLEM_WAIVER_LOOSENED = (
    "bundle item {item!r} is not waivable in {parent}; an overlay may not make it waivable"
)

# --- input errors (ReviewInputError) ------------------------------------------------------------

ERR_INPUT = L(zh="输入无法按规则处理：", en="the input cannot be checked against the rules:")
ERR_BLANK = L(zh="{what} 不能为空", en="{what} must not be blank")
ERR_BAD_CHOICE = L(
    zh="{what} 的取值 {value!r} 无效；可用：{known}",
    en="{what} {value!r} is not valid; use one of {known}",
)
ERR_TERM_ORDER = L(
    zh="{member} 的任期结束日 {end} 早于开始日 {start}",
    en="{member}'s term ends ({end}) before it starts ({start})",
)
ERR_DUPLICATE_ID = L(zh="{what} {id!r} 出现了不止一次", en="{what} {id!r} appears more than once")
ERR_UNKNOWN_MEMBER = L(
    zh="{id!r} 不是委员会 {committee} 的委员", en="{id!r} is not a member of committee {committee}"
)
ERR_RECUSED_NOT_PRESENT = L(
    zh="回避的委员 {id!r} 不在到会名单中", en="recused member {id!r} is not listed as present"
)
ERR_NAIVE_DATETIME = L(
    zh="{what} 必须带时区（例如 +08:00）",
    en="{what} must carry a time zone (for example +08:00)",
)
ERR_VOTE_TWICE = L(zh="{member} 投了不止一票", en="{member} voted more than once")
ERR_VOTE_NOT_MEMBER = L(
    zh="{member} 不是委员会委员，不能投票", en="{member} is not a committee member and cannot vote"
)
ERR_VOTE_NOT_PRESENT = L(
    zh="{member} 未到会，不能投票", en="{member} is not present and cannot vote"
)
ERR_VOTE_NOT_SERVING = L(
    zh="{member} 的任期不包括 {day}，不能投票",
    en="{member} is not serving on {day} and cannot vote",
)
ERR_VOTE_RECUSED = L(zh="{member} 已回避，不能投票", en="{member} is recused and cannot vote")
ERR_VOTE_CONSULTANT = L(
    zh="{member} 是顾问专家，不参与表决", en="{member} is a consultant and does not vote"
)
ERR_OPINION_TWICE = L(zh="{member} 提交了不止一份意见", en="{member} gave more than one opinion")
ERR_OPINION_NOT_NAMED = L(
    zh="{member} 不是主任委员指定的审查委员", en="{member} was not named by the chair as a reviewer"
)
ERR_NAMED_CONSULTANT = L(
    zh="{member} 是顾问专家，不能承担简易程序审查",
    en="{member} is a consultant and cannot review under the simplified procedure",
)
ERR_PANEL_DUPLICATE = L(
    zh="专家 {expert} 在复核专家组中出现了不止一次",
    en="expert {expert} appears more than once on the panel",
)
ERR_PANEL_VOTE_NOT_ON_PANEL = L(
    zh="{expert} 不是复核专家组成员，不能表决", en="{expert} is not on the panel and cannot vote"
)
ERR_PANEL_VOTE_TWICE = L(zh="{expert} 表决了不止一次", en="{expert} voted more than once")
ERR_EXTENSION_WITHOUT_REASON = L(
    zh="第 {index} 次延长没有说明理由；{citation} 要求记录每次延长及其理由",
    en="extension {index} gives no reason; {citation} asks for each extension to be recorded "
    "with its reason",
)
ERR_EXTENSION_NOT_POSITIVE = L(
    zh="第 {index} 次延长的时长必须大于零", en="extension {index} must be longer than zero"
)
ERR_EXTENSION_NOT_WHOLE_DAYS = L(
    zh="第 {index} 次延长须为整日数（{procedure}按日计算期限）",
    en="extension {index} must be whole days ({procedure} deadlines run in days)",
)
ERR_EXTENSION_NOT_WHOLE_HOURS = L(
    zh="第 {index} 次延长须为整小时数（{procedure}按小时计算期限）",
    en="extension {index} must be whole hours ({procedure} deadlines run in hours)",
)
ERR_UNKNOWN_ATTACHMENT = L(
    zh="附件类型 {kind!r} 不是规定的申请材料；可用：{known}",
    en="attachment type {kind!r} is not an application item; use one of {known}",
)
ERR_WAIVER_BLANK = L(
    zh="附件 {kind!r} 标为不适用，但没有说明理由",
    en="attachment {kind!r} is marked not applicable without a reason",
)
ERR_BAD_DOCUMENT = L(
    zh="{source} 不是有效的委员会描述（{count} 个问题）：",
    en="{source} is not a valid committee description ({count} problem(s)):",
)
ERR_UNREADABLE_DOCUMENT = L(zh="无法读取 {source}：{problem}", en="cannot read {source}: {problem}")
DOCUMENT_HINT = L(
    zh="委员会描述的格式见 docs/review.md 和 examples/review/。",
    en="docs/review.md and examples/review/ show the committee description format.",
)

# --- composition (2023 Measures Art. 7; provincial overlays) -----------------------------------

TOO_FEW_MEMBERS = L(
    zh="委员会在 {on} 有 {count} 名在任委员（不含顾问），少于要求的 {minimum} 名",
    en="the committee has {count} serving members on {on} (consultants not counted); "
    "at least {minimum} are required",
)
NO_CHAIR = L(zh="委员会在 {on} 没有在任的主任委员", en="the committee has no serving chair on {on}")
SEVERAL_CHAIRS = L(
    zh="委员会有 {count} 名主任委员（{members}），应当只设 1 名",
    en="the committee has {count} chairs ({members}); it must have exactly one",
)
MISSING_DISCIPLINE = L(
    zh="没有{discipline}方面的在任委员", en="no serving member covers {discipline}"
)
ONE_GENDER = L(
    zh="在任委员均为{gender}；委员会应当包括不同性别的委员",
    en="all serving members are {gender}; members of both genders are required",
)
TOO_FEW_EXTERNAL = L(
    zh="非本单位的在任委员只有 {count} 名，至少需要 {minimum} 名",
    en="only {count} serving member(s) come from outside the organisation; "
    "at least {minimum} required",
)
TERM_TOO_LONG = L(
    zh="{member} 的任期（{start} 至 {end}）超过 {years} 年",
    en="{member}'s term ({start} to {end}) is longer than {years} years",
)
TERM_EXPIRED = L(
    zh="{member} 的任期已于 {end} 届满，{on} 不再计为在任委员",
    en="{member}'s term ended on {end}; not counted as serving on {on}",
)
EVEN_SIZE = L(
    zh="委员会有 {count} 名在任委员；委员人数应为单数",
    en="the committee has {count} serving members; the number must be odd",
)
PLEDGE_MISSING = L(zh="{member} 未签署{pledge}", en="{member} has not signed the {pledge}")

# --- registration (2023 Measures, supervision chapter) ------------------------------------------

REGISTRATION_DUE = L(
    zh="委员会设立于 {established}，应于 {due} 前完成登记（还剩 {days} 天）",
    en="the committee was set up on {established}: register it by {due} ({days} day(s) left)",
)
REGISTRATION_OVERDUE = L(
    zh="委员会登记已逾期 {days} 天：设立于 {established}，应于 {due} 前登记",
    en="registration is {days} day(s) overdue: set up on {established}, it was due by {due}",
)
REGISTRATION_LATE = L(
    zh="委员会于 {registered} 登记，晚于截止日期 {due}",
    en="the committee was registered on {registered}, after the deadline {due}",
)
REGISTRATION_BEFORE_SETUP = L(
    zh="登记日期 {registered} 早于设立日期 {established}",
    en="the registration date {registered} is before the set-up date {established}",
)
ANNUAL_REPORT_DUE = L(
    zh="{year} 年度工作报告应于 {due} 前提交（还剩 {days} 天）",
    en="the annual report for {year} is due by {due} ({days} day(s) left)",
)
ANNUAL_REPORT_OVERDUE = L(
    zh="{year} 年度工作报告已逾期 {days} 天：应于 {due} 前提交",
    en="the annual report for {year} is {days} day(s) overdue: it was due by {due}",
)
ANNUAL_REPORT_LATE = L(
    zh="{year} 年度工作报告于 {filed} 提交，晚于截止日期 {due}",
    en="the annual report for {year} was filed on {filed}, after the deadline {due}",
)

# --- application bundle (Art. 9, 10) ------------------------------------------------------------

BUNDLE_ITEM_MISSING = L(zh="缺少：{item}", en="missing: {item}")
BUNDLE_WAIVER_NOT_ALLOWED = L(
    zh="“{item}”不能以不适用代替（理由：{reason}）",
    en="{item} cannot be waived (reason given: {reason})",
)
BUNDLE_NOTICE = L(
    zh="申请材料不齐全。请一次性补充以下 {count} 项材料：\n{items}",
    en="The application is incomplete. Please supply all {count} missing item(s) at once:\n{items}",
)
BUNDLE_NOTICE_ITEM = L(zh="（{number}）{item}", en="({number}) {item}")
BUNDLE_NOTICE_BASIS = L(zh="依据：{citations}", en="Basis: {citations}")

# --- procedure, deadlines, follow-up ------------------------------------------------------------

PROCEDURE_GROUND_NEEDED = L(
    zh="适用简易程序须说明情形，可选：{grounds}",
    en="the simplified procedure needs a ground, one of: {grounds}",
)
PROCEDURE_GROUND_NOT_ALLOWED = L(
    zh="“{ground}”不是适用简易程序的情形；可选：{grounds}",
    en="{ground!r} is not a ground for the simplified procedure; use one of: {grounds}",
)
PROCEDURE_GROUND_UNEXPECTED = L(
    zh="只有简易程序需要说明适用情形", en="only the simplified procedure takes a ground"
)
PROCEDURE_NOT_FOR_COMMITTEE = L(
    zh="专家复核由主管部门组织，委员会受理申请时不能选择",
    en="expert re-review is organised by the authority; a committee cannot choose it on acceptance",
)

# --- meetings and votes (Art. 14, decisions) ----------------------------------------------------

QUORUM_TOO_FEW = L(
    zh="计入法定人数的到会委员 {count} 名（顾问和回避的委员不计入），至少需要 {minimum} 名",
    en="{count} member(s) present count towards the quorum (consultants and recused members "
    "do not); at least {minimum} must be present",
)
QUORUM_MISSING_CATEGORY = L(
    zh="计入法定人数的到会委员中没有{category}",
    en="no member counted towards the quorum covers {category}",
)
NO_QUORUM_NO_DECISION = L(
    zh="会议未达到法定人数，不能作出审查决定", en="the meeting has no quorum, so it cannot decide"
)
NO_DECISION_REACHED = L(
    zh="没有任何决定得到 {voting} 名有表决权的到会委员的 {threshold} 以上同意（{counts}）；"
    "须重新讨论并表决",
    en="no decision reached {threshold} of the {voting} voting members present ({counts}); "
    "deliberate and vote again",
)
NO_VOTING_MEMBERS = L(zh="没有有表决权的到会委员", en="no voting member is present")
DECISION_NEEDS_CHANGES = L(
    zh="“{decision}”的决定须列明修改要求",
    en="a decision to {decision} must state the required changes",
)
DECISION_NEEDS_REASONS = L(
    zh="“{decision}”的决定须说明理由", en="a decision to {decision} must give its reasons"
)

# --- simplified procedure -------------------------------------------------------------------------

SIMPLIFIED_TOO_FEW = L(
    zh="主任委员指定了 {count} 名委员，简易程序至少需要 {minimum} 名",
    en="the chair named {count} reviewer(s); the simplified procedure needs at least {minimum}",
)
SIMPLIFIED_NEGATIVE = L(
    zh="{member} 的意见为“{view}”，属否定性意见：转入会议审查",
    en="{member}'s view is '{view}', a negative view: move to a meeting",
)
SIMPLIFIED_DOUBT = L(
    zh="{member} 对审查内容有疑义：转入会议审查",
    en="{member} has a doubt about the matter reviewed: move to a meeting",
)
SIMPLIFIED_DISAGREEMENT = L(
    zh="审查委员意见不一致（{views}）：转入会议审查",
    en="the reviewers disagree ({views}): move to a meeting",
)
SIMPLIFIED_REQUEST = L(
    zh="{member} 提出需要会议审查：转入会议审查",
    en="{member} asks for a meeting: move to a meeting",
)

# --- conflicts of interest ------------------------------------------------------------------------

CONFLICT_DECLARED = L(
    zh="{member} 申报了与 {party} 的利益关系：{description}",
    en="{member} declared an interest in {party}: {description}",
)
CONFLICT_SAME_ORGANISATION = L(
    zh="{member} 来自申请单位 {organisation}",
    en="{member} comes from the applicant organisation {organisation}",
)
CONFLICT_PARTICIPANT = L(
    zh="{member} 参与了该科技活动", en="{member} takes part in the activity under review"
)

# --- expert re-review -----------------------------------------------------------------------------

PANEL_TOO_SMALL = L(
    zh="复核专家组有 {count} 名专家，至少需要 {minimum} 名",
    en="the panel has {count} expert(s); at least {minimum} are required",
)
PANEL_MISSING_DISCIPLINE = L(
    zh="复核专家组没有{discipline}方面的专家", en="no expert on the panel covers {discipline}"
)
PANEL_FIRST_COMMITTEE_MEMBER = L(
    zh="{expert} 是作出初步审查的委员会 {committee} 的委员，不得参与复核",
    en="{expert} sits on committee {committee}, which made the preliminary review, and may not "
    "re-review it",
)
PANEL_INTERESTS_NOT_DECLARED = L(
    zh="{expert} 尚未申明是否与复核事项存在利益关系",
    en="{expert} has not declared whether they have an interest in the matter",
)
PANEL_CONFLICT = L(
    zh="{expert} 与复核事项存在利益关系，应当回避：{reason}",
    en="{expert} has an interest in the matter and must stand aside: {reason}",
)
PANEL_NO_OPINION = L(
    zh="同意 {agree} 票、不同意 {disagree} 票，均未达到全体 {size} 名复核专家的 {threshold}"
    "（至少 {needed} 票）；缺席 {absent} 名",
    en="{agree} agree and {disagree} disagree: neither reached {threshold} of the whole panel "
    "of {size} ({needed} votes needed); {absent} absent",
)
