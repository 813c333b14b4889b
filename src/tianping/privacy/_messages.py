"""The messages :mod:`tianping.privacy` gives, as bilingual ``str.format`` templates.

Tests and callers compare against these constants (``ERR_PATH_NOT_FOUND.en``), never
against copied text. Skip reasons (:data:`SKIP_REASONS`) are recorded in scan
reports by their stable code, with these texts beside them.
"""

from __future__ import annotations

from tianping.text import LocalizedText
from tianping.text import localized as localized  # re-exported for the package's modules
from tianping.text import render as render

# --- errors --------------------------------------------------------------------------------------

ERR_BAD_DETECTORS = LocalizedText(
    zh="检测器定义 {source} 无效：{reason}", en="invalid detector definitions in {source}: {reason}"
)
ERR_UNKNOWN_ENTITY = LocalizedText(
    zh="未知的个人信息类型 {entity}；可用类型：{available}",
    en="unknown entity {entity}; use one of {available}",
)
ERR_NO_ENGINE = LocalizedText(
    zh="未安装 Hyperscan，无法使用 hyperscan 引擎；请安装 hyperscan 或使用 re 引擎",
    en="the hyperscan engine needs the hyperscan package; install it or use the re engine",
)
ERR_UNKNOWN_ENGINE = LocalizedText(
    zh="未知的匹配引擎 {engine}；请使用 auto、hyperscan 或 re",
    en="unknown engine {engine}; use auto, hyperscan or re",
)
ERR_BAD_PARAMETER = LocalizedText(zh="参数 {name} 无效：{reason}", en="invalid {name}: {reason}")
ERR_SCREEN_DEPTH = LocalizedText(
    zh="记录嵌套超过 {limit} 层，无法完整检查其中的个人信息",
    en="the record nests deeper than {limit} levels; it cannot be screened for personal data",
)
ERR_PATH_NOT_FOUND = LocalizedText(zh="路径 {path} 不存在", en="{path} does not exist")
ERR_UNSUPPORTED_DATA = LocalizedText(
    zh="无法处理 {kind} 类型的数据；请传入 pandas、polars 或 pyarrow 表、DuckDB 关系或文件路径",
    en="cannot use a {kind}; pass a pandas, polars or pyarrow table, a DuckDB relation "
    "or a file path",
)
ERR_UNSUPPORTED_TABLE = LocalizedText(
    zh="{path}：不支持的表格文件类型；请使用 .csv、.tsv、.jsonl / .ndjson 或 .parquet",
    en="{path}: not a table file; use .csv, .tsv, .jsonl / .ndjson or .parquet",
)
ERR_UNREADABLE = LocalizedText(zh="无法读取 {path}：{reason}", en="cannot read {path}: {reason}")
ERR_MISSING_COLUMNS = LocalizedText(
    zh="数据中没有列 {columns}；现有列：{available}",
    en="column(s) {columns} not in the data; it has {available}",
)
ERR_EMPTY_DATA = LocalizedText(zh="数据没有任何行", en="the data has no rows")
ERR_NO_QUASI = LocalizedText(
    zh="请至少指定一个准标识符列", en="name at least one quasi-identifier column"
)
ERR_BAD_POLICY = LocalizedText(
    zh="去标识化策略 {source} 无效：{reason}",
    en="invalid de-identification policy {source}: {reason}",
)
ERR_NO_KEY = LocalizedText(
    zh="策略需要密钥（keyed hash）；请设置环境变量 {env} 或提供密钥文件",
    en="the policy hashes values with a key; set the environment variable {env} or give a key file",
)
ERR_BAD_KEY_FILE = LocalizedText(
    zh="密钥文件 {path} 无效：{reason}", en="unusable key file {path}: {reason}"
)
ERR_SAME_FILE = LocalizedText(
    zh="输出文件不能与输入文件相同：{path}", en="the output must not be the input file: {path}"
)
ERR_BAD_CORPUS = LocalizedText(
    zh="评测语料 {path} 无效：{reason}", en="invalid evaluation corpus {path}: {reason}"
)

HINT_ENTITIES = LocalizedText(
    zh="用 tianping privacy entities 查看全部类型", en="see them all with tianping privacy entities"
)

# --- why a file was skipped (recorded in the report; the scan goes on) --------------------------

SKIP_REASONS: dict[str, LocalizedText] = {
    "binary": LocalizedText(zh="二进制文件", en="binary file"),
    "undecodable": LocalizedText(
        zh="无法识别的编码（非 UTF-8、UTF-16 或 GB18030）",
        en="unknown encoding (not UTF-8, UTF-16 or GB18030)",
    ),
    "unreadable": LocalizedText(zh="无法读取", en="cannot be read"),
    "too_large": LocalizedText(zh="超过大小上限", en="larger than the size limit"),
    "archive_limit": LocalizedText(
        zh="压缩包解压后超过上限（总量或压缩比），疑似压缩炸弹",
        en="archive expands beyond the limit (total size or ratio): a possible zip bomb",
    ),
    "archive_depth": LocalizedText(zh="压缩包嵌套过深", en="archives nested too deeply"),
    "archive_members": LocalizedText(zh="压缩包成员过多", en="too many archive members"),
    "bad_archive": LocalizedText(zh="损坏的压缩包", en="corrupt archive"),
    "encrypted": LocalizedText(zh="加密的压缩包成员", en="encrypted archive member"),
    "bad_table": LocalizedText(zh="无法解析的表格", en="table that cannot be parsed"),
    "not_a_file": LocalizedText(zh="不是普通文件", en="not a regular file"),
    "worker_failed": LocalizedText(zh="扫描进程失败", en="the scanning process failed"),
}

# --- results in a notebook -----------------------------------------------------------------------

NOTEBOOK_PROFILE = LocalizedText(
    zh="数据集隐私画像：{pipl_class}", en="Dataset privacy profile: {pipl_class}"
)
NOTEBOOK_PROFILE_CHART = LocalizedText(
    zh="含个人信息的行占比（按列）", en="Share of rows with personal information, by column"
)
NOTEBOOK_SCAN = LocalizedText(zh="个人信息扫描", en="Personal information scan")
NOTEBOOK_SCAN_CHART = LocalizedText(zh="发现数（按类型）", en="Findings by entity")
NOTEBOOK_SOURCES = LocalizedText(zh="文件", en="Files")
NOTEBOOK_ANONYMITY = LocalizedText(zh="匿名性：{outcome}", en="Anonymity: {outcome}")
NOTEBOOK_ANONYMITY_CHART = LocalizedText(
    zh="各等价类大小的行数（红色：小于 k = {k}）",
    en="Rows by equivalence class size (red: below k = {k})",
)
NOTEBOOK_VIOLATING = LocalizedText(zh="未达目标的等价类", en="Classes that miss a target")
NOTEBOOK_SATISFIED = LocalizedText(zh="达到全部目标", en="every target met")
NOTEBOOK_NOT_SATISFIED = LocalizedText(zh="未达到目标", en="targets missed")
NOTEBOOK_FACTS: dict[str, LocalizedText] = {
    "rows": LocalizedText(zh="行数", en="rows"),
    "rows_with_findings": LocalizedText(zh="含个人信息的行", en="rows with personal information"),
    "minor_rows": LocalizedText(zh="未满十四周岁者的行", en="rows of children under 14"),
    "as_of": LocalizedText(zh="参照日期", en="reference date"),
    "files": LocalizedText(zh="已扫描文件", en="files scanned"),
    "skipped": LocalizedText(zh="跳过的文件", en="files skipped"),
    "findings": LocalizedText(zh="发现数", en="findings"),
    "classes": LocalizedText(zh="等价类", en="equivalence classes"),
    "violating_records": LocalizedText(zh="未达目标的行", en="rows in classes missing a target"),
    "prosecutor": LocalizedText(zh="最高重识别风险", en="highest re-identification risk"),
}
