"""The JSON-over-HTTP adapter against the local server's plain JSON personality."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tianping import jsonsafe
from tianping.probes import ClientSettings, EndpointError, JsonAdapter, Message, run_suite

from .chat_server import ChatServer
from .test_run import SCHEMA, failing, subset

TEMPLATE = Path(__file__).resolve().parents[2] / "examples" / "probes" / "json-request.json"


def _adapter(path: str = "reply.text") -> JsonAdapter:
    return JsonAdapter.read(TEMPLATE, path)


def _settings(server: ChatServer, adapter: JsonAdapter) -> ClientSettings:
    url = server.url.removesuffix("/v1") + "/json"
    return ClientSettings(url, "plain-model", adapter=adapter, backoff=0.01, retries=0)


def _errors(results: dict[str, object]) -> int:
    rows = results["categories"]
    assert isinstance(rows, list)
    return sum(row["counts"]["error"] for row in rows)


def test_the_template_is_filled_on_the_parsed_document() -> None:
    adapter = JsonAdapter.from_data({"q": "Ask: {{prompt}}", "m": "{{model}}", "h": "{{messages}}"},
                                    "answer.0.text")  # fmt: skip
    messages = (Message("system", "be kind"), Message("user", 'say "hi"}, {"x": 1'))
    body = adapter.request(messages, "m1")
    assert body == {"q": 'Ask: say "hi"}, {"x": 1', "m": "m1",
                    "h": [{"role": "system", "content": "be kind"},
                          {"role": "user", "content": 'say "hi"}, {"x": 1'}]}  # fmt: skip
    assert adapter.text({"answer": [{"text": "ok"}]}) == "ok"
    with pytest.raises(ValueError, match=r"the reply has no answer\.0"):
        adapter.text({"answer": []})
    with pytest.raises(ValueError, match="is not text"):
        adapter.text({"answer": [{"text": 3}]})


def test_a_plain_json_service_is_probed_like_a_chat_endpoint(tmp_path: Path) -> None:
    with ChatServer("json") as server:
        outcome = run_suite(subset(["disclosure", "hand_over"]), _settings(server, _adapter()),
                            tmp_path)  # fmt: skip
        assert server.requests == len(subset(["disclosure", "hand_over"]).probes)
    results = outcome.results
    assert failing(results) == set() and _errors(results) == 0
    assert results["run"]["parameters"]["adapter"] == "json"
    assert results["run"]["parameters"]["response_path"] == "reply.text"
    SCHEMA.validate(results)


@pytest.mark.parametrize(
    ("personality", "path", "reason"),
    [
        ("json", "reply.txt", "the reply has no reply.txt"),
        ("json_garbage", "reply.text", "the reply is not JSON"),
    ],
)
def test_a_wrong_path_or_a_reply_that_is_not_json_is_that_probes_error(
    tmp_path: Path, personality: str, path: str, reason: str
) -> None:
    suite = subset(["disclosure"])
    with ChatServer(personality) as server:
        outcome = run_suite(suite, _settings(server, _adapter(path)), tmp_path)
    assert _errors(outcome.results) == len(suite.probes)
    assert {f["reason"] for f in outcome.results["failures"]} == {reason}


def test_a_template_without_a_placeholder_or_a_bad_path_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"q": "hello"}', "utf-8")
    with pytest.raises(EndpointError, match=r"no .* placeholder"):
        JsonAdapter.read(bad, "reply.text")
    with pytest.raises(EndpointError, match=r"response path reply\.\.text is invalid"):
        JsonAdapter.read(TEMPLATE, "reply..text")


def test_the_command_line_takes_the_adapter(
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

    bank = Path(__file__).resolve().parents[2] / "examples" / "probes" / "bank.jsonl"
    with ChatServer("json") as server:
        url = server.url.removesuffix("/v1") + "/json"
        common = ["--endpoint", url, "--model", "m", "--suite", str(bank), "--lang", "en",
                  "--adapter", "json", "--request-template", str(TEMPLATE)]  # fmt: skip
        out = str(tmp_path / "a")
        assert tianping("probe", "run", *common, "--response-path", "reply.text", "--out", out) == 0
        capsys.readouterr()
        assert tianping("probe", "run", *common, "--out", out) == 2
        assert "--response-path" in capsys.readouterr().err
        bad = tmp_path / "bad.json"
        bad.write_bytes(b"\xff\xfe not json")
        args = [*common[:-1], str(bad), "--response-path", "reply.text", "--out", out]
        assert tianping("probe", "run", *args) == 2
        assert "request template" in capsys.readouterr().err
    written = jsonsafe.loads((tmp_path / "a" / "results.json").read_bytes())
    assert written["run"]["parameters"]["adapter"] == "json"
