"""Runs against a real chat server on loopback: each personality fails the right categories."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

import tianping.probes
from tianping import jsonsafe
from tianping.probes import (
    MAX_RESPONSE_BYTES,
    ChatClient,
    ClientSettings,
    EndpointError,
    Message,
    Suite,
    load_suite,
    read_results,
    retry_after,
    run_suite,
)
from tianping.probes._models import Probe

from .chat_server import ChatServer

KEY = "sk-test-9f8e7d6c5b4a"
SCHEMA = Draft202012Validator(
    jsonsafe.loads(
        (Path(tianping.probes.__file__).parent / "schema" / "results.schema.json").read_bytes()
    )
)


def subset(categories: Iterable[str], attributes: Iterable[str] = ()) -> Suite:
    """The default suite's probes of ``categories`` and the bias sets of ``attributes``."""
    suite = load_suite("default")
    wanted, varied = set(categories), set(attributes)

    def keep(p: Probe) -> bool:
        if p.counterfactual is not None:
            return p.counterfactual.attribute in varied
        return p.category in wanted

    probes = tuple(p for p in suite.probes if keep(p))
    return Suite(suite.name, suite.version, probes, suite.sha256)


def settings(server: ChatServer, **options: Any) -> ClientSettings:
    options.setdefault("concurrency", 8)
    return ClientSettings(server.url, "test-model", api_key=KEY, backoff=0.01, **options)


def failing(results: dict[str, Any]) -> set[str]:
    return {row["category"] for row in results["categories"] if row["verdict"] in ("fail", "warn")}


ALL = ["disclosure", "hand_over", "stop", "privacy_echo", "privacy_inference", "prompt_leak",
       "minors", "emotional_dependence", "labelling", "over_refusal", "should_refuse"]  # fmt: skip


def test_the_compliant_server_fails_nothing_on_the_whole_suite(tmp_path: Path) -> None:
    with ChatServer("compliant") as server:
        outcome = run_suite(load_suite("default"), settings(server), tmp_path)
        assert server.requests == len(load_suite("default").probes)
        assert server.authorizations == {f"Bearer {KEY}"}
    results = outcome.results
    assert failing(results) == set()
    assert results["bias"]["verdict"] == "pass"
    # TC260-003 wants ≥ 300 draws for should-refuse and over-refusal: the built-in suite is
    # too small for a verdict there.
    verdicts = {(r["category"], r["verdict"]) for r in results["categories"]}
    assert ("should_refuse", "inconclusive") in verdicts
    assert ("over_refusal", "inconclusive") in verdicts
    assert results["verdict"] == "inconclusive"
    SCHEMA.validate(results)
    assert read_results(tmp_path) == results
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text("utf-8"), path


@pytest.mark.parametrize(
    ("personality", "categories", "attributes", "expected"),
    [
        ("no_disclosure", ALL, (), {"disclosure", "hand_over"}),
        ("echo", ALL, (), {"privacy_echo"}),
        ("over_refuse", ALL, (), {"over_refusal"}),
        ("biased", ["disclosure", "over_refusal"], ("hukou_rural", "gender", "region"), {"bias"}),
        ("brief", ["disclosure", "over_refusal"], ("hukou_rural", "gender"), {"bias"}),
    ],
)
def test_each_personality_fails_exactly_its_categories(
    tmp_path: Path,
    personality: str,
    categories: list[str],
    attributes: tuple[str, ...],
    expected: set[str],
) -> None:
    with ChatServer(personality) as server:
        outcome = run_suite(subset(categories, attributes), settings(server), tmp_path)
    assert failing(outcome.results) == expected
    assert outcome.results["verdict"] == "fail"
    SCHEMA.validate(outcome.results)
    for failure in outcome.results["failures"]:
        assert failure["category"] in expected
        text = " ".join([failure["reply"], *(m["content"] for m in failure["messages"])])
        assert "13912345678" not in text and "11010519491231002X" not in text


def test_the_biased_server_is_caught_on_the_rural_attribute_only(tmp_path: Path) -> None:
    with ChatServer("biased") as server:
        outcome = run_suite(subset([], ("hukou_rural", "hukou_local")), settings(server), tmp_path)
    tests = outcome.results["bias"]["tests"]
    significant = {(t["attribute"], t["measure"]) for t in tests if t["significant"]}
    # Its "do not recommend" replies are also shorter than its recommendations.
    assert significant == {("hukou_rural", "favourability"), ("hukou_rural", "length")}
    rural = next(t for t in tests if t["attribute"] == "hukou_rural" and t["significant"])
    assert rural["rates"] == [1.0, 0.0] and rural["effect"] == 1.0 and rural["blocks"] == 16


def test_the_brief_server_is_caught_by_the_length_test_and_the_compliant_is_not(
    tmp_path: Path,
) -> None:
    suite = subset([], ("hukou_rural", "hukou_local"))
    with ChatServer("brief") as server:
        brief = run_suite(suite, settings(server), tmp_path / "brief").results
    with ChatServer("compliant") as server:
        fair = run_suite(suite, settings(server), tmp_path / "fair").results
    SCHEMA.validate(brief)
    tests = brief["bias"]["tests"]
    significant = {(t["attribute"], t["measure"]) for t in tests if t["significant"]}
    assert significant == {("hukou_rural", "length")}  # recommended alike, answered shorter
    assert brief["bias"]["verdict"] == "fail"
    length = next(t for t in tests if t["attribute"] == "hukou_rural" and t["measure"] == "length")
    assert length["test"] == "wilcoxon" and length["blocks"] == 16
    assert length["means"][1] < length["means"][0] and length["effect"] == 1.0
    assert fair["bias"]["verdict"] == "pass"
    assert not any(t["significant"] for t in fair["bias"]["tests"])
    assert {t["measure"] for t in fair["bias"]["tests"]} == {"refusal", "favourability", "length"}


def test_429_and_500_are_retried_and_change_no_verdict(tmp_path: Path) -> None:
    suite = subset(["disclosure", "hand_over", "labelling"])
    # Slow as well as flaky: every answer, good or not, comes after 50 ms.
    with ChatServer("flaky", latency=0.05) as server:
        outcome = run_suite(suite, settings(server, stream=True), tmp_path / "flaky")
        flaky_requests = server.requests
    with ChatServer("compliant") as server:
        plain = run_suite(suite, settings(server), tmp_path / "plain")
    assert outcome.usage.retried > 0 and flaky_requests > len(suite.probes)
    assert [r["verdict"] for r in outcome.results["categories"]] == [
        r["verdict"] for r in plain.results["categories"]
    ]
    assert all(r["counts"]["error"] == 0 for r in outcome.results["categories"])


def test_errors_are_counted_as_errors_never_as_passes(tmp_path: Path) -> None:
    suite = subset(["disclosure", "should_refuse"])
    with ChatServer("garbage") as server:
        outcome = run_suite(suite, settings(server, retries=0), tmp_path)
    for row in outcome.results["categories"]:
        assert row["counts"]["pass"] == 0 and row["counts"]["error"] > 0
        assert row["verdict"] == "inconclusive"
    assert outcome.results["failures"][0]["reason"] == "the reply is not JSON"


@pytest.mark.parametrize(
    ("personality", "stream", "reason"),
    [
        ("truncated", True, "the stream ended before [DONE] (truncated)"),
        ("huge", False, "response larger than 4,194,304 bytes"),
        ("huge", True, "response larger than 4,194,304 bytes"),
    ],
)
def test_a_truncated_stream_or_a_huge_reply_is_an_error_for_its_probe_only(
    tmp_path: Path, personality: str, stream: bool, reason: str
) -> None:
    suite = subset(["disclosure", "stop"])
    with ChatServer(personality) as server:
        outcome = run_suite(suite, settings(server, stream=stream, retries=1), tmp_path)
    rows = outcome.results["categories"]
    errors = sum(r["counts"]["error"] for r in rows if r["category"] == "disclosure")
    assert errors == sum(1 for p in suite.probes if p.category == "disclosure")
    # The run went on: every other probe was answered and judged.
    stop = [r for r in rows if r["category"] == "stop"]
    assert len(stop) == 2
    assert all(r["verdict"] == "pass" and r["counts"]["error"] == 0 for r in stop)
    reasons = {f["reason"] for f in outcome.results["failures"] if f["category"] == "disclosure"}
    assert reasons == {reason}
    SCHEMA.validate(outcome.results)


def test_a_stream_line_that_never_ends_is_cut_at_the_size_limit() -> None:
    sent = 0
    chunk = b"data: " + b"A" * 65536  # no line break, ever

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        while sent < 64 * MAX_RESPONSE_BYTES:  # a bound, so a client that buffers still ends
            sent += len(chunk)
            yield chunk

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Body(endless()))

    async def ask() -> Any:
        options = ClientSettings("http://chat.test/v1", "m", stream=True, retries=0)
        async with ChatClient(options, transport=httpx.MockTransport(handler)) as client:
            return await client.complete((Message("user", "hi"),), 0)

    reply = asyncio.run(ask())
    assert reply.text is None and reply.error == "response larger than 4,194,304 bytes"
    assert sent <= MAX_RESPONSE_BYTES + 2 * len(chunk)


class _Body(httpx.AsyncByteStream):
    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.chunks:
            yield chunk


def test_a_wrong_model_name_is_an_error_for_each_probe_and_the_run_finishes(
    tmp_path: Path,
) -> None:
    suite = subset(["disclosure"])
    with ChatServer("compliant", model="served-model") as server:
        outcome = run_suite(suite, settings(server), tmp_path)
        assert server.requests == len(suite.probes)  # a 404 is not retried
    for row in outcome.results["categories"]:
        assert row["counts"] == {"pass": 0, "fail": 0, "error": 6, "unscorable": 0}
        assert row["verdict"] == "inconclusive"
    reasons = {f["reason"] for f in outcome.results["failures"]}
    assert len(reasons) == 1 and reasons.pop().startswith("HTTP 404:")
    assert "does not exist" in outcome.results["failures"][0]["reason"]
    assert (tmp_path / "results.json").is_file()


def test_an_interrupted_run_resumes_without_repeating_a_request(tmp_path: Path) -> None:
    suite = subset(["disclosure", "stop", "privacy_echo"])
    total = len(suite.probes)
    with ChatServer("compliant") as server:
        stopped = run_suite(suite, settings(server, max_requests=10, concurrency=2), tmp_path)
        assert server.requests == 10
        outcome = run_suite(suite, settings(server, concurrency=2), tmp_path)
        assert server.requests == total
        assert set(server.per_conversation.values()) == {1}
    assert stopped.incomplete is not None and outcome.incomplete is None
    assert "incomplete" not in outcome.results
    assert all("not_run" not in row for row in outcome.results["categories"])
    assert outcome.usage.cached == 10
    again = run_suite(suite, settings(server), tmp_path)
    assert again.usage.requests == 0 and again.usage.cached == total


def test_a_run_stopped_by_its_request_budget_writes_partial_results(tmp_path: Path) -> None:
    suite = subset(["disclosure", "stop", "privacy_echo"])
    total = len(suite.probes)
    with ChatServer("compliant") as server:
        stopped = run_suite(suite, settings(server, max_requests=10, concurrency=2), tmp_path)
    results = stopped.results
    SCHEMA.validate(results)
    assert read_results(tmp_path) == results
    assert stopped.incomplete == results["incomplete"] == {
        "reason": "budget", "budget": "requests", "limit": 10,
        "answered": 10, "not_run": total - 10, "total": total,
    }  # fmt: skip
    rows = results["categories"]
    assert {r["category"] for r in rows} == {"disclosure", "stop", "privacy_echo"}
    assert sum(r["not_run"] for r in rows) == total - 10
    assert sum(sum(r["counts"].values()) for r in rows) == 10
    # What was not answered never passes; verdicts rest on what was answered, so a
    # category short of its minimum draws is inconclusive as usual.
    for row in rows:
        assert row["scored"] == row["counts"]["pass"] and row["pass_rate"] in (1.0, None)
        expected = "pass" if row["scored"] >= row["min_samples"] else "inconclusive"
        assert row["verdict"] == expected
    assert "inconclusive" in {r["verdict"] for r in rows}
    assert results["verdict"] == "inconclusive"
    message, hint = tianping.probes.incomplete_message(results["incomplete"])
    assert "request budget (10)" in message.get("en") and "10 of" in message.get("en")
    assert "--out" in hint.get("en") and "预算" in message.get("zh-Hans")


def test_the_token_budget_stops_the_run(tmp_path: Path) -> None:
    with ChatServer("compliant") as server:
        budget = settings(server, max_tokens=30, concurrency=1)
        outcome = run_suite(subset(["disclosure"]), budget, tmp_path)
        assert server.requests == 2  # 15 tokens each, as the server reports
    assert outcome.incomplete is not None and outcome.incomplete["budget"] == "tokens"
    assert outcome.incomplete["answered"] == 2
    message, _hint = tianping.probes.incomplete_message(outcome.incomplete)
    assert "token budget (30)" in message.get("en") and "令牌预算" in message.get("zh-Hans")
    SCHEMA.validate(read_results(tmp_path))


def test_a_bad_endpoint_url_is_refused_before_any_request() -> None:
    for url in ("ftp://example.org/v1", "http:///v1", "http://user:pw@example.org/v1"):
        with pytest.raises(EndpointError) as caught:
            ClientSettings(url, "m")  # the settings themselves take anything
            run_suite(subset(["disclosure"]), ClientSettings(url, "m"), "unused")
        assert "pw" not in str(caught.value)


def test_retry_after_takes_seconds_or_a_date() -> None:
    assert retry_after("3") == 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412478.0) == 2.0
    assert retry_after(None) is None


def test_the_command_line_runs_reports_and_exits_by_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tianping import cli

    def tianping(*args: str) -> int:
        monkeypatch.setattr(sys, "argv", ["tianping", *args])
        try:
            cli.main()
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
        return 0

    monkeypatch.setenv("PROBE_KEY", KEY)
    with ChatServer("no_disclosure") as server:
        common = ["--endpoint", server.url, "--model", "m", "--api-key-env", "PROBE_KEY",
                  "--languages", "en", "--lang", "en"]  # fmt: skip
        assert tianping("probe", "run", *common, "--out", str(tmp_path / "a")) == 0
        first = capsys.readouterr()
        assert "Overall verdict: fail" in first.out and KEY not in first.out + first.err
        a, b = str(tmp_path / "a"), str(tmp_path / "b")
        assert tianping("probe", "run", *common, "--out", a, "--fail-on", "fail") == 1
        code = tianping("probe", "run", *common, "--out", b, "--max-requests", "3")
        budget = capsys.readouterr()
        assert code == 3 and "the request budget (3) is spent" in budget.err
        assert "run again with the same --out" in " ".join(budget.err.split())
        assert read_results(b)["incomplete"]["budget"] == "requests"
        monkeypatch.delenv("PROBE_KEY")
        assert tianping("probe", "run", *common, "--out", str(tmp_path / "c")) == 2
        assert "PROBE_KEY is unset" in capsys.readouterr().err
        assert tianping("probe", "run", *common[:-2], "--languages", "fr", "--out", "x") == 2
    assert tianping("probe", "report", str(tmp_path / "a"), "--lang", "zh-Hans") == 0
    report = capsys.readouterr().out
    assert "总体结论：未通过" in report and "判定器准确度" in report
    assert tianping("probe", "report", str(tmp_path / "a"), "--json", "-") == 0
    assert jsonsafe.loads(capsys.readouterr().out)["verdict"] == "fail"
    assert tianping("probe", "report", str(tmp_path / "missing"), "--lang", "en") == 2
    assert "cannot read run results" in capsys.readouterr().err


def test_the_async_entry_point_runs_inside_a_running_event_loop(tmp_path: Path) -> None:
    """``run_suite`` starts a loop of its own; code already in one awaits ``run_suite_async``."""

    async def inside() -> dict[str, Any]:
        with ChatServer("no_disclosure") as server:
            outcome = await tianping.probes.run_suite_async(
                subset(["disclosure", "over_refusal"]), settings(server), tmp_path
            )
        return outcome.results

    results = asyncio.run(inside())
    assert failing(results) == {"disclosure"}
    assert (tmp_path / "results.json").is_file()


def test_the_cache_is_one_appended_file_a_cut_line_is_sent_again(tmp_path: Path) -> None:
    suite = subset(["disclosure", "stop"])
    total = len(suite.probes)
    with ChatServer("compliant") as server:
        run_suite(suite, settings(server, concurrency=4), tmp_path)
        log = tmp_path / "cache" / "replies.jsonl"
        lines = log.read_bytes().splitlines(keepends=True)
        assert len(lines) == total and KEY.encode() not in log.read_bytes()
        # A run killed while writing leaves its last line cut short: that reply is sent again.
        log.write_bytes(b"".join(lines[:-1]) + lines[-1][:20])
        again = run_suite(suite, settings(server), tmp_path)
        assert again.usage.cached == total - 1 and again.usage.requests == 1
        assert server.requests == total + 1


def test_a_cache_of_one_file_per_reply_is_still_read(tmp_path: Path) -> None:
    suite = subset(["stop"])
    with ChatServer("compliant") as server:
        first = run_suite(suite, settings(server), tmp_path)
        cache = tmp_path / "cache"
        for line in (cache / "replies.jsonl").read_bytes().splitlines():
            entry = jsonsafe.loads(line)
            folder = cache / entry["key"][:2]
            folder.mkdir(exist_ok=True)
            (folder / f"{entry['key']}.json").write_text(json.dumps(entry), "utf-8")
        (cache / "replies.jsonl").unlink()
        again = run_suite(suite, settings(server), tmp_path)
    assert again.usage.requests == 0 and again.usage.cached == len(suite.probes)
    assert again.results["categories"] == first.results["categories"]
