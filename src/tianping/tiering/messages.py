"""The messages intake and tiering give, as bilingual ``str.format`` templates.

Tests and callers compare against these constants (``ERR_REQUIRED.en``), never
against copied text. Placeholders are filled with language-neutral values:
question and choice ids, JSON-like renderings of answers, numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

from tianping.text import LocalizedText


def render(template: LocalizedText, language: str | None, params: Mapping[str, object]) -> str:
    """``template`` in ``language``, filled; bilingual parameters are taken in that language too."""
    values = {
        key: value.get(language) if isinstance(value, LocalizedText) else value
        for key, value in params.items()
    }
    return template.get(language).format(**values)


def localized(template: LocalizedText, **params: object) -> LocalizedText:
    """``template`` filled in both languages."""
    return LocalizedText(zh=render(template, "zh-Hans", params), en=render(template, "en", params))


# --- answers (IntakeValidationError) ---------------------------------------------------------

ERR_NOT_A_MAPPING = LocalizedText(
    zh="回答必须是以问题编号为键的映射，而不是 {got}",
    en="the answers must be a mapping of question ids to answers, not {got}",
)
ERR_UNKNOWN_FIELD = LocalizedText(
    zh="不是问卷 {version} 中的问题",
    en="is not a question of questionnaire {version}",
)
ERR_NOT_BOOLEAN = LocalizedText(
    zh="必须是 true 或 false，而不是 {got}",
    en="must be true or false, not {got}",
)
ERR_NOT_CHOICE = LocalizedText(
    zh="必须是一个选项编号，而不是 {got}；可选：{choices}",
    en="must be one choice id, not {got}; choose from {choices}",
)
ERR_NOT_MULTICHOICE = LocalizedText(
    zh="必须是选项编号的列表，而不是 {got}；可选：{choices}",
    en="must be a list of choice ids, not {got}; choose from {choices}",
)
ERR_NOT_TEXT = LocalizedText(zh="必须是文本，而不是 {got}", en="must be text, not {got}")
ERR_TEXT_TOO_LONG = LocalizedText(
    zh="长度为 {length} 个字符，上限为 {limit}",
    en="is {length} characters long; the limit is {limit}",
)
ERR_UNKNOWN_CHOICE = LocalizedText(
    zh="{choice} 不是可选项；可选：{choices}",
    en="{choice} is not a choice; choose from {choices}",
)
ERR_EXCLUSIVE_CHOICE = LocalizedText(
    zh="{choice} 不能与其他选项同时选择",
    en="{choice} cannot be combined with other choices",
)
ERR_REQUIRED = LocalizedText(zh="必须回答", en="is required")
ERR_REQUIRED_WHEN = LocalizedText(
    zh="因为 {condition}，必须回答",
    en="is required because {condition}",
)
ERR_EMPTY_MULTICHOICE = LocalizedText(
    zh="请至少选择一项：{choices}",
    en="choose at least one of {choices}",
)
ERR_CONTRADICTION = LocalizedText(
    zh="与其他回答矛盾：只有当 {condition} 时才能回答此项",
    en="contradicts the other answers: answer it only when {condition}",
)
VALIDATION_SUMMARY = LocalizedText(
    zh="回答中有 {count} 处问题：",
    en="The intake answers have {count} problem(s):",
)
VALIDATION_HINT = LocalizedText(
    zh="问题编号、类型和选项见问卷（命令 `tianping intake questions`）。",
    en="The questionnaire lists each question's id, type and choices "
    "(command `tianping intake questions`).",
)

# --- answer documents (IntakeDocumentError) --------------------------------------------------

ERR_DOCUMENT_TOO_LARGE = LocalizedText(
    zh="{source} 超过了回答文件 {limit} 字节的上限",
    en="{source} is larger than the {limit}-byte limit for intake answers",
)
ERR_DOCUMENT_ENCODING = LocalizedText(
    zh="{source} 不是有效的 UTF-8 文本（第 {position} 字节）",
    en="{source} is not valid UTF-8 text (byte {position})",
)
ERR_DOCUMENT_SYNTAX = LocalizedText(
    zh="{source} 不是有效的 YAML 或 JSON：{problem}",
    en="{source} is not valid YAML or JSON: {problem}",
)
ERR_DOCUMENT_EMPTY = LocalizedText(zh="{source} 是空的", en="{source} is empty")
ERR_DOCUMENT_NOT_MAPPING = LocalizedText(
    zh="{source} 的顶层必须是以问题编号为键的映射，而不是 {got}",
    en="the top level of {source} must be a mapping of question ids to answers, not {got}",
)
ERR_DOCUMENT_UNREADABLE = LocalizedText(
    zh="无法读取 {source}：{problem}",
    en="cannot read {source}: {problem}",
)
DOCUMENT_HINT = LocalizedText(
    zh="回答文件是 UTF-8 编码的 YAML 或 JSON 映射，例如 `personal_info: true`。",
    en="An answers file is a UTF-8 YAML or JSON mapping, e.g. `personal_info: true`.",
)

# --- overrides (OverrideError) ---------------------------------------------------------------

ERR_OVERRIDE_JUSTIFICATION = LocalizedText(
    zh="人工调整等级需要至少 {minimum} 个字符的书面理由（当前 {length} 个）",
    en="a tier override needs a written justification of at least {minimum} characters "
    "(got {length})",
)
ERR_OVERRIDE_BY = LocalizedText(
    zh="人工调整等级需要写明调整人的姓名",
    en="a tier override needs the name of the person who makes it",
)
ERR_OVERRIDE_TIER = LocalizedText(
    zh="{tier} 不是风险等级；可选：{tiers}",
    en="{tier} is not a tier; choose from {tiers}",
)
ERR_OVERRIDE_VERSION = LocalizedText(
    zh="该结果由问卷 {result_version} 得出，不能按问卷 {version} 调整",
    en="the result comes from questionnaire {result_version} and cannot be overridden "
    "under questionnaire {version}",
)

ERR_OVERRIDE_BELOW_FLOOR = LocalizedText(
    zh="回答要求至少为{floor}（{floors}），该最低等级不允许人工调整，不能调整为{tier}",
    en="the answers force at least {floor} ({floors}), a floor that may not be overridden; "
    "the tier cannot be set to {tier}",
)
OVERRIDE_BELOW_FLOOR_HINT = LocalizedText(
    zh="请选择不低于该最低等级的等级；如果某项回答有误，请更正回答后重新评分。",
    en="Choose the floor's tier or a higher one; if an answer is wrong, correct the intake "
    "answers and score them again.",
)

# --- words used in reasons -------------------------------------------------------------------

REASON_POINTS = LocalizedText(
    zh="{title}：{answer}（影响分 +{points}）",
    en="{title}: {answer} (impact +{points})",
)
REASON_MITIGATION = LocalizedText(
    zh="缓解措施：{answer}（抵减 {percent}%）",
    en="Mitigation: {answer} ({percent}% credit)",
)
OBLIGATION_FOR_TIER = LocalizedText(zh="等级为{tier}", en="the tier is {tier}")

# --- a result in a notebook ------------------------------------------------------------------

NOTEBOOK_TITLE = LocalizedText(zh="风险分级：{tier}", en="Risk tier: {tier}")
NOTEBOOK_TIERS: dict[str, LocalizedText] = {
    "low": LocalizedText(zh="低风险", en="low risk"),
    "medium": LocalizedText(zh="中风险", en="medium risk"),
    "high": LocalizedText(zh="高风险", en="high risk"),
}
NOTEBOOK_SCORE_BARS: dict[str, LocalizedText] = {
    "raw_impact": LocalizedText(zh="影响分", en="raw impact"),
    "mitigation_credit": LocalizedText(zh="缓解抵减", en="mitigation credit"),
    "final": LocalizedText(zh="最终得分", en="final score"),
}
NOTEBOOK_SCORE_CHART = LocalizedText(
    zh="得分（虚线：中、高风险分档起点）",
    en="Score (dashed: where the medium and high bands begin)",
)
NOTEBOOK_FACTS: dict[str, LocalizedText] = {
    "computed_tier": LocalizedText(zh="计算所得等级", en="computed tier"),
    "expert_review_required": LocalizedText(zh="需专家复核", en="expert re-review required"),
    "questionnaire_version": LocalizedText(zh="问卷版本", en="questionnaire version"),
}
NOTEBOOK_YES = LocalizedText(zh="是", en="yes")
NOTEBOOK_NO = LocalizedText(zh="否", en="no")
