"""`tianping probe` sub-commands: run a probe suite against a chat endpoint, and report on it.

The work is :mod:`tianping.probes`'s; these commands read options, show a progress
bar on standard error, print tables and honour ``--lang`` and ``--json FILE``.
Exit status: 0 when the run finished, 1 when ``--fail-on`` trips, 2 on a usage
error, 3 when a request or token budget stopped the run (``results.json`` is still
written, marked ``incomplete``; the replies received stay cached: run again with the
same ``--out`` to resume).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from tianping.cli._common import (
    CommandError,
    JsonFileOption,
    LanguageOption,
    chosen_language,
    emit_json,
    err_console,
    fail,
    out_console,
)
from tianping.probes import (
    ADAPTERS,
    PROBE_LANGUAGES,
    TARGET,
    ClientSettings,
    JsonAdapter,
    ProbeError,
    api_key_from_env,
    check_endpoint,
    incomplete_message,
    load_suite,
    probe_report_html,
    probe_report_pdf,
    read_results,
    run_suite,
)
from tianping.reports import ReportError
from tianping.text import LocalizedText

app = typer.Typer(
    help="Generative-AI ethics probes: run bilingual probe suites against an OpenAI-compatible "
    "chat endpoint, and report pass rates, verdicts, bias tests and judge accuracy.",
    no_args_is_help=True,
)

_UI = {
    "sending": LocalizedText(zh="发送探针", en="Probing"),
    "title": LocalizedText(
        zh="探针结果：{suite} {version}（{probes} 个探针 × {samples} 次），模型 {model}",
        en="Probe results: {suite} {version} ({probes} probes × {samples}), model {model}",
    ),
    "category": LocalizedText(zh="类别", en="Category"),
    "language": LocalizedText(zh="语言", en="Language"),
    "pass": LocalizedText(zh="通过", en="Pass"),
    "fail": LocalizedText(zh="未通过", en="Fail"),
    "error": LocalizedText(zh="错误", en="Error"),
    "unscorable": LocalizedText(zh="无法判定", en="Unscorable"),
    "rate": LocalizedText(zh="通过率（95% 区间）", en="Pass rate (95% interval)"),
    "threshold": LocalizedText(zh="阈值 / 最少样本", en="Threshold / min. sample"),
    "verdict": LocalizedText(zh="结论", en="Verdict"),
    "overall": LocalizedText(zh="总体结论：{verdict}", en="Overall verdict: {verdict}"),
    "bias": LocalizedText(
        zh="反事实偏见检验（α = {alpha}，Holm 校正）",
        en="Counterfactual bias tests (α = {alpha}, Holm)",
    ),
    "attribute": LocalizedText(zh="属性", en="Attribute"),
    "measure": LocalizedText(zh="指标", en="Measure"),
    "blocks": LocalizedText(zh="组数", en="Sets"),
    "rates": LocalizedText(zh="各取值比率", en="Rate per value"),
    "effect": LocalizedText(zh="效应量", en="Effect"),
    "p": LocalizedText(zh="p（校正后）", en="p (adjusted)"),
    "significant": LocalizedText(zh="显著", en="Significant"),
    "judges": LocalizedText(
        zh="判定器准确度（标注集，目标 ≥ {target}）",
        en="Judge accuracy on the labelled set (target ≥ {target})",
    ),
    "detector": LocalizedText(zh="判定器", en="Detector"),
    "llm_judge": LocalizedText(
        zh="LLM 判定器 {model} 在标注集上的准确度（无法解析的回答 {unscorable} 条，计为判错）",
        en="LLM judge {model} on the labelled set ({unscorable} unparseable answers, "
        "counted as misses)",
    ),
    "sensitivity": LocalizedText(zh="灵敏度", en="Sensitivity"),
    "specificity": LocalizedText(zh="特异度", en="Specificity"),
    "failures": LocalizedText(
        zh="{count} 条未通过或出错的对话记录（个人信息已脱敏）见 {path}",
        en="{count} failing or errored transcripts (personal data masked) in {path}",
    ),
    "written": LocalizedText(zh="已写入 {path}", en="Wrote {path}"),
    "cannot_write": LocalizedText(
        zh="无法写入 {path}：{detail}", en="cannot write {path}: {detail}"
    ),
    "yes": LocalizedText(zh="是", en="yes"),
    "no": LocalizedText(zh="否", en="no"),
    "usage": LocalizedText(
        zh="请求 {requests}（缓存命中 {cached}，重试 {retried}），令牌 {tokens}",
        en="{requests} requests ({cached} from the cache, {retried} retried), {tokens} tokens",
    ),
}
VERDICT_LABELS = {
    "pass": LocalizedText(zh="通过", en="pass"),
    "warn": LocalizedText(zh="警告", en="warn"),
    "fail": LocalizedText(zh="未通过", en="fail"),
    "inconclusive": LocalizedText(zh="无法定论", en="inconclusive"),
}
CATEGORY_LABELS = {
    "disclosure": LocalizedText(zh="AI 身份告知", en="AI disclosure"),
    "hand_over": LocalizedText(zh="转人工", en="Hand-over to a person"),
    "stop": LocalizedText(zh="停止 / 退出", en="Stop / exit"),
    "privacy_echo": LocalizedText(zh="不复述个人信息", en="No echo of personal data"),
    "privacy_inference": LocalizedText(zh="不推断敏感属性", en="No sensitive inference"),
    "prompt_leak": LocalizedText(zh="不泄露系统提示词", en="No system-prompt leak"),
    "should_refuse": LocalizedText(zh="应拒答", en="Should refuse"),
    "over_refusal": LocalizedText(zh="应回答（过度拒答）", en="Should answer (over-refusal)"),
    "minors": LocalizedText(zh="未成年人保护", en="Minors"),
    "emotional_dependence": LocalizedText(zh="情感依赖", en="Emotional dependence"),
    "labelling": LocalizedText(zh="生成内容标识", en="Labelling of generated content"),
    "bias": LocalizedText(zh="反事实偏见", en="Counterfactual bias"),
}
MEASURE_LABELS = {
    "refusal": LocalizedText(zh="拒答", en="refusal"),
    "favourability": LocalizedText(zh="推荐", en="recommendation"),
    "length": LocalizedText(zh="回复长度", en="reply length"),
}
STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "inconclusive": "dim"}


def _ui(key: str, language: str) -> str:
    return _UI[key].get(language)


def _label(table: dict[str, LocalizedText], code: str, language: str) -> str:
    return table[code].get(language) if code in table else code


def _languages(value: str) -> tuple[str, ...]:
    chosen = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    bad = [part for part in chosen if part not in PROBE_LANGUAGES]
    if not chosen or bad:
        raise typer.BadParameter(f"use zh, en or zh,en (not {', '.join(bad) or value!r})")
    return chosen


@app.command("run")
def run_command(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint", metavar="URL", help="Base URL of the chat API, e.g. http://host:port/v1."
        ),
    ],
    model: Annotated[str, typer.Option("--model", metavar="NAME", help="Model name to ask for.")],
    out: Annotated[
        str,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Folder for results.json and the reply cache (run again with it to resume).",
        ),
    ],
    suite: Annotated[
        str,
        typer.Option(
            "--suite",
            metavar="NAME|FILE",
            help="A built-in suite (default), or a bank file: .csv or .jsonl, one probe a row.",
        ),
    ] = "default",
    api_key_env: Annotated[
        str | None,
        typer.Option(
            "--api-key-env",
            metavar="VAR",
            help="Environment variable holding the API key (never printed or stored).",
        ),
    ] = None,
    languages: Annotated[
        str, typer.Option("--languages", metavar="zh,en", help="Probe languages to send.")
    ] = "zh,en",
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=1024, help="Requests in flight at once.")
    ] = 8,
    samples: Annotated[
        int, typer.Option("--samples", min=1, max=100, help="Replies asked for per probe.")
    ] = 1,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on", metavar="fail|warn", help="Exit with 1 when a verdict is this or worse."
        ),
    ] = None,
    max_requests: Annotated[
        int | None,
        typer.Option("--max-requests", min=0, help="Stop after this many HTTP requests."),
    ] = None,
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", min=0, help="Stop after this many tokens.")
    ] = None,
    stream: Annotated[
        bool, typer.Option("--stream", help="Ask for streamed replies (server-sent events).")
    ] = False,
    temperature: Annotated[
        float, typer.Option("--temperature", min=0.0, max=2.0, help="Sampling temperature.")
    ] = 0.0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed sent with sample 0.")] = 0,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds per request.")
    ] = 60.0,
    retries: Annotated[
        int, typer.Option("--retries", min=0, max=20, help="Retries on 429, 5xx and timeouts.")
    ] = 3,
    adapter: Annotated[
        str,
        typer.Option(
            "--adapter",
            metavar="openai|json",
            help="openai: chat completions under --endpoint; json: a plain JSON service "
            "posted at --endpoint (with --request-template and --response-path).",
        ),
    ] = "openai",
    request_template: Annotated[
        Path | None,
        typer.Option(
            "--request-template",
            metavar="FILE",
            dir_okay=False,
            help='For --adapter json: a JSON file, the request body, with "{{messages}}" '
            "(the conversation) or {{prompt}} (the last user message) in it.",
        ),
    ] = None,
    response_path: Annotated[
        str | None,
        typer.Option(
            "--response-path",
            metavar="PATH",
            help="For --adapter json: where the reply's text is, e.g. reply.text or "
            "choices.0.text.",
        ),
    ] = None,
    judge_endpoint: Annotated[
        str | None,
        typer.Option(
            "--judge-endpoint",
            metavar="URL",
            help="Base URL of a second OpenAI-compatible endpoint for an LLM judge "
            "(measured on the labelled set, then asked for a label per reply).",
        ),
    ] = None,
    judge_model: Annotated[
        str | None, typer.Option("--judge-model", metavar="NAME", help="The judge's model.")
    ] = None,
    judge_api_key_env: Annotated[
        str | None,
        typer.Option(
            "--judge-api-key-env",
            metavar="VAR",
            help="Environment variable holding the judge's API key (never printed or stored).",
        ),
    ] = None,
    lang: LanguageOption = None,
) -> None:
    """Send a probe suite to a chat endpoint, judge the replies and write DIR/results.json."""
    language = chosen_language(lang)
    chosen_languages = _languages(languages)
    if fail_on not in (None, "fail", "warn"):
        raise typer.BadParameter("use fail or warn", param_hint="--fail-on")
    _check_adapter(adapter, request_template, response_path, stream)
    if (judge_endpoint is None) != (judge_model is None):
        raise typer.BadParameter(
            "--judge-endpoint and --judge-model go together", param_hint="--judge-endpoint"
        )
    try:
        check_endpoint(endpoint)
        plain = (
            JsonAdapter.read(request_template, response_path)
            if request_template is not None and response_path is not None
            else None
        )
        api_key = None if api_key_env is None else api_key_from_env(api_key_env)
        loaded = load_suite(suite)
        settings = ClientSettings(
            endpoint=endpoint,
            model=model,
            api_key=api_key,
            stream=stream,
            temperature=temperature,
            seed=seed,
            concurrency=concurrency,
            timeout=timeout,
            retries=retries,
            max_requests=max_requests,
            max_tokens=max_tokens,
            adapter=plain,
        )
        judge_settings = None
        if judge_endpoint is not None and judge_model is not None:
            check_endpoint(judge_endpoint)
            judge_settings = ClientSettings(
                endpoint=judge_endpoint,
                model=judge_model,
                api_key=None if judge_api_key_env is None else api_key_from_env(judge_api_key_env),
                concurrency=concurrency,
                timeout=timeout,
                retries=retries,
            )
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err_console(), transient=True) as bar:
            task = bar.add_task(_ui("sending", language), total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            outcome = run_suite(
                loaded,
                settings,
                out,
                samples=samples,
                languages=chosen_languages,
                progress=progress,
                judge_settings=judge_settings,
            )
    except ProbeError as exc:
        fail(exc, language)
    _print_report(outcome.results, language, str(outcome.path))
    if outcome.incomplete is not None:
        _stopped(outcome.incomplete, language)
        raise typer.Exit(EXIT_BUDGET)
    if fail_on is not None and _trips(outcome.results, fail_on):
        raise typer.Exit(1)


EXIT_BUDGET = 3
"""The exit status of a run a budget stopped (results.json written, marked incomplete)."""


def _stopped(incomplete: dict[str, Any], language: str) -> None:
    """Say on standard error that a budget stopped the run, and how to resume it."""
    message, hint = incomplete_message(incomplete)
    err_console().print(Text(f"{message.get(language)}\n{hint.get(language)}", style="yellow"))


def _check_adapter(
    adapter: str, template: Path | None, response_path: str | None, stream: bool
) -> None:
    if adapter not in ADAPTERS:
        raise typer.BadParameter("use openai or json", param_hint="--adapter")
    if adapter == "json":
        if template is None or response_path is None:
            raise typer.BadParameter(
                "--adapter json needs --request-template and --response-path",
                param_hint="--adapter",
            )
        if stream:
            raise typer.BadParameter("--adapter json does not stream", param_hint="--stream")
    elif template is not None or response_path is not None:
        raise typer.BadParameter(
            "--request-template and --response-path go with --adapter json",
            param_hint="--adapter",
        )


def _trips(results: dict[str, Any], fail_on: str) -> bool:
    worst = {"fail": ("fail",), "warn": ("fail", "warn")}[fail_on]
    return results["verdict"] in worst


@app.command("report")
def report_command(
    directory: Annotated[
        str,
        typer.Argument(metavar="DIR", help="The folder `tianping probe run --out` wrote."),
    ],
    json_out: JsonFileOption = None,
    html_out: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="FILE",
            dir_okay=False,
            help="Write the report as HTML to FILE (in the --lang language; both without it).",
        ),
    ] = None,
    pdf_out: Annotated[
        Path | None,
        typer.Option(
            "--pdf",
            metavar="FILE",
            dir_okay=False,
            help="Write the report as PDF to FILE (in the --lang language; both without it).",
        ),
    ] = None,
    lang: LanguageOption = None,
) -> None:
    """Print the results of a probe run: verdicts, bias tests, judge accuracy, failures."""
    language = chosen_language(lang)
    try:
        results = read_results(directory)
    except ProbeError as exc:
        fail(exc, language)
    if html_out is not None or pdf_out is not None:
        _write_documents(results, html_out, pdf_out, lang, language)
        return
    if emit_json(results, json_out, language=language):
        return
    _print_report(results, language, directory)


def _write_documents(
    results: dict[str, Any],
    html_out: Path | None,
    pdf_out: Path | None,
    lang: str | None,
    language: str,
) -> None:
    """The HTML and PDF reports: in ``--lang`` when given, else Chinese and English."""
    document_language = language if lang else "both"
    written: list[tuple[Path, bytes]] = []
    try:
        if html_out is not None:
            html = probe_report_html(results, language=document_language)
            written.append((html_out, html.encode("utf-8")))
        if pdf_out is not None:
            written.append((pdf_out, probe_report_pdf(results, language=document_language)))
    except ReportError as exc:
        fail(exc, language)
    for path, data in written:
        try:
            path.write_bytes(data)
        except OSError as exc:
            detail = exc.strerror or type(exc).__name__
            raise CommandError(
                _ui("cannot_write", language).format(path=path, detail=detail)
            ) from exc
        out_console().print(Text(_ui("written", language).format(path=path)))


def _rate(row: dict[str, Any]) -> str:
    if row["pass_rate"] is None:
        return "—"
    low, high = row["interval"]
    return f"{row['pass_rate']:.1%} ({low:.1%}–{high:.1%})"


def _number(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}g}" if value < 0.001 else f"{value:.{digits}f}"


def _print_report(results: dict[str, Any], language: str, where: str) -> None:
    console = out_console()
    suite, run = results["suite"], results["run"]
    table = Table(
        title=_ui("title", language).format(
            suite=suite["name"],
            version=suite["version"],
            probes=suite["probes"],
            samples=run["samples"],
            model=run["model"],
        )
    )
    for key in ("category", "language", "pass", "fail", "error", "unscorable", "rate"):
        table.add_column(_ui(key, language), justify="left" if key in ("category",) else "right")
    table.add_column(_ui("threshold", language), justify="right")
    table.add_column(_ui("verdict", language))
    for row in results["categories"]:
        counts = row["counts"]
        table.add_row(
            Text(_label(CATEGORY_LABELS, row["category"], language)),
            row["language"],
            str(counts["pass"]),
            str(counts["fail"]),
            str(counts["error"]),
            str(counts["unscorable"]),
            _rate(row),
            f"{row['threshold']:.0%} / {row['min_samples']}",
            Text(_label(VERDICT_LABELS, row["verdict"], language), style=STYLE[row["verdict"]]),
        )
    console.print(table)
    bias = results.get("bias")
    if bias:
        tests = Table(title=_ui("bias", language).format(alpha=bias["alpha"]))
        for key in ("attribute", "measure", "blocks", "rates", "effect", "p", "significant"):
            tests.add_column(_ui(key, language))
        for test in bias["tests"]:
            tests.add_row(
                Text(test["attribute"]),
                _label(MEASURE_LABELS, test["measure"], language),
                str(test["blocks"]),
                " / ".join(f"{r:.2f}" for r in test["rates"])
                or " / ".join(f"{m:.0f}" for m in test.get("means", [])),
                f"{test['effect']:.2f}",
                _number(test["p_adjusted"]),
                _ui("yes" if test["significant"] else "no", language),
            )
        console.print(tests)
    judges = Table(title=_ui("judges", language).format(target=TARGET))
    for key in ("detector", "language", "sensitivity", "specificity"):
        judges.add_column(_ui(key, language))
    for entry in results["judges"]:
        judges.add_row(
            entry["detector"],
            entry["language"],
            _number(entry["sensitivity"]),
            _number(entry["specificity"]),
        )
    console.print(judges)
    llm = results.get("llm_judge")
    if llm:
        measured = Table(
            title=_ui("llm_judge", language).format(
                model=llm["model"], unscorable=llm["labelled_set"]["unscorable"]
            )
        )
        for key in ("detector", "language", "sensitivity", "specificity"):
            measured.add_column(_ui(key, language))
        for entry in llm["accuracy"]:
            measured.add_row(
                entry["detector"],
                entry["language"],
                _number(entry["sensitivity"]),
                _number(entry["specificity"]),
            )
        console.print(measured)
    console.print(Text(_ui("usage", language).format(**run)))
    if results["failures"]:
        console.print(
            Text(_ui("failures", language).format(count=len(results["failures"]), path=where))
        )
    verdict = results["verdict"]
    console.print(
        Text(
            _ui("overall", language).format(verdict=_label(VERDICT_LABELS, verdict, language)),
            style=STYLE[verdict],
        )
    )
