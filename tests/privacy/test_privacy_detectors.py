"""Detectors: entity names, pattern rules, CJK-glued values, near-misses, overlaps."""

from __future__ import annotations

import copy

import pytest
import yaml

from tianping.privacy import ENTITIES, DetectorError, Scanner, load_detectors
from tianping.privacy._detectors import detectors_from_mapping, load_pipl_classes, read_data

ISSUE_ENTITIES = [
    "cn_resident_id",
    "cn_uscc",
    "cn_mobile",
    "cn_landline",
    "bank_card",
    "cn_passport",
    "hk_macao_taiwan_permit",
    "cn_license_plate",
    "cn_address",
    "person_name",
    "email",
    "iban",
    "ip_address",
    "mac_address",
    "us_ssn",
    "date_of_birth",
    "geo_coordinates",
]


def entities_in(scanner: Scanner, text: str) -> list[tuple[str, str]]:
    """(entity, text of the span) for each finding; the spans are read back from ``text``."""
    return [(f.entity, text[f.start : f.end]) for f in scanner.scan_text(text)]


def test_the_entity_names_are_exactly_the_documented_ones() -> None:
    assert list(ENTITIES) == ISSUE_ENTITIES
    assert list(load_detectors().entities) == ISSUE_ENTITIES


def test_every_entity_has_a_pipl_class_and_bilingual_label() -> None:
    classes = load_pipl_classes()["entities"]
    for name, entity in load_detectors().entities.items():
        assert classes[name] == entity.pipl_class
        assert entity.label.zh and entity.label.en


def _data() -> dict:
    return copy.deepcopy(read_data(None, "detectors.yaml")[0])


@pytest.mark.parametrize(
    ("regex", "problem"),
    [
        (r"\d{11}", "shared subset"),
        (r"(?<![0-9])1[3-9][0-9]{9}", "shared subset"),
        (r"1[0-9]+", "unbounded"),
        (r"1.{10}", "newline"),
        (r"1[^a]{10}", "newline"),
        (r"x?", "empty"),
    ],
)
def test_patterns_outside_the_shared_rules_are_refused(regex: str, problem: str) -> None:
    data = _data()
    data["entities"]["cn_mobile"]["patterns"][0]["regex"] = regex
    with pytest.raises(DetectorError, match=problem):
        detectors_from_mapping(data, pipl=load_pipl_classes(), source="test")


def test_an_unknown_validator_is_refused() -> None:
    data = _data()
    data["entities"]["email"]["validator"] = "no_such_check"
    with pytest.raises(DetectorError, match="no_such_check"):
        detectors_from_mapping(data, pipl=load_pipl_classes(), source="test")


def test_a_detector_file_round_trips_through_yaml(tmp_path) -> None:
    path = tmp_path / "detectors.yaml"
    path.write_text(yaml.safe_dump(_data(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert [p.id for p in load_detectors(path).patterns] == [
        p.id for p in load_detectors().patterns
    ]


def test_unknown_entities_are_an_error_with_a_hint() -> None:
    with pytest.raises(DetectorError) as info:
        Scanner(entities=["cn_mobile", "phone"])
    assert "phone" in str(info.value) and info.value.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号11010519491231002X。", [("cn_resident_id", "11010519491231002X")]),
        ("卡号6222020200112345679，请核对", [("bank_card", "6222020200112345679")]),
        ("手机13912345678联系", [("cn_mobile", "13912345678")]),
        ("电话：+86 139 1234 5678。", [("cn_mobile", "+86 139 1234 5678")]),
        ("邮箱zhangsan@example.com联系", [("email", "zhangsan@example.com")]),
        ("统一社会信用代码91350100M000100Y43。", [("cn_uscc", "91350100M000100Y43")]),
        ("座机010-65123456转", [("cn_landline", "010-65123456")]),
        ("护照号E12345678，", [("cn_passport", "E12345678")]),
        ("往来港澳通行证C12345678。", [("hk_macao_taiwan_permit", "C12345678")]),
        ("台胞证号码12345678。", [("hk_macao_taiwan_permit", "12345678")]),
        ("车牌京A12345的车", [("cn_license_plate", "京A12345")]),
        ("车牌粤BD12345的车", [("cn_license_plate", "粤BD12345")]),
        (
            "收货地址：浙江省杭州市西湖区文三路90号，",
            [("cn_address", "浙江省杭州市西湖区文三路90号")],
        ),
        ("家住杭州市西湖区文三路90号", [("cn_address", "杭州市西湖区文三路90号")]),
        ("姓名：张伟，", [("person_name", "张伟")]),
        ("请联系欧阳娜娜女士办理", [("person_name", "欧阳娜娜")]),
        ("Name: John Smith, ok", [("person_name", "John Smith")]),
        ("IBAN GB82 WEST 1234 5698 7654 32.", [("iban", "GB82 WEST 1234 5698 7654 32")]),
        ("登录IP192.168.1.20，", [("ip_address", "192.168.1.20")]),
        ("client fe80::1ff:fe23:4567:890a up", [("ip_address", "fe80::1ff:fe23:4567:890a")]),
        ("MAC 00:1A:2B:3C:4D:5E", [("mac_address", "00:1A:2B:3C:4D:5E")]),
        ("SSN 219-09-9998", [("us_ssn", "219-09-9998")]),
        ("出生日期：1990年5月1日。", [("date_of_birth", "1990年5月1日")]),
        ("Date of birth: May 1, 1990.", [("date_of_birth", "May 1, 1990")]),
        ("定位39.904200, 116.407400。", [("geo_coordinates", "39.904200, 116.407400")]),
        ("北纬39.9°，东经116.4°", [("geo_coordinates", "北纬39.9°，东经116.4°")]),
    ],
)
def test_values_glued_to_cjk_text_are_found(any_scanner: Scanner, text: str, expected) -> None:
    assert entities_in(any_scanner, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "身份证号110105194912310021。",  # wrong check digit
        "卡号6222020200112345675",  # fails Luhn
        "订单号13912345678已发货",  # a mobile-shaped order number
        "订单编号：6222020200112345679",  # Luhn by chance, but an order number
        "签约日期：2021-05-06",  # a date that is not a birth date
        "软件版本 1.2.3.4。",  # version, not an IP
        "Version 10.2.3.4 released",
        "信用代码91350100M000100Y44有误",  # bad check character
        "IBAN GB82 WEST 1234 5698 7654 33",  # bad mod 97
        "会议时间 12:30:45",
        "编号99010519491231002X",  # no such province
        "金额12345678901234567890元",  # 20 digits: too long for any number
        "1234567890123456",  # no issuer starts with 12
    ],
)
def test_near_misses_are_not_reported(any_scanner: Scanner, text: str) -> None:
    assert any_scanner.scan_text(text) == []


def test_an_eighteen_digit_id_is_tested_as_an_id_before_a_bank_card(scanner: Scanner) -> None:
    # a valid resident ID that also passes Luhn and sits in a card issuer range
    first = "620105199001011234"[:17]
    from tianping.privacy import luhn_valid, resident_id_check_character

    for seq in range(1000):
        candidate = first[:14] + f"{seq:03d}"
        value = candidate + resident_id_check_character(candidate)
        if value[-1] != "X" and luhn_valid(value):
            break
    found = scanner.scan_text(f"号码{value}。")
    assert [f.entity for f in found] == ["cn_resident_id"]
    # with the ID's check digit broken, the same span may be a card
    broken = value[:-1] + str((int(value[-1]) + 1) % 10)
    assert all(f.entity != "cn_resident_id" for f in scanner.scan_text(f"卡号{broken}"))


def test_context_words_raise_and_negative_words_lower_confidence(scanner: Scanner) -> None:
    plain = scanner.scan_text("E12345678")
    assert plain == []  # a bare passport-shaped code is below the threshold
    with_context = scanner.scan_text("护照 E12345678")
    assert [f.entity for f in with_context] == ["cn_passport"]
    assert with_context[0].confidence >= 0.9
    mobile = scanner.scan_text("13912345678")[0].confidence
    assert scanner.scan_text("手机13912345678")[0].confidence > mobile
    low = Scanner(salt=b"s", min_confidence=0.1).scan_text("订单号13912345678")
    assert low[0].confidence < mobile


def test_context_is_taken_from_the_same_line_only(scanner: Scanner) -> None:
    assert scanner.scan_text("护照\nE12345678") == []


def test_entities_can_be_selected(scanner: Scanner) -> None:
    only = Scanner(salt=b"s", entities=["email"])
    text = "a.b@example.com 13912345678"
    assert [f.entity for f in only.scan_text(text)] == ["email"]
    assert {f.entity for f in scanner.scan_text(text)} == {"email", "cn_mobile"}


def test_minors_are_flagged_from_ids_and_birth_dates(scanner: Scanner) -> None:
    from tianping.privacy import resident_id_check_character

    first = "110105" + "20180302" + "123"
    child = first + resident_id_check_character(first)
    found = scanner.scan_text(f"身份证{child}，生日：2018-03-02，家长生日：1980-01-01")
    assert [(f.entity, f.minor) for f in found] == [
        ("cn_resident_id", True),
        ("date_of_birth", True),
        ("date_of_birth", False),
    ]
