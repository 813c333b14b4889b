"""One test per rule: a label that breaks it is judged by it; the rules file is read strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.labels import samples as s
from tianping.aigc import RULES_FILE, RulesError, check_bytes, load_rules


def _jpeg(text: str, namespace: str = s.TC260) -> bytes:
    return s.jpeg(s.jpeg_xmp(s.xmp(text, namespace)))


def _broken(data: bytes, name: str = "x.jpg") -> dict[str, str]:
    """The rules broken (id → English detail) and the verdict under ``"verdict"``."""
    report = check_bytes(data, name)
    broken = {v.rule.id: v.detail.en for v in report.violations}
    return {"verdict": report.verdict, **broken}


def test_the_shipped_rules_load_with_a_confidence_each() -> None:
    rules = load_rules()
    assert rules.fields == tuple(s.LABEL)
    assert {rule.confidence for rule in rules.rules} <= {"V", "S", "M", "?"}
    assert {r.id for r in rules.rules if r.confirmed} >= {"required_fields", "label_value"}
    assert not rules.rule("producer_code").confirmed


def test_label_value() -> None:
    for value in ("1", "2", "3"):
        assert _broken(_jpeg(s.label_json(Label=value))) == {"verdict": "compliant"}
    found = _broken(_jpeg(s.label_json(Label="AIGC")))
    assert found == {
        "verdict": "non_compliant",
        "label_value": 'Label is "AIGC"; it must be one of "1", "2", "3"',
    }


def test_required_fields() -> None:
    found = _broken(_jpeg(s.label_json(ProduceID=None, ReservedCode2=None)))
    assert found == {
        "verdict": "non_compliant",
        "required_fields": "missing fields: ProduceID, ReservedCode2",
    }


def test_no_other_fields() -> None:
    found = _broken(_jpeg(s.label_json(Model="x")))
    assert found == {
        "verdict": "non_compliant",
        "no_other_fields": "fields not in the standard: Model",
    }


def test_string_values() -> None:
    found = _broken(s.markdown("AIGC:\n" + "".join(
        f"  {k}: {1 if k == 'Label' else repr(v)}\n" for k, v in s.LABEL.items()
    )), "x.md")  # fmt: skip
    assert found["verdict"] == "non_compliant"
    assert found["string_values"] == "Label: the value is not a string"
    assert "label_value" in found


def test_charset() -> None:
    found = _broken(_jpeg(s.label_json(ProduceID="生成-0001")))
    assert found["verdict"] == "non_compliant"
    assert set(found) == {"verdict", "charset"}
    assert found["charset"].startswith('ProduceID is "生成-0001"')


def test_producer_code_shape() -> None:
    found = _broken(_jpeg(s.label_json(ContentProducer="ACME-AI")))
    assert found["verdict"] == "non_compliant"
    assert set(found) == {"verdict", "producer_code"}
    # An empty producer is not checked for its shape (producer_filled speaks for it).
    assert "producer_code" not in _broken(_jpeg(s.label_json(ContentProducer="")))


def test_producer_uscc_check_character() -> None:
    wrong = "0011" + "91350100M000100Y44" + "A0001"
    found = _broken(_jpeg(s.label_json(ContentProducer=wrong)))
    assert found == {
        "verdict": "non_compliant",
        "producer_uscc": "the USCC 91350100M000100Y44 inside ContentProducer has a wrong "
        "check character",
    }


def test_producer_filled_is_only_inconclusive() -> None:
    found = _broken(_jpeg(s.label_json(ContentProducer="", ProduceID="")))
    assert found == {
        "verdict": "inconclusive",
        "producer_filled": "ContentProducer, ProduceID: empty",
    }


def test_xmp_namespace() -> None:
    found = _broken(_jpeg(s.label_json(), namespace="http://example.com/aigc/"))
    assert found == {
        "verdict": "non_compliant",
        "xmp_namespace": "the XMP namespace is http://example.com/aigc/; it must be "
        "http://www.tc260.org.cn/ns/AIGC/1.0/",
    }


def test_well_formed() -> None:
    for text, problem in (
        ('{"Label": "1",', "not JSON"),
        ('["Label", "1"]', "not a JSON object"),
        ('{"Label": "1", "Label": "2"}', "duplicate key 'Label'"),
        ("[" * 5000 + "]" * 5000, "nested deeper"),
    ):
        found = _broken(s.png(s.png_text(text)), "x.png")
        assert found["verdict"] == "non_compliant"
        assert set(found) == {"verdict", "well_formed"}, found
        assert problem in found["well_formed"]


def test_the_label_may_be_wrapped_or_escaped() -> None:
    label = s.label_json()
    for text in (s.wrapped(label), '{"AIGC": ' + __import__("json").dumps(label) + "}"):
        assert _broken(s.png(s.png_text(text)), "x.png") == {"verdict": "compliant"}


def test_single_label() -> None:
    one, other = s.label_json(), s.label_json(ProduceID="20250901-0002")
    same = s.png(s.png_text(one), s.png_itxt_xmp(s.xmp(one)))
    assert _broken(same, "x.png") == {"verdict": "compliant"}
    found = _broken(s.png(s.png_text(one), s.png_itxt_xmp(s.xmp(other))), "x.png")
    assert found["verdict"] == "non_compliant"
    assert found["single_label"].startswith("2 different labels found: PNG tEXt AIGC;")
    assert _broken(s.docx(one, copies=2), "x.docx") == {"verdict": "compliant"}
    pdf = s.pdf(b"/AIGC " + s.pdf_literal(one) + b" /AIGC " + s.pdf_literal(other))
    assert _broken(pdf, "x.pdf")["verdict"] == "non_compliant"


def test_rules_from_another_file_are_read_strictly(tmp_path: Path) -> None:
    text = RULES_FILE.read_text("utf-8")
    cases = {
        "duplicate key": text.replace("version:", "version: x\nversion:", 1),
        "'kind'": text.replace("    kind: well_formed\n", "", 1),
        "does not compile": text.replace("pattern: '[\\x20-\\x7E]*'", "pattern: '[a-'"),
        "not one of the label's fields": text.replace("field: Label", "field: Labels"),
        "appears more than once": text.replace("id: xmp_namespace", "id: well_formed"),
    }
    for problem, changed in cases.items():
        assert changed != text, problem
        path = tmp_path / "rules.yaml"
        path.write_text(changed, "utf-8")
        with pytest.raises(RulesError, match=problem):
            load_rules(path)
    relaxed = text.replace('values: ["1", "2", "3"]', 'values: ["1", "2", "3", "AIGC"]')
    path.write_text(relaxed, "utf-8")
    report = check_bytes(_jpeg(s.label_json(Label="AIGC")), "x.jpg", load_rules(path))
    assert report.verdict == "compliant"
