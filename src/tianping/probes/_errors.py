"""The errors :mod:`tianping.probes` raises and the bilingual messages they carry.

Every error is a :class:`~tianping.errors.LocalizedError`: ``str(error)`` is
English unless asked otherwise, :meth:`in_language` gives the same error in
Simplified Chinese, and each carries a hint saying how to fix it.
"""

from __future__ import annotations

from tianping.errors import LocalizedError
from tianping.text import LocalizedText


class ProbeError(LocalizedError):
    """The base of every error the probes raise."""


class SuiteError(ProbeError):
    """A suite or a bring-your-own bank cannot be read or breaks its schema."""


class EndpointError(ProbeError):
    """The run cannot start: a bad endpoint URL, a missing API key variable …"""


class BudgetExhausted(ProbeError):
    """A request or token budget ran out before every probe was sent."""


class ResultsError(ProbeError):
    """A results directory or ``results.json`` cannot be read."""


# -- suites and banks -------------------------------------------------------------------------
ERR_SUITE_UNKNOWN = LocalizedText(
    zh="没有名为 {name} 的探针套件，也没有这个文件；内置套件：{known}",
    en="there is no probe suite named {name} and no such file; built-in suites: {known}",
)
HINT_SUITE_UNKNOWN = LocalizedText(
    zh="用 --suite 指定内置套件（default），或一个 .csv / .jsonl 题库文件。",
    en="Name a built-in suite with --suite (default), or a .csv / .jsonl bank file.",
)
ERR_SUITE_READ = LocalizedText(
    zh="无法读取探针套件 {source}：{problem}", en="cannot read probe suite {source}: {problem}"
)
ERR_SUITE_INVALID = LocalizedText(
    zh="探针套件 {source} 无效：{problem}", en="probe suite {source} is invalid: {problem}"
)
HINT_SUITE = LocalizedText(
    zh="按 src/tianping/probes/schema/suite.schema.json 修正所指出的位置。",
    en="Correct the place named, following src/tianping/probes/schema/suite.schema.json.",
)
ERR_BANK_TOO_LARGE = LocalizedText(
    zh="题库 {source} 超过 {limit:,} 字节的上限",
    en="bank {source} is larger than the limit of {limit:,} bytes",
)
ERR_BANK_ENCODING = LocalizedText(
    zh="题库 {source} 不是 UTF-8 文本（第 {position} 字节）",
    en="bank {source} is not UTF-8 text (byte {position})",
)
ERR_BANK_ROW = LocalizedText(
    zh="题库 {source} 第 {row} 行无效：{problem}",
    en="bank {source}, row {row} is invalid: {problem}",
)
ERR_BANK_EMPTY = LocalizedText(zh="题库 {source} 没有任何题目", en="bank {source} has no probe")
ERR_BANK_FORMAT = LocalizedText(
    zh="题库 {source} 的格式无法识别（应为 .csv 或 .jsonl）",
    en="the format of bank {source} is not known (use .csv or .jsonl)",
)
HINT_BANK = LocalizedText(
    zh="题库每行一题：id、language（zh/en）、category、expected、prompt，"
    "可选 system、risk_class、articles；见 examples/probes/bank.jsonl 与 docs/probes.md。",
    en="A bank holds one probe a row: id, language (zh/en), category, expected, prompt, "
    "optionally system, risk_class, articles; see examples/probes/bank.jsonl and docs/probes.md.",
)
PROBLEM_DUPLICATE_ID = LocalizedText(
    zh="探针编号 {id} 出现了不止一次", en="probe id {id} appears more than once"
)
PROBLEM_MISSING_COLUMN = LocalizedText(zh="缺少列 {column}", en="column {column} is missing")
PROBLEM_BAD_VALUE = LocalizedText(
    zh="{field} 的值 {value} 无效；可用：{choices}",
    en="{field} has the value {value}, which is not one of: {choices}",
)
PROBLEM_EMPTY = LocalizedText(zh="{field} 为空", en="{field} is empty")
PROBLEM_TEMPLATE = LocalizedText(
    zh="反事实模板 {id} 使用了未定义的属性 {attribute}",
    en="counterfactual template {id} uses an undefined attribute {attribute}",
)
ERR_NO_PROBES = LocalizedText(
    zh="所选语言 {languages} 下没有探针", en="no probe is left for the languages {languages}"
)
HINT_NO_PROBES = LocalizedText(
    zh="用 --languages 选择套件中有的语言（zh、en）。",
    en="Choose languages the suite has with --languages (zh, en).",
)

# -- the endpoint -----------------------------------------------------------------------------
ERR_ENDPOINT_URL = LocalizedText(
    zh="端点 {url} 不是 http(s) 基础地址", en="endpoint {url} is not an http(s) base URL"
)
HINT_ENDPOINT_URL = LocalizedText(
    zh="--endpoint 是基础地址，例如 http://127.0.0.1:8000/v1（不含 /chat/completions）。",
    en="--endpoint is the base URL, e.g. http://127.0.0.1:8000/v1 (without /chat/completions).",
)
ERR_ADDRESS_REFUSED = LocalizedText(
    zh="端点主机 {host} 解析到私有、回环、链路本地或其他非公网地址，连接被拒绝",
    en="the endpoint's host {host} resolves to a private, loopback, link-local or other "
    "non-public address; the connection was refused",
)
ERR_ADDRESS_UNRESOLVED = LocalizedText(
    zh="无法解析端点主机 {host}", en="the endpoint's host {host} could not be resolved"
)
HINT_ADDRESS = LocalizedText(
    zh="使用公网地址，或请管理员把该主机或网段加入 TIANPING_PROBE_ALLOW_HOSTS。",
    en="Use a public address, or ask an administrator to allow the host or its network "
    "(TIANPING_PROBE_ALLOW_HOSTS).",
)
ERR_API_KEY_MISSING = LocalizedText(
    zh="环境变量 {variable} 未设置或为空",
    en="the environment variable {variable} is unset or empty",
)
HINT_API_KEY = LocalizedText(
    zh="把 API 密钥放进该环境变量（密钥不会写入输出或缓存），或去掉 --api-key-env。",
    en="Put the API key in that variable (it is never written to output or cache), "
    "or leave out --api-key-env.",
)
ERR_BAD_PARAMETER = LocalizedText(
    zh="参数 {name} 无效：{reason}", en="parameter {name} is invalid: {reason}"
)
ERR_BUDGET = LocalizedText(
    zh="{budget}预算（{limit:,}）已用完：{done:,} / {total:,} 个请求已完成，运行已停止；"
    "results.json 只含已回答的探针（未完成）",
    en="the {budget} budget ({limit:,}) is spent: {done:,} of {total:,} requests done; "
    "the run stopped and results.json covers only the probes answered (incomplete)",
)
HINT_BUDGET = LocalizedText(
    zh="已得到的回复保存在输出目录的缓存中：用同一 --out 并提高预算重新运行即可续跑，"
    "不会重复请求。",
    en="The responses received are cached in the output folder: run again with the same --out "
    "and a larger budget to resume without repeating a request.",
)
BUDGET_NAMES = {
    "requests": LocalizedText(zh="请求", en="request"),
    "tokens": LocalizedText(zh="令牌", en="token"),
}
"""The budgets a run may spend, as ``results.json``'s ``incomplete.budget`` names them."""

# -- the JSON-over-HTTP adapter --------------------------------------------------------------
ERR_TEMPLATE = LocalizedText(
    zh="请求模板 {source} 无效：{problem}", en="request template {source} is invalid: {problem}"
)
HINT_TEMPLATE = LocalizedText(
    zh="请求模板是一个 JSON 文件（不超过 1 MiB），其中某个字符串值为 "
    '"{{messages}}"（整段对话）或含有 {{prompt}}（最后一条用户消息）。',
    en="The request template is a JSON file (at most 1 MiB) in which a string value is "
    '"{{messages}}" (the whole conversation) or holds {{prompt}} (the last user message).',
)
ERR_RESPONSE_PATH = LocalizedText(zh="回复路径 {path} 无效", en="response path {path} is invalid")
HINT_RESPONSE_PATH = LocalizedText(
    zh="用点分隔的键和序号，例如 reply.text 或 choices.0.text。",
    en="Use keys and indexes separated by dots, e.g. reply.text or choices.0.text.",
)

# -- results ----------------------------------------------------------------------------------
ERR_RESULTS_READ = LocalizedText(
    zh="无法读取运行结果 {source}：{problem}", en="cannot read run results {source}: {problem}"
)
HINT_RESULTS = LocalizedText(
    zh="给出 `tianping probe run --out` 写入的目录（其中有 results.json）。",
    en="Give the folder `tianping probe run --out` wrote (it holds results.json).",
)

__all__ = ["BudgetExhausted", "EndpointError", "ProbeError", "ResultsError", "SuiteError"]
