"""The messages :mod:`tianping.fairness` gives, as bilingual ``str.format`` templates.

Tests and callers compare against these constants (``ERR_EMPTY_DATA.en``), never
against copied text. Placeholders are filled with language-neutral values:
column names, group labels, numbers.
"""

from __future__ import annotations

from tianping.text import LocalizedText
from tianping.text import localized as localized  # re-exported for the package's modules
from tianping.text import render as render

# --- reading the data (FairnessDataError) ------------------------------------------------------

ERR_UNSUPPORTED_DATA = LocalizedText(
    zh="无法审计 {kind} 类型的数据；请传入 pandas、polars 或 pyarrow 表、DuckDB 关系或文件路径",
    en="cannot audit a {kind}; pass a pandas, polars or pyarrow table, a DuckDB relation "
    "or a file path",
)
ERR_FILE_NOT_FOUND = LocalizedText(zh="文件 {path} 不存在", en="{path} does not exist")
ERR_UNSUPPORTED_FORMAT = LocalizedText(
    zh="{path}：不支持的文件类型；请使用 .parquet、.csv、.tsv、.jsonl / .ndjson 或 .json",
    en="{path}: unsupported file type; use .parquet, .csv, .tsv, .jsonl / .ndjson or .json",
)
ERR_UNREADABLE_FILE = LocalizedText(
    zh="无法读取 {path}：{reason}", en="cannot read {path}: {reason}"
)
ERR_MISSING_COLUMNS = LocalizedText(
    zh="数据中没有列 {columns}；现有列：{available}",
    en="column(s) {columns} not in the data; it has {available}",
)
ERR_DUPLICATE_COLUMN = LocalizedText(
    zh="列 {column} 被同时用作多个角色（受保护属性、标签、预测、分数、权重）",
    en="column {column} is used in more than one role (protected, label, prediction, score, "
    "weights)",
)
ERR_NO_PROTECTED = LocalizedText(
    zh="请至少指定一个受保护属性", en="name at least one protected attribute"
)
ERR_NO_PREDICTION = LocalizedText(
    zh="请指定预测列，或分数列（及阈值）",
    en="give a prediction column, or a score column (with a threshold)",
)
ERR_EMPTY_DATA = LocalizedText(zh="数据没有任何行", en="the data has no rows")
ERR_MISSING_VALUES = LocalizedText(
    zh="{role}列 {column} 有 {count} 个缺失值；请先删除或填补——Tianping 不会静默丢弃行",
    en="{role} column {column} has {count} missing value(s); remove or impute them first "
    "(rows are never silently dropped)",
)
ERR_NON_BINARY = LocalizedText(
    zh="{role}列 {column} 不是二元的（取值：{values}）；请用 positive（命令行 --positive）"
    "指明哪个取值算作正类（一对其余）",
    en="{role} column {column} is not binary (values: {values}); pass positive= "
    "(CLI: --positive) to name the value that counts as positive (one-vs-rest)",
)
ERR_POSITIVE_ABSENT = LocalizedText(
    zh="正类取值 {positive} 在标签列 {label} 和预测列 {prediction} 中都没有出现",
    en="the positive value {positive} occurs in neither the label column {label} nor the "
    "prediction column {prediction}",
)
ERR_BAD_BINS = LocalizedText(
    zh="{attribute} 的分箱边界必须是至少两个严格递增的有限数，而不是 {edges}",
    en="the bin edges of {attribute} must be at least two strictly increasing finite numbers, "
    "not {edges}",
)
ERR_BINS_NOT_PROTECTED = LocalizedText(
    zh="分箱指定了 {attributes}，但它们不是受保护属性（{protected}）",
    en="bins name {attributes}, which are not protected attributes ({protected})",
)
ERR_BINS_NOT_NUMERIC = LocalizedText(
    zh="列 {column} 的类型是 {dtype}；分箱需要数值列",
    en="column {column} is {dtype}; bins need a numeric column",
)
ERR_SCORE_NOT_NUMERIC = LocalizedText(
    zh="分数列 {column} 的类型是 {dtype}；分数必须是数值",
    en="score column {column} is {dtype}; scores must be numbers",
)
ERR_SCORE_RANGE = LocalizedText(
    zh="分数列 {column} 有 {count} 个值落在 [{low}, {high}] 之外；请用 score_range 覆盖它们",
    en="score column {column} has {count} value(s) outside [{low}, {high}]; pass score_range "
    "to cover them",
)
ERR_NEGATIVE_WEIGHTS = LocalizedText(
    zh="权重列 {column} 含有负值；样本权重必须 ≥ 0",
    en="weights column {column} has negative values; sample weights must be ≥ 0",
)
ERR_SINGLE_GROUP = LocalizedText(
    zh="全部 {rows} 行都属于同一组（{group}）；差异至少需要比较两组",
    en="all {rows} rows fall in one group ({group}); a disparity compares at least two groups",
)
ERR_SINGLE_LEVEL = LocalizedText(
    zh="受保护属性 {attribute} 在每一行都取同一个值（{value}）；差异至少需要比较两组",
    en="protected attribute {attribute} has the same value ({value}) in every row; a "
    "disparity compares at least two groups",
)
ERR_BAD_PARAMETER = LocalizedText(
    zh="{name} 必须是 {expected}，而不是 {got}", en="{name} must be {expected}, not {got}"
)

# --- count tables ------------------------------------------------------------------------------

ERR_TABLES_INCOMPATIBLE = LocalizedText(
    zh="无法相加这两个计数表：{reason}", en="cannot add these count tables: {reason}"
)
ERR_NOT_A_COUNT_TABLE = LocalizedText(
    zh="不是有效的计数表：{reason}", en="not a valid count table: {reason}"
)

# --- reference groups --------------------------------------------------------------------------

ERR_BAD_REFERENCE = LocalizedText(
    zh="参照组必须是 largest、most_favoured 或“属性→取值”的映射，而不是 {got}",
    en="the reference group must be 'largest', 'most_favoured' or a mapping of attribute to "
    "value, not {got}",
)
ERR_UNKNOWN_REFERENCE = LocalizedText(
    zh="参照组 {group} 不在 {attributes} 的各组中：{groups}",
    en="the reference group {group} is not among the groups of {attributes}: {groups}",
)
ERR_REFERENCE_TOO_SMALL = LocalizedText(
    zh="参照组 {group} 只有 {count} 行，少于最小组规模 {minimum}",
    en="the reference group {group} has {count} rows, fewer than the minimum group size {minimum}",
)

# --- policies (PolicyError) --------------------------------------------------------------------

ERR_UNKNOWN_POLICY = LocalizedText(
    zh="未知的公平性策略 {name}；预设策略有 {known}，也可以给出 YAML 文件",
    en="unknown fairness policy {name}; the presets are {known}, or give a YAML file",
)
ERR_INVALID_POLICY = LocalizedText(
    zh="策略 {source} 无效：{problem}", en="policy {source} is invalid: {problem}"
)
ERR_UNKNOWN_METRIC = LocalizedText(
    zh="未知的差异指标 {metric}；已知指标：{known}",
    en="unknown disparity metric {metric}; known: {known}",
)

# --- reference populations (PopulationError) ---------------------------------------------------

ERR_INVALID_POPULATION = LocalizedText(
    zh="参照人群 {source} 无效：{problem}",
    en="reference population {source} is invalid: {problem}",
)
ERR_POPULATION_ATTRIBUTE = LocalizedText(
    zh="参照人群给出了 {attribute} 的占比，但它不是本次审计的受保护属性（{protected}）",
    en="the reference population gives shares of {attribute}, which is not a protected "
    "attribute of this audit ({protected})",
)

# --- explanations of disparity verdicts ---------------------------------------------------------

EXPLAIN_VALUE = LocalizedText(
    zh="{over}上的{metric}为 {value}（{ci}{test}{p}）。",
    en="{metric} over {over} is {value} ({ci}{test}{p}).",
)
EXPLAIN_CI = LocalizedText(
    zh="{confidence}% 置信区间 {low}–{high}；", en="{confidence}% CI {low}–{high}; "
)
EXPLAIN_EXTREMES = LocalizedText(
    zh="{rate}最低的组为 {min_group}（{min_value}），最高的组为 {max_group}（{max_value}）。",
    en="Lowest {rate}: {min_group} ({min_value}); highest: {max_group} ({max_value}).",
)
EXPLAIN_REFERENCE = LocalizedText(
    zh="参照组：{reference}（{how}）。", en="Reference group: {reference} ({how})."
)
EXPLAIN_RULE_AT_LEAST = LocalizedText(
    zh="策略“{policy}”：≥ {pass_} 为通过，≥ {warn} 为警告，更低为不通过——结论：{verdict}。",
    en="Policy {policy}: pass at ≥ {pass_}, warn at ≥ {warn}, fail below; verdict: {verdict}.",
)
EXPLAIN_RULE_AT_MOST = LocalizedText(
    zh="策略“{policy}”：≤ {pass_} 为通过，≤ {warn} 为警告，更高为不通过——结论：{verdict}。",
    en="Policy {policy}: pass at ≤ {pass_}, warn at ≤ {warn}, fail above; verdict: {verdict}.",
)
EXPLAIN_NOT_COVERED = LocalizedText(
    zh="策略“{policy}”未对该指标设定容差：仅报告，不作判定。",
    en="Policy {policy} sets no tolerance for this metric: reported, not judged.",
)
EXPLAIN_INCONCLUSIVE = LocalizedText(
    zh="{over}上的{metric}无法计算：数据充足的组少于两个，或比率无定义（0/0）；结论：{verdict}。",
    en="{metric} over {over} cannot be computed: fewer than two groups have enough data, or "
    "the rates are undefined (0/0); verdict: {verdict}.",
)
EXPLAIN_EXCLUDED = LocalizedText(
    zh="有 {count} 个组的行数少于 {minimum}，已报告但未纳入本判定：{groups}。",
    en="{count} group(s) with fewer than {minimum} rows are reported but excluded from this "
    "verdict: {groups}.",
)

REFERENCE_HOW: dict[str, LocalizedText] = {
    "named": LocalizedText(zh="指定", en="named"),
    "largest": LocalizedText(zh="最大的组", en="the largest group"),
    "most_favoured": LocalizedText(
        zh="选择率最高的组", en="the group with the highest selection rate"
    ),
}

VERDICT_WORDS: dict[str, LocalizedText] = {
    "pass": LocalizedText(zh="通过", en="pass"),
    "warn": LocalizedText(zh="警告", en="warn"),
    "fail": LocalizedText(zh="不通过", en="fail"),
    "inconclusive": LocalizedText(zh="无法判定", en="inconclusive"),
}

TEST_NAMES: dict[str, LocalizedText] = {
    "chi-square": LocalizedText(zh="卡方检验", en="chi-square test"),
    "fisher-exact": LocalizedText(zh="Fisher 精确检验", en="Fisher's exact test"),
    "bonferroni": LocalizedText(zh="Bonferroni 合并检验", en="Bonferroni-combined tests"),
    "none": LocalizedText(zh="无法检验", en="no test possible"),
}

METRIC_NAMES: dict[str, LocalizedText] = {
    "base_rate": LocalizedText(zh="基础率（实际正例占比）", en="base rate"),
    "selection_rate": LocalizedText(zh="选择率", en="selection rate"),
    "tpr": LocalizedText(zh="真正例率", en="true positive rate"),
    "fpr": LocalizedText(zh="假正例率", en="false positive rate"),
    "tnr": LocalizedText(zh="真负例率", en="true negative rate"),
    "fnr": LocalizedText(zh="假负例率", en="false negative rate"),
    "precision": LocalizedText(zh="精确率", en="precision"),
    "npv": LocalizedText(zh="阴性预测值", en="negative predictive value"),
    "fdr": LocalizedText(zh="错误发现率", en="false discovery rate"),
    "for": LocalizedText(zh="错误遗漏率", en="false omission rate"),
    "accuracy": LocalizedText(zh="准确率", en="accuracy"),
    "error_rate": LocalizedText(zh="错误率", en="error rate"),
    "benefit": LocalizedText(zh="平均收益", en="mean benefit"),
}

DISPARITY_NAMES: dict[str, LocalizedText] = {
    "demographic_parity_difference": LocalizedText(
        zh="人口统计均等差异", en="demographic parity difference"
    ),
    "demographic_parity_ratio": LocalizedText(zh="人口统计均等比率", en="demographic parity ratio"),
    "disparate_impact": LocalizedText(zh="差别影响比率", en="disparate impact ratio"),
    "equalized_odds_difference": LocalizedText(zh="均等几率差异", en="equalized odds difference"),
    "equalized_odds_ratio": LocalizedText(zh="均等几率比率", en="equalized odds ratio"),
    "equal_opportunity_difference": LocalizedText(
        zh="机会均等差异", en="equal opportunity difference"
    ),
    "equal_opportunity_ratio": LocalizedText(zh="机会均等比率", en="equal opportunity ratio"),
    "predictive_parity_difference": LocalizedText(
        zh="预测均等差异", en="predictive parity difference"
    ),
    "generalized_entropy_index": LocalizedText(
        zh="组间广义熵指数（α = 2）", en="between-group generalized entropy index (α = 2)"
    ),
    "theil_index": LocalizedText(zh="组间泰尔指数", en="between-group Theil index"),
}

DIFFERENCE_OF = LocalizedText(zh="{rate}差异", en="{rate} difference")
RATIO_OF = LocalizedText(zh="{rate}比率", en="{rate} ratio")

ROLE_NAMES: dict[str, LocalizedText] = {
    "label": LocalizedText(zh="标签", en="label"),
    "prediction": LocalizedText(zh="预测", en="prediction"),
    "score": LocalizedText(zh="分数", en="score"),
    "weights": LocalizedText(zh="权重", en="weights"),
}

# --- the audit JSON the charts draw (FairnessError) --------------------------------------------

ERR_NOT_AN_AUDIT = LocalizedText(
    zh="不是公平性审计的 JSON（应为 {schema}，实为 {got}）",
    en="not the JSON of a fairness audit (schema {schema} expected, got {got})",
)
ERR_AUDIT_SHAPE = LocalizedText(
    zh="审计 JSON 中的 {what} 应为{expected}", en="{what} of the audit JSON must be {expected}"
)

# --- a result in a notebook ----------------------------------------------------------------------

NOTEBOOK_TITLE = LocalizedText(zh="公平性审计：{verdict}", en="Fairness audit: {verdict}")
NOTEBOOK_DISPARITIES = LocalizedText(zh="差异", en="Disparities")
NOTEBOOK_GROUPS = LocalizedText(zh="分组指标（{over}）", en="Group metrics ({over})")
NOTEBOOK_FACTS: dict[str, LocalizedText] = {
    "rows": LocalizedText(zh="行数", en="rows"),
    "engine": LocalizedText(zh="引擎", en="engine"),
    "policy": LocalizedText(zh="策略", en="policy"),
}
ERR_UNKNOWN_GROUPING = LocalizedText(
    zh="没有按 {over} 的分组；可选：{known}", en="no grouping over {over}; known: {known}"
)
