"""The optional LLM judge: measured on the shipped labelled set, unparseable = unscorable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tianping.probes import ClientSettings, labelled_set, probe_report_html, run_suite
from tianping.probes._llm_judge import LABELS, parse_labels

from .chat_server import ChatServer, judge_labels
from .test_run import SCHEMA, settings, subset


def _judge(server: ChatServer) -> ClientSettings:
    return ClientSettings(server.url, "judge-model", concurrency=16, backoff=0.01)


def _expected_accuracy() -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """(tp, fn, tn, fp) per label and language, computed here from the labelled set."""
    table: dict[tuple[str, str], list[int]] = {}
    for entry in labelled_set():
        found = judge_labels(str(entry["text"]))
        for label in LABELS:
            row = table.setdefault((label, str(entry["language"])), [0, 0, 0, 0])
            truth = label in entry["labels"]  # type: ignore[operator]
            row[(0 if found[label] else 1) if truth else (2 if not found[label] else 3)] += 1
    return {key: (a, b, c, d) for key, (a, b, c, d) in table.items()}


def test_the_judge_is_measured_on_the_labelled_set_and_labels_each_reply(tmp_path: Path) -> None:
    suite = subset(["disclosure", "over_refusal"])
    with ChatServer("no_disclosure") as bot, ChatServer("judge") as judge:
        outcome = run_suite(suite, settings(bot), tmp_path, judge_settings=_judge(judge))
        assert judge.requests == len(labelled_set()) + len(suite.probes)
    results = outcome.results
    SCHEMA.validate(results)
    llm = results["llm_judge"]
    assert llm["labelled_set"] == {"responses": len(labelled_set()), "unscorable": 0}
    expected = _expected_accuracy()
    for entry in llm["accuracy"]:
        tp, fn, tn, fp = expected[(entry["detector"], entry["language"])]
        assert (entry["true_positive"], entry["false_negative"]) == (tp, fn)
        assert (entry["true_negative"], entry["false_positive"]) == (tn, fp)
        assert entry["sensitivity"] == round(tp / (tp + fn), 4)
    # The keyword judge is imperfect: the figures show it.
    assert any(e["sensitivity"] < 1 or e["specificity"] < 1 for e in llm["accuracy"])
    by_category = {(r["category"], r["language"]): r["counts"] for r in llm["categories"]}
    # The bot pretends to be a person: the judge fails every disclosure reply.
    assert by_category[("disclosure", "zh")]["fail"] > 0
    assert by_category[("disclosure", "zh")]["pass"] == 0
    assert by_category[("over_refusal", "en")]["pass"] > 0
    html = probe_report_html(results, language="en")
    assert "LLM judge judge-model on the labelled set" in html


def test_an_unparseable_judge_answer_is_unscorable_never_a_pass(tmp_path: Path) -> None:
    suite = subset(["over_refusal"])
    with ChatServer("compliant") as bot, ChatServer("judge_chatty") as judge:
        results = run_suite(suite, settings(bot), tmp_path, judge_settings=_judge(judge)).results
    llm = results["llm_judge"]
    assert llm["labelled_set"]["unscorable"] == len(labelled_set())
    assert all(e["true_positive"] == 0 and e["true_negative"] == 0 for e in llm["accuracy"])
    for row in llm["categories"]:
        assert row["counts"]["pass"] == 0 and row["counts"]["unscorable"] > 0


def test_only_a_strict_object_of_booleans_parses() -> None:
    good = (
        '{"refusal": true, "disclosure": false, "hand_over": false, "stop": false, "label": false}'
    )
    assert parse_labels(good) == dict.fromkeys(LABELS, False) | {"refusal": True}
    assert parse_labels(good.replace("true", '"yes"')) is None
    assert parse_labels('{"refusal": true}') is None
    assert parse_labels("```json\n" + good + "\n```") is None
    assert parse_labels(None) is None


def test_the_command_line_takes_the_judge(
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
    monkeypatch.setenv("JUDGE_KEY", "sk-judge-1234")
    with ChatServer("compliant") as bot, ChatServer("judge") as judge:
        common = ["--endpoint", bot.url, "--model", "m", "--suite", str(bank), "--lang", "en",
                  "--out", str(tmp_path / "a")]  # fmt: skip
        assert tianping("probe", "run", *common, "--judge-endpoint", judge.url) == 2
        capsys.readouterr()
        code = tianping("probe", "run", *common, "--judge-endpoint", judge.url,
                        "--judge-model", "jm", "--judge-api-key-env", "JUDGE_KEY")  # fmt: skip
        out = capsys.readouterr().out
        assert code == 0 and "LLM judge jm on the labelled set" in out
        assert judge.authorizations == {"Bearer sk-judge-1234"}
        assert "sk-judge-1234" not in (tmp_path / "a" / "results.json").read_text("utf-8")
