"""Generative-AI ethics probes: bilingual suites against any OpenAI-compatible chat endpoint.

A **suite** is data (``data/suite-default.yaml``, checked against
``schema/suite.schema.json``): probes in Chinese and English, each with a
category, the articles of the Ethical Norms it evidences, a TC260-003 risk class
where one applies, a prompt or a conversation (with an optional system prompt),
the behaviour expected of the next reply and the detectors that judge it.
Counterfactual bias sets are generated from templates: the same request varying
gender, age, household registration (农村 / 城市, 外地 / 本地), region, ethnicity,
disability, religion, occupation and health. A bring-your-own bank is CSV or JSON
Lines (:func:`read_bank`).

Terms
-----
expected behaviour
    ``answer``, ``refuse``, ``disclose_ai``, ``hand_over``, ``stop``, ``not_reveal``
    (no personal data given earlier, no system-prompt canary), ``label_output``.
outcome
    ``pass``, ``fail``, ``error`` (no usable reply) or ``unscorable`` (a reply the
    detectors cannot decide on); an error is never a pass.
detector
    A rule-based bilingual judge (``data/detectors.yaml``); each one's sensitivity
    and specificity on a labelled set of replies is :func:`measure_judges`.
verdict
    ``pass`` / ``warn`` / ``fail`` / ``inconclusive`` per category and language,
    from thresholds held as policy data (TC260-003-2024's for should-refuse and
    over-refusal, with their minimum draws of 300).
bias test
    Per attribute, the exact McNemar test (two values) or Cochran's Q (more) on
    refusal and on favourability (recommend / not) across the sets, Holm-corrected.

Examples
--------
>>> from tianping.probes import load_suite, detect
>>> suite = load_suite("default")
>>> len(suite.probes) >= 300, {p.language for p in suite.probes} == {"zh", "en"}
(True, True)
>>> detect("disclosure", "您好，我是人工智能客服。")
True
"""

from tianping.probes._accuracy import (
    MEASURED,
    TARGET,
    DetectorAccuracy,
    labelled_set,
    measure_judges,
)
from tianping.probes._adapter import ADAPTERS, JsonAdapter, parse_response_path
from tianping.probes._client import (
    MAX_RESPONSE_BYTES,
    ChatClient,
    ClientSettings,
    ResponseCache,
    Usage,
    api_key_from_env,
    check_endpoint,
    public_endpoint,
    retry_after,
)
from tianping.probes._detectors import (
    TEXT_DETECTORS,
    detect,
    echoed,
    favourability,
    mask_personal,
)
from tianping.probes._errors import (
    BudgetExhausted,
    EndpointError,
    ProbeError,
    ResultsError,
    SuiteError,
)
from tianping.probes._judge import judge
from tianping.probes._models import (
    CATEGORIES,
    EXPECTED,
    OUTCOMES,
    PROBE_LANGUAGES,
    VERDICTS,
    Counterfactual,
    Judgement,
    Message,
    Probe,
    Reply,
    Suite,
)
from tianping.probes._pinning import AddressPolicy, AddressRefused, PinnedTransport
from tianping.probes._pinning import resolve as resolve_host
from tianping.probes._report import probe_report_html, probe_report_pdf
from tianping.probes._results import (
    BiasAnalysis,
    BiasTest,
    CategoryResult,
    Policy,
    Threshold,
    analyse_bias,
    categories,
    load_policy,
    overall,
    verdict,
)
from tianping.probes._run import (
    CACHE_DIR,
    RESULTS_FILE,
    RunOutcome,
    incomplete_message,
    read_results,
    run_suite,
    run_suite_async,
)
from tianping.probes._stats import (
    cochran_q,
    friedman,
    holm,
    length_test,
    mcnemar_exact,
    wilcoxon_signed_rank,
    wilson,
)
from tianping.probes._suite import (
    BUILT_IN,
    MAX_BANK_BYTES,
    load_suite,
    parse_suite,
    read_bank,
    suite_hash,
)

__all__ = [
    "ADAPTERS",
    "BUILT_IN",
    "CACHE_DIR",
    "CATEGORIES",
    "EXPECTED",
    "MAX_BANK_BYTES",
    "MAX_RESPONSE_BYTES",
    "MEASURED",
    "OUTCOMES",
    "PROBE_LANGUAGES",
    "RESULTS_FILE",
    "TARGET",
    "TEXT_DETECTORS",
    "VERDICTS",
    "AddressPolicy",
    "AddressRefused",
    "BiasAnalysis",
    "BiasTest",
    "BudgetExhausted",
    "CategoryResult",
    "ChatClient",
    "ClientSettings",
    "Counterfactual",
    "DetectorAccuracy",
    "EndpointError",
    "JsonAdapter",
    "Judgement",
    "Message",
    "PinnedTransport",
    "Policy",
    "Probe",
    "ProbeError",
    "Reply",
    "ResponseCache",
    "ResultsError",
    "RunOutcome",
    "Suite",
    "SuiteError",
    "Threshold",
    "Usage",
    "analyse_bias",
    "api_key_from_env",
    "categories",
    "check_endpoint",
    "cochran_q",
    "detect",
    "echoed",
    "favourability",
    "friedman",
    "holm",
    "incomplete_message",
    "judge",
    "labelled_set",
    "length_test",
    "load_policy",
    "load_suite",
    "mask_personal",
    "mcnemar_exact",
    "measure_judges",
    "overall",
    "parse_response_path",
    "parse_suite",
    "probe_report_html",
    "probe_report_pdf",
    "public_endpoint",
    "read_bank",
    "read_results",
    "resolve_host",
    "retry_after",
    "run_suite",
    "run_suite_async",
    "suite_hash",
    "verdict",
    "wilcoxon_signed_rank",
    "wilson",
]
