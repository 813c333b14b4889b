"""Running a suite against an endpoint and writing ``results.json``.

``OUT/cache/`` holds every reply received (:class:`ResponseCache`): a run that
stops — interrupted, or out of budget — is resumed by running again with the
same ``OUT``, and no request is sent twice. ``OUT/results.json`` is written when
every probe has a reply or an error, and also when a budget stops the run: then
its ``incomplete`` field names the budget, the probes never answered are counted
as ``not_run`` (never as passes) and the verdicts cover only what was answered
(schema: ``schema/results.schema.json``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from tianping import __version__, jsonsafe
from tianping.probes import _errors as msg
from tianping.probes._accuracy import measure_judges
from tianping.probes._client import (
    ChatClient,
    ClientSettings,
    ResponseCache,
    Usage,
    _Exhausted,
    public_endpoint,
)
from tianping.probes._errors import ProbeError, ResultsError, SuiteError
from tianping.probes._judge import judge
from tianping.probes._llm_judge import llm_judge_section
from tianping.probes._models import PROBE_LANGUAGES, Judgement, Suite
from tianping.probes._results import (
    analyse_bias,
    categories,
    failing_transcripts,
    load_policy,
    overall,
)
from tianping.probes._suite import first_error
from tianping.text import LocalizedText, localized

RESULTS_FILE = "results.json"
CACHE_DIR = "cache"
SCHEMA_VERSION = "1"

Progress = Callable[[int, int], None]
"""Called with (done, total) after each reply."""


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """A run that wrote ``results.json``: its judgements, the results and what it spent.

    ``incomplete`` is the ``results.json`` field of the same name when a budget
    stopped the run before every probe was answered, else ``None``.
    """

    judgements: tuple[Judgement, ...]
    results: dict[str, Any]
    usage: Usage
    path: Path

    @property
    def incomplete(self) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.results.get("incomplete")
        return found


@dataclass(frozen=True, slots=True)
class _Sent:
    judgements: list[Judgement]
    usage: Usage
    incomplete: dict[str, Any] | None
    not_run: dict[tuple[str, str], int]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


async def _run(
    suite: Suite,
    settings: ClientSettings,
    out: Path,
    samples: int,
    progress: Progress | None,
    transport: httpx.AsyncBaseTransport | None,
) -> _Sent:
    work = [(probe, sample) for probe in suite.probes for sample in range(samples)]
    total = len(work)
    done = 0
    cache = ResponseCache(out / CACHE_DIR)
    async with ChatClient(settings, cache, transport=transport) as client:

        async def one(index: int) -> Judgement | None:
            nonlocal done
            probe, sample = work[index]
            try:
                reply = await client.complete(probe.messages, sample)
            except _Exhausted:
                return None
            done += 1
            if progress is not None:
                progress(done, total)
            return judge(probe, sample, reply)

        found = await asyncio.gather(*(one(i) for i in range(total)))
        judgements = [j for j in found if j is not None]
        not_run: dict[tuple[str, str], int] = {}
        for (probe, _sample), j in zip(work, found, strict=True):
            if j is None:
                key = (probe.category, probe.language)
                not_run[key] = not_run.get(key, 0) + 1
        incomplete = None
        if client.exhausted is not None:
            spent = client.exhausted
            incomplete = {
                "reason": "budget",
                "budget": f"{spent.budget}s",
                "limit": spent.limit,
                "answered": len(judgements),
                "not_run": total - len(judgements),
                "total": total,
            }
        return _Sent(judgements, client.usage, incomplete, not_run)


def run_suite(
    suite: Suite,
    settings: ClientSettings,
    out: str | Path,
    *,
    samples: int = 1,
    languages: tuple[str, ...] = PROBE_LANGUAGES,
    progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    judge_settings: ClientSettings | None = None,
) -> RunOutcome:
    """Send every probe in ``languages`` ``samples`` times, judge, write ``OUT/results.json``.

    Runs :func:`run_suite_async` in an event loop of its own; call that from code
    that already runs one.
    """
    return asyncio.run(
        run_suite_async(
            suite,
            settings,
            out,
            samples=samples,
            languages=languages,
            progress=progress,
            transport=transport,
            judge_settings=judge_settings,
        )
    )


async def run_suite_async(
    suite: Suite,
    settings: ClientSettings,
    out: str | Path,
    *,
    samples: int = 1,
    languages: tuple[str, ...] = PROBE_LANGUAGES,
    progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    judge_settings: ClientSettings | None = None,
) -> RunOutcome:
    """:func:`run_suite` inside a running event loop (the same results, the same errors).

    A budget that runs out stops the run; the replies received stay cached in
    ``OUT/cache`` and ``results.json`` is still written, marked ``incomplete``
    (see :attr:`RunOutcome.incomplete`): run again with the same ``OUT`` to resume.

    Raises
    ------
    SuiteError
        No probe is left for ``languages``.
    """
    if samples < 1:
        raise ProbeError(msg.ERR_BAD_PARAMETER, params={"name": "samples", "reason": "at least 1"})
    chosen = suite.select(languages)
    if not chosen.probes:
        raise SuiteError(
            msg.ERR_NO_PROBES, hint=msg.HINT_NO_PROBES, params={"languages": ",".join(languages)}
        )
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    started = _now()
    sent = await _run(chosen, settings, folder, samples, progress, transport)
    judgements, usage = sent.judgements, sent.usage
    bias = analyse_bias(judgements)
    rows = categories(
        judgements,
        bias if any(j.probe.counterfactual for j in judgements) else None,
        not_run=sent.not_run if sent.incomplete is not None else None,
    )
    policy = load_policy()
    results: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "tool": {"name": "tianping", "version": __version__},
        "suite": {
            "name": suite.name,
            "version": suite.version,
            "sha256": suite.sha256,
            "probes": len(chosen.probes),
            "languages": list(languages),
        },
        "run": {
            "endpoint": public_endpoint(settings.endpoint),
            "model": settings.model,
            "parameters": {
                **settings.parameters(),
                **(settings.adapter.identity() if settings.adapter else {}),
            },
            "seed": settings.seed,
            "samples": samples,
            "concurrency": settings.concurrency,
            "started": started,
            "finished": _now(),
            "requests": usage.requests,
            "cached": usage.cached,
            "retried": usage.retried,
            "tokens": usage.tokens,
        },
        "policy": {"version": policy.version},
        "verdict": overall(r.verdict for r in rows),
        "categories": [r.to_json() for r in rows],
        "bias": bias.to_json() if bias.tests else None,
        "judges": [a.to_json() for a in measure_judges()],
        "failures": failing_transcripts(judgements),
    }
    if sent.incomplete is not None:
        results["incomplete"] = sent.incomplete
    if judge_settings is not None:
        results["llm_judge"] = await llm_judge_section(judge_settings, judgements, folder)
    path = folder / RESULTS_FILE
    partial = folder / (RESULTS_FILE + ".part")
    partial.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    partial.replace(path)
    return RunOutcome(tuple(judgements), results, usage, path)


def incomplete_message(incomplete: dict[str, Any]) -> tuple[LocalizedText, LocalizedText]:
    """What stopped a run early and how to resume it, from ``results.json``'s ``incomplete``."""
    budget = msg.BUDGET_NAMES.get(str(incomplete["budget"]))
    message = localized(
        msg.ERR_BUDGET,
        budget=budget if budget is not None else str(incomplete["budget"]),
        limit=incomplete["limit"],
        done=incomplete["answered"],
        total=incomplete["total"],
    )
    return message, msg.HINT_BUDGET


MAX_RESULTS_BYTES = 256 * 1024 * 1024


def read_results(folder: str | Path) -> dict[str, Any]:
    """``results.json`` of a run folder (or the file itself), checked against its schema."""
    path = Path(folder)
    if path.is_dir():
        path = path / RESULTS_FILE
    source = str(path)
    try:
        if path.stat().st_size > MAX_RESULTS_BYTES:
            raise ValueError(f"larger than {MAX_RESULTS_BYTES:,} bytes")
        data = jsonsafe.loads(path.read_bytes())
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ResultsError(
            msg.ERR_RESULTS_READ, hint=msg.HINT_RESULTS, params={"source": source, "problem": exc}
        ) from exc
    error = first_error("results", data)
    if error is not None:
        where = "/".join(str(p) for p in error.path) or "(document)"
        problem = f"{where}: {error.message}"
        raise ResultsError(
            msg.ERR_RESULTS_READ,
            hint=msg.HINT_RESULTS,
            params={"source": source, "problem": problem},
        )
    result: dict[str, Any] = data
    return result


__all__ = [
    "CACHE_DIR",
    "RESULTS_FILE",
    "RunOutcome",
    "incomplete_message",
    "read_results",
    "run_suite",
    "run_suite_async",
]
