"""The errors :mod:`tianping.index` raises and the bilingual messages they carry.

Every error is a :class:`~tianping.errors.LocalizedError`: ``str(error)`` is
English unless asked otherwise, :meth:`in_language` gives the same error in
Simplified Chinese, and each carries a hint saying how to fix the input.
"""

from __future__ import annotations

from tianping.errors import LocalizedError
from tianping.text import LocalizedText


class ResponsibilityIndexError(LocalizedError):
    """The base of every error the index raises."""


class SpecificationError(ResponsibilityIndexError):
    """An index specification cannot be read, breaks its schema or is inconsistent."""


class EvidenceError(ResponsibilityIndexError):
    """An evidence document cannot be read or does not fit the specification."""


class RatingError(ResponsibilityIndexError):
    """Two raters' scores cannot be compared (different items, fewer than one item …)."""


class FMTIDataError(ResponsibilityIndexError):
    """A Foundation Model Transparency Index file is missing or not in a known layout."""


# -- the specification ----------------------------------------------------------------------
ERR_SPEC_UNKNOWN = LocalizedText(
    zh="没有版本为 {version} 的指数规范；已发布的版本：{known}",
    en="there is no index specification version {version}; shipped versions: {known}",
)
HINT_SPEC_UNKNOWN = LocalizedText(
    zh="用 --spec 指定上面列出的一个版本，或省略它使用最新版本。",
    en="Name one of the versions listed with --spec, or leave it out for the newest.",
)
ERR_SPEC_READ = LocalizedText(
    zh="无法读取指数规范 {source}：{problem}",
    en="cannot read index specification {source}: {problem}",
)
ERR_SPEC_INVALID = LocalizedText(
    zh="指数规范 {source} 无效：{problem}", en="index specification {source} is invalid: {problem}"
)
HINT_SPEC = LocalizedText(
    zh="按 src/tianping/index/schema/spec.schema.json 修正该文件所指出的位置。",
    en="Correct the place named in the file, following src/tianping/index/schema/spec.schema.json.",
)
PROBLEM_DUPLICATE_INDICATOR = LocalizedText(
    zh="指标 {id} 出现了不止一次", en="indicator {id} appears more than once"
)
PROBLEM_DUPLICATE_DOMAIN = LocalizedText(
    zh="领域 {id} 出现了不止一次", en="domain {id} appears more than once"
)
PROBLEM_UNKNOWN_DOMAIN = LocalizedText(
    zh="指标 {id} 属于未定义的领域 {domain}", en="indicator {id} names an undefined domain {domain}"
)
PROBLEM_EMPTY_DOMAIN = LocalizedText(zh="领域 {id} 没有任何指标", en="domain {id} has no indicator")
PROBLEM_RATERS_SCALE = LocalizedText(
    zh="指标 {id} 由评分员评分，需要 ordinal 或 binary 量表",
    en="indicator {id} is scored by raters and needs an ordinal or binary scale",
)

# -- evidence -------------------------------------------------------------------------------
ERR_EVIDENCE_TOO_LARGE = LocalizedText(
    zh="证据文件 {source} 超过 {limit:,} 字节的上限",
    en="evidence file {source} is larger than the limit of {limit:,} bytes",
)
ERR_EVIDENCE_ENCODING = LocalizedText(
    zh="证据文件 {source} 不是 UTF-8 文本（第 {position} 字节）",
    en="evidence file {source} is not UTF-8 text (byte {position})",
)
ERR_EVIDENCE_SYNTAX = LocalizedText(
    zh="证据文件 {source} 无效：{problem}", en="evidence file {source} is invalid: {problem}"
)
ERR_EVIDENCE_READ = LocalizedText(
    zh="无法读取证据文件 {source}：{problem}", en="cannot read evidence file {source}: {problem}"
)
HINT_EVIDENCE = LocalizedText(
    zh="证据文件是 YAML：systems 列表，每个系统有 id、evidence 和 ratings；"
    "见 examples/index/evidence.yaml。",
    en="An evidence file is YAML: a list of systems, each with an id, evidence and ratings; "
    "see examples/index/evidence.yaml.",
)
PROBLEM_DUPLICATE_SYSTEM = LocalizedText(
    zh="系统 {id} 出现了不止一次", en="system {id} appears more than once"
)
PROBLEM_DUPLICATE_EVIDENCE = LocalizedText(
    zh="系统 {system} 的证据编号 {id} 出现了不止一次",
    en="evidence id {id} appears more than once in system {system}",
)
PROBLEM_UNKNOWN_INDICATOR = LocalizedText(
    zh="系统 {system} 的评分针对未定义的指标 {id}（规范 {version}）",
    en="system {system} rates an indicator {id} that specification {version} does not define",
)
PROBLEM_NOT_RATED = LocalizedText(
    zh="系统 {system} 的指标 {id} 不由评分员评分（其证据规则为 {rule}）",
    en="system {system} rates indicator {id}, which is not scored by raters (its rule is {rule})",
)
PROBLEM_RATING_SCALE = LocalizedText(
    zh="系统 {system} 的指标 {id} 的评分 {value} 不在量表 0–{top} 之内",
    en="system {system} gives indicator {id} the score {value}, outside its scale 0–{top}",
)
PROBLEM_DUPLICATE_RATING = LocalizedText(
    zh="系统 {system} 对指标 {id} 的评分出现了不止一次",
    en="system {system} rates indicator {id} more than once",
)
ERR_NO_SYSTEM = LocalizedText(
    zh="证据文件中没有系统 {id}；有：{known}", en="the evidence has no system {id}; it has: {known}"
)
ERR_NO_INDICATOR = LocalizedText(
    zh="规范 {version} 没有指标 {id}", en="specification {version} has no indicator {id}"
)
HINT_NO_INDICATOR = LocalizedText(
    zh="用 `tianping index compute` 的输出查看指标编号。",
    en="The indicator ids are listed by `tianping index compute`.",
)
HINT_NO_SYSTEM = LocalizedText(
    zh="用 --system 指定上面列出的一个系统。", en="Name one of the systems listed with --system."
)

# -- raters ---------------------------------------------------------------------------------
ERR_RATINGS_LENGTH = LocalizedText(
    zh="两位评分员的评分数不同（{first} 与 {second}）",
    en="the two raters scored a different number of items ({first} and {second})",
)
ERR_RATINGS_EMPTY = LocalizedText(zh="没有可比较的评分", en="there are no ratings to compare")
HINT_RATINGS = LocalizedText(
    zh="两位评分员须对相同的项目评分，每项一个分数。",
    en="Both raters must score the same items, one score per item.",
)

# -- FMTI -----------------------------------------------------------------------------------
ERR_FMTI = LocalizedText(
    zh="基础模型透明度指数数据 {source} 无效：{problem}",
    en="Foundation Model Transparency Index data {source} is invalid: {problem}",
)
HINT_FMTI = LocalizedText(
    zh="目录应包含 stanford-crfm/fmti 的 October2023、May2024、Dec2025 文件夹"
    "（见 src/tianping/index/data/fmti/README.md）。",
    en="The folder holds the October2023, May2024 and Dec2025 folders of stanford-crfm/fmti "
    "(see src/tianping/index/data/fmti/README.md).",
)

__all__ = [
    "EvidenceError",
    "FMTIDataError",
    "RatingError",
    "ResponsibilityIndexError",
    "SpecificationError",
]
