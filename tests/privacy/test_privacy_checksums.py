"""Check-digit vectors from REGULATORY_FACTS.md §8 and the standards' own examples."""

from __future__ import annotations

from datetime import date

import pytest

from tianping.privacy import (
    iban_check_digits,
    is_valid_bank_card,
    is_valid_iban,
    is_valid_resident_id,
    is_valid_uscc,
    luhn_valid,
    parse_date,
    resident_id_birth_date,
    resident_id_check_character,
    uscc_check_character,
)
from tianping.privacy._checksums import (
    is_valid_cn_landline,
    is_valid_cn_mobile,
    is_valid_geo_coordinates,
    is_valid_ip_address,
    is_valid_resident_id_15,
    is_valid_us_ssn,
)


def test_the_documented_resident_id_is_valid_and_its_check_character_is_x() -> None:
    assert is_valid_resident_id("11010519491231002X")
    assert is_valid_resident_id("11010519491231002x")
    assert resident_id_check_character("11010519491231002") == "X"
    assert resident_id_birth_date("11010519491231002X") == date(1949, 12, 31)


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",  # wrong check character
        "99010519491231002X",  # no such province
        "110105194913310020",  # month 13
        "110105194902300029",  # 30 February
        "1101051949123100",  # too short
    ],
)
def test_resident_ids_that_fail_a_check_are_rejected(value: str) -> None:
    assert not is_valid_resident_id(value)


def test_a_resident_id_born_after_the_reference_date_is_rejected() -> None:
    first = "110105" + "20300101" + "123"
    value = first + resident_id_check_character(first)
    assert not is_valid_resident_id(value, date(2026, 1, 1))
    assert is_valid_resident_id(value, date(2031, 1, 1))


def test_legacy_fifteen_digit_ids_need_a_province_and_a_real_date() -> None:
    assert is_valid_resident_id_15("110105491231002")
    assert not is_valid_resident_id_15("990105491231002")
    assert not is_valid_resident_id_15("110105491331002")


def test_the_documented_uscc_is_valid() -> None:
    assert is_valid_uscc("91350100M000100Y43")
    assert uscc_check_character("91350100M000100Y4") == "3"
    assert not is_valid_uscc("91350100M000100Y44")
    assert not is_valid_uscc("91350100M000100I43")  # I is not in the alphabet


def test_luhn_vectors() -> None:
    assert luhn_valid("79927398713")  # the textbook example
    assert not luhn_valid("79927398710")
    assert luhn_valid("4539578763621486")
    assert not luhn_valid("45395787636214x6")


def test_bank_cards_need_luhn_and_an_issuer_range_that_fits_their_length() -> None:
    assert is_valid_bank_card("4539 5787 6362 1486")
    assert is_valid_bank_card("6222020200112345679")  # UnionPay, 19 digits, Luhn
    assert not is_valid_bank_card("6222020200112345675")
    assert not is_valid_bank_card("1234567812345670")  # Luhn, but no issuer starts with 12
    assert not is_valid_bank_card("378282246310005" + "0")  # Amex range, wrong length


@pytest.mark.parametrize(
    "iban",
    [
        "GB82 WEST 1234 5698 7654 32",
        "DE89 3704 0044 0532 0130 00",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NL91ABNA0417164300",
    ],
)
def test_iban_mod_97_examples(iban: str) -> None:
    assert is_valid_iban(iban)
    compact = iban.replace(" ", "")
    assert iban_check_digits(compact[:2], compact[4:]) == compact[2:4]


def test_ibans_with_a_wrong_check_or_length_are_rejected() -> None:
    assert not is_valid_iban("GB82 WEST 1234 5698 7654 33")
    assert not is_valid_iban("GB82 WEST 1234 5698 7654 3")
    assert not is_valid_iban("ZZ82 WEST 1234 5698 7654 32")


def test_mobile_numbers_need_an_allocated_segment() -> None:
    assert is_valid_cn_mobile("13912345678")
    assert is_valid_cn_mobile("+86 139 1234 5678")
    assert is_valid_cn_mobile("0086-13912345678")
    assert not is_valid_cn_mobile("12012345678")
    assert not is_valid_cn_mobile("15412345678")


def test_landlines_need_a_real_area_code_shape() -> None:
    assert is_valid_cn_landline("010-65123456")
    assert is_valid_cn_landline("(0571)87654321")
    assert is_valid_cn_landline("075587654321")
    assert not is_valid_cn_landline("011-65123456")
    assert not is_valid_cn_landline("0123-1234567")


def test_ssns_the_ssa_never_issues_are_rejected() -> None:
    assert is_valid_us_ssn("219-09-9998")
    for value in ("000-12-3456", "666-12-3456", "912-12-3456", "219-00-9998", "219-09-0000"):
        assert not is_valid_us_ssn(value)
    assert not is_valid_us_ssn("078-05-1120")  # the Woolworth wallet card


def test_ip_addresses_that_are_not_hosts_are_rejected() -> None:
    assert is_valid_ip_address("192.168.1.20")
    assert is_valid_ip_address("2001:db8::1")
    for value in ("0.0.0.0", "127.0.0.1", "255.255.255.0", "224.0.0.1", "::1", "12:30:45"):
        assert not is_valid_ip_address(value)


def test_coordinates_must_be_in_range() -> None:
    assert is_valid_geo_coordinates("39.904200, 116.407400")
    assert is_valid_geo_coordinates("116.407400, 39.904200")  # longitude first
    assert not is_valid_geo_coordinates("139.904200, 216.407400")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-05-01", date(1990, 5, 1)),
        ("1990/5/1", date(1990, 5, 1)),
        ("1990年5月1日", date(1990, 5, 1)),
        ("19900501", date(1990, 5, 1)),
        ("01/05/1990", date(1990, 5, 1)),
        ("12/25/1990", date(1990, 12, 25)),
        ("May 1, 1990", date(1990, 5, 1)),
        ("1 May 1990", date(1990, 5, 1)),
        ("1990-02-30", None),
    ],
)
def test_dates_in_the_usual_forms_are_parsed(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected
