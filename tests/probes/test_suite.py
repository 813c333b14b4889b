"""The built-in suite as data, its strict loader, and bring-your-own banks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import tianping.probes
from tianping import jsonsafe, yamlsafe
from tianping.probes import CATEGORIES, EXPECTED, SuiteError, load_suite, parse_suite, read_bank

PACKAGE = Path(tianping.probes.__file__).resolve().parent
DATA_DIR = PACKAGE / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "probes"
ATTRIBUTES = {
    "gender", "age", "hukou_rural", "hukou_local", "region", "ethnicity", "disability",
    "religion", "occupation", "health",
}  # fmt: skip


def test_the_default_suite_has_300_probes_in_both_languages_and_every_category() -> None:
    suite = load_suite("default")
    assert len(suite.probes) >= 300
    per = Counter((p.category, p.language) for p in suite.probes)
    for category in CATEGORIES:
        assert per[(category, "zh")] >= 5, category
        assert per[(category, "en")] >= 5, category
    assert {p.expected for p in suite.probes} == set(EXPECTED)
    assert all(p.articles and all(1 <= a <= 25 for a in p.articles) for p in suite.probes)
    assert {p.risk_class for p in suite.probes if p.category == "should_refuse"} == {
        "A.1", "A.2", "A.3", "A.4", "A.5"
    }  # fmt: skip


def test_counterfactual_sets_vary_one_attribute_over_the_same_request() -> None:
    suite = load_suite("default")
    sets: dict[str, list[str]] = {}
    for probe in suite.probes:
        if probe.counterfactual is not None:
            sets.setdefault(probe.counterfactual.set, []).append(probe.messages[-1].content)
    assert {s.split("-")[2] for s in sets} == ATTRIBUTES
    rural = [p for p in suite.probes if p.id.startswith("bias-loan-hukou_rural-zh")]
    assert [p.messages[-1].content.count("农村户籍") for p in rural] == [0, 1]
    for prompts in sets.values():
        assert len(prompts) >= 2 and len(set(prompts)) == len(prompts)
        # the same request: only the phrase naming the person differs
        assert len({p[-40:] for p in prompts}) == 1


def test_the_suite_hash_is_stable_and_follows_the_probes() -> None:
    data = yamlsafe.load((DATA_DIR / "suite-default.yaml").read_bytes())
    first, again = parse_suite(data), load_suite("default")
    assert first.sha256 == again.sha256
    data["probes"][0]["prompt"] = "你是机器人吗？"
    assert parse_suite(data).sha256 != first.sha256


def test_a_duplicated_key_or_a_schema_violation_names_the_place(tmp_path: Path) -> None:
    text = (DATA_DIR / "suite-default.yaml").read_text("utf-8")
    twice = tmp_path / "twice.yaml"
    twice.write_text(text.replace("name: default\n", "name: default\nname: again\n", 1), "utf-8")
    with pytest.raises(SuiteError, match=r"line 6, column 1: duplicate key 'name'") as caught:
        load_suite(twice)
    assert "suite.schema.json" in (caught.value.hint or "")
    assert "探针套件" in str(caught.value.in_language("zh-Hans"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("expected: refuse,", "expected: maybe,", 1), "utf-8")
    with pytest.raises(SuiteError, match=r"at categories\.privacy_inference\.expected"):
        load_suite(bad)
    dup = tmp_path / "dup.yaml"
    dup.write_text(text.replace("id: disclosure-zh-02,", "id: disclosure-zh-01,", 1), "utf-8")
    with pytest.raises(SuiteError, match="disclosure-zh-01 appears more than once"):
        load_suite(dup)


def test_an_unknown_suite_name_lists_the_built_in_ones() -> None:
    with pytest.raises(SuiteError, match="built-in suites: default"):
        load_suite("nonesuch")


def test_banks_in_csv_and_json_lines() -> None:
    jsonl = read_bank(EXAMPLES / "bank.jsonl")
    assert len(jsonl.probes) == 6
    hand_over = next(p for p in jsonl.probes if p.expected == "hand_over")
    assert [m.role for m in hand_over.messages] == ["system", "user"]
    assert hand_over.articles == (3, 16) and hand_over.detectors == ("hand_over",)
    csv = load_suite(EXAMPLES / "bank.csv")
    assert [p.id for p in csv.probes] == ["org-answer-zh-02", "org-refuse-en-02"]
    assert csv.probes[1].risk_class == "A.2"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rows.jsonl", '{"id": "a", "language": "fr", "category": "x", "expected": "answer", '
         '"prompt": "p"}\n', r"row 1 is invalid: language"),
        ("rows.jsonl", '{"id": "a", "language": "zh", "category": "x", "expected": "answer", '
         '"prompt": "p"}\n{"id": "a", "language": "zh", "category": "x", "expected": "refuse", '
         '"prompt": "q"}\n', r"row 2 is invalid: probe id a appears more than once"),
        ("rows.jsonl", "[1, 2]\n", r"row 1 is invalid: not a JSON object"),
        ("rows.jsonl", "{oops\n", r"row 1 is invalid"),
        ("rows.csv", "id,language,category,prompt\na,zh,x,p\n", "column expected is missing"),
        ("rows.csv", "id,language,category,expected,prompt\na,zh,x,shout,p\n",
         r"row 2 is invalid: expected"),
        ("rows.csv", "", "column id is missing"),
        ("rows.jsonl", "\n\n", "has no probe"),
        ("rows.txt", "id\n", "format of bank"),
    ],
)  # fmt: skip
def test_invalid_bank_rows_are_refused_naming_the_row(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(SuiteError, match=message):
        load_suite(path)


def test_a_bank_in_another_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("id,language,category,expected,prompt\na,zh,x,answer,你好\n".encode("gbk"))
    with pytest.raises(SuiteError, match="not UTF-8"):
        load_suite(path)


def test_the_schemas_are_valid_json_schemas() -> None:
    for name in ("suite", "bank-row", "results"):
        path = PACKAGE / "schema" / f"{name}.schema.json"
        Draft202012Validator.check_schema(jsonsafe.loads(path.read_bytes()))


def test_the_examples_in_the_docstrings_hold() -> None:
    import doctest
    import importlib

    for name in ("", "._client", "._detectors", "._judge", "._results", "._stats", "._suite"):
        module = importlib.import_module(f"tianping.probes{name}")
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__
