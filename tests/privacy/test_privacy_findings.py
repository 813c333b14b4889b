"""Findings carry masked forms and salted hashes, never the raw value."""

from __future__ import annotations

import json

import pytest

from tianping.privacy import Finding, Scanner, generate_corpus, salt_id, scan

from .conftest import AS_OF, SALT

RAW = {
    "cn_resident_id": "11010519491231002X",
    "bank_card": "6222020200112345679",
    "cn_mobile": "13912345678",
    "email": "zhangsan@example.com",
    "cn_uscc": "91350100M000100Y43",
    "iban": "GB82WEST12345698765432",
    "us_ssn": "219-09-9998",
    "ip_address": "192.168.1.20",
}
TEXT = (
    f"身份证{RAW['cn_resident_id']}，卡号{RAW['bank_card']}，手机{RAW['cn_mobile']}，"
    f"邮箱{RAW['email']}，信用代码{RAW['cn_uscc']}，IBAN {RAW['iban']}，SSN {RAW['us_ssn']}，"
    f"IP {RAW['ip_address']}。"
)


def test_every_entity_in_the_text_is_found(scanner: Scanner) -> None:
    assert {f.entity for f in scanner.scan_text(TEXT)} == set(RAW)


def test_no_raw_value_appears_in_repr_or_json(scanner: Scanner) -> None:
    findings = scanner.scan_text(TEXT)
    dumped = json.dumps([f.to_json() for f in findings], ensure_ascii=False)
    shown = repr(findings) + str(findings)
    for value in RAW.values():
        assert value not in dumped and value not in shown
        assert value.lower() not in dumped.lower()


def test_no_raw_value_appears_anywhere_in_a_scan_report_of_the_corpus(tmp_path) -> None:
    corpus = generate_corpus(seed=5, documents=60, as_of=AS_OF)
    paths = []
    raw_values = set()
    for sample in corpus.samples:
        if sample.text is None:
            continue
        path = tmp_path / f"{sample.id}.txt"
        path.write_text(sample.text, encoding="utf-8")
        paths.append(path)
        raw_values |= {sample.text[label.start : label.end] for label in sample.labels}
    report = scan([tmp_path], salt=SALT, as_of=AS_OF)
    assert len(report.findings) >= len(raw_values) // 2
    dumped = json.dumps(report.to_json(), ensure_ascii=False) + repr(report)
    leaked = [v for v in raw_values if len(v) >= 6 and v in dumped]
    assert leaked == []


def test_hashes_are_keyed_by_the_salt_and_ignore_formatting(scanner: Scanner) -> None:
    a = scanner.scan_text("13912345678")[0]
    b = scanner.scan_text("+86 139-1234-5678")[0]
    assert a.hash == b.hash
    other = Scanner(salt=b"another salt", as_of=AS_OF).scan_text("13912345678")[0]
    assert other.hash != a.hash
    assert len(a.hash) == 64


def test_scans_draw_a_fresh_salt_each_time(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("手机13912345678", encoding="utf-8")
    one, two = scan([tmp_path]), scan([tmp_path])
    assert one.findings[0].hash != two.findings[0].hash
    assert one.salt_id != two.salt_id
    assert salt_id(SALT) == scan([tmp_path], salt=SALT).salt_id
    assert SALT.hex() not in json.dumps(scan([tmp_path], salt=SALT).to_json())


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证11010519491231002X", "110*************2X"),
        ("卡号6222020200112345679", "6222***********5679"),
        ("邮箱zhangsan@example.com", "z***@example.com"),
        ("姓名：欧阳娜娜，", "欧***"),
        ("Name: John Smith,", "J*** S****"),
        ("IP 192.168.1.20", "192.168.*.*"),
        ("出生日期：1990年5月1日", "1990年*月*日"),
    ],
)
def test_masks_hide_most_of_the_value(scanner: Scanner, text: str, masked: str) -> None:
    assert scanner.scan_text(text)[0].masked == masked


def test_findings_round_trip_through_json(scanner: Scanner) -> None:
    for finding in scanner.scan_text(TEXT):
        assert Finding.from_json(json.loads(json.dumps(finding.to_json()))) == finding


def test_a_finding_checks_its_span_and_confidence() -> None:
    with pytest.raises(ValueError):
        Finding("email", "x", 5, 5, 0.9, "*", "h")
    with pytest.raises(ValueError):
        Finding("email", "x", 0, 5, 1.5, "*", "h")


def test_error_messages_that_quote_data_are_redacted() -> None:
    from tianping.privacy._scanner import error_reason, redact

    message = "CSV parse error: Expected 3 columns, got 4: 李娜,13812345678,a.b@example.com"
    assert "13812345678" not in redact(message) and "a.b@example.com" not in redact(message)
    assert redact(message).startswith("CSV parse error: Expected 3 columns")
    assert "13812345678" not in error_reason(ValueError(message + "\nsecond line"))
