"""Validators: check digits and plausibility checks that turn a pattern match into a finding.

Patterns (``data/detectors.yaml``) only find candidates; these functions decide.
Each validator takes the candidate text and the reference date (for "a real,
past birth date") and answers yes or no. The algorithms are the standards'
own, cited beside the code; the test vectors are in ``REGULATORY_FACTS.md`` §8.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import date

Validator = Callable[[str, date], bool]
"""``validator(candidate, as_of) -> bool``."""

# GB 11643-1999 / ISO 7064 MOD 11-2: weights 2^(17-i) mod 11 and the check characters.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes (first two digits); 81 / 82 / 83: residence permits of
# Hong Kong, Macao and Taiwan residents (GB 11643 numbering, 2018).
_PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
# GB 32100-2015: the 31-character alphabet (no I, O, S, V, Z), weights 3^(i-1) mod 31.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# Mobile number segments allocated by MIIT (first three digits).
_MOBILE_PREFIXES = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149"]
    + [f"15{d}" for d in range(10) if d != 4]
    + ["162", "165", "166", "167"]
    + [f"17{d}" for d in range(9)]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in range(10)]
)
# ISO 13616 IBAN lengths by country (SWIFT IBAN registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_NOT_DIGIT = re.compile(r"[^0-9]")
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for name in names
}
_YMD = re.compile(r"((?:19|20)[0-9]{2})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")
_COMPACT = re.compile(r"((?:19|20)[0-9]{2})([0-9]{2})([0-9]{2})")
_SLASHED = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/((?:19|20)[0-9]{2})")
_MONTH_FIRST = re.compile(r"([A-Za-z]+)\.? ([0-9]{1,2}),? ((?:19|20)[0-9]{2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2}) ([A-Za-z]+)\.? ((?:19|20)[0-9]{2})")
_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]+)?")


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def age_on(birth: date, as_of: date) -> int:
    """Completed years of age on ``as_of``.

    >>> age_on(date(2012, 6, 1), date(2026, 5, 31)), age_on(date(2012, 6, 1), date(2026, 6, 1))
    (13, 14)
    """
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


# --- Chinese identifiers -------------------------------------------------------------------------


def resident_id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2).

    >>> resident_id_check_character("11010519491231002")
    'X'
    """
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_birth_date(value: str) -> date | None:
    """The birth date an 18- or 15-digit resident ID number encodes, if it is a real date."""
    digits = value.strip().upper()
    if len(digits) == 18 and digits[:17].isdigit():
        return _real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    if len(digits) == 15 and digits.isdigit():
        return _real_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    return None


def is_valid_resident_id(value: str, as_of: date | None = None) -> bool:
    """An 18-digit resident ID: province code, a real past birth date, and the check character.

    >>> is_valid_resident_id("11010519491231002X"), is_valid_resident_id("110105194912310021")
    (True, False)
    """
    text = value.strip().upper()
    if len(text) != 18 or not text[:17].isdigit() or text[2:6] == "0000":
        return False
    if text[:2] not in _PROVINCES:
        return False
    birth = resident_id_birth_date(text)
    if birth is None or birth.year < 1900 or birth > (as_of or date.today()):
        return False
    return resident_id_check_character(text[:17]) == text[17]


def is_valid_resident_id_15(value: str, as_of: date | None = None) -> bool:
    """A legacy 15-digit resident ID (no check digit): province code and a real 19YY birth date."""
    text = value.strip()
    if len(text) != 15 or not text.isdigit() or text[:2] not in _PROVINCES:
        return False
    birth = resident_id_birth_date(text)
    return birth is not None and birth <= (as_of or date.today())


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters.

    >>> uscc_check_character("91350100M000100Y4")
    '3'
    """
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str, as_of: date | None = None) -> bool:
    """An 18-character Unified Social Credit Code with a correct GB 32100 check character.

    >>> is_valid_uscc("91350100M000100Y43"), is_valid_uscc("91350100M000100Y44")
    (True, False)
    """
    text = value.strip().upper()
    if len(text) != 18 or any(ch not in _USCC_VALUE for ch in text):
        return False
    if not text[2:8].isdigit():  # the administrative division code
        return False
    if text[:17].isdigit() and text[:2] in _PROVINCES and resident_id_birth_date(text):
        return False  # shaped like a resident ID (province, birth date): not a USCC
    return uscc_check_character(text[:17]) == text[17]


def is_valid_cn_mobile(value: str, as_of: date | None = None) -> bool:
    """A mainland mobile number: 11 digits in an allocated segment, with or without +86 / 0086."""
    digits = _NOT_DIGIT.sub("", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    return len(digits) == 11 and digits[:3] in _MOBILE_PREFIXES


def is_valid_cn_landline(value: str, as_of: date | None = None) -> bool:
    """A landline: area code 010 / 02X (three digits) or 03XX–09XX (four), then 7–8 digits."""
    if value.startswith("("):
        area, _, rest = value[1:].partition(")")
    elif "-" in value[:5]:
        area, _, rest = value.partition("-")
    elif value.startswith(("010", "02")):
        area, rest = value[:3], value[3:]
    else:
        area, rest = value[:4], value[4:]
    local = rest.lstrip("-").split("-", 1)[0]
    three = len(area) == 3 and (area == "010" or area.startswith("02"))
    four = len(area) == 4 and area[1] in "3456789"
    return (three or four) and len(local) in (7, 8) and local[0] in "23456789"


def is_valid_cn_passport(value: str, as_of: date | None = None) -> bool:
    """A passport number shape (E + 8 digits, E + letter + 7 digits, G + 8); not all zeros."""
    return value[-7:] != "0000000"


def is_valid_cn_license_plate(value: str, as_of: date | None = None) -> bool:
    """A plate whose serial (after the province and the authority letter) has ≥ 3 digits."""
    serial = re.sub(r"[·・ ]", "", value)[2:]
    return sum(ch.isdigit() for ch in serial) >= 3


# --- cards and accounts --------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of a digit string (ISO/IEC 7812-1).

    >>> luhn_valid("4539578763621486"), luhn_valid("4539578763621487")
    (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _issuer_plausible(digits: str) -> bool:
    n = len(digits)
    if digits.startswith("62"):  # UnionPay (also 81 for some new cards)
        return 16 <= n <= 19
    if digits.startswith("4"):  # Visa
        return n in (13, 16, 19)
    two, four = int(digits[:2]), int(digits[:4])
    if 51 <= two <= 55 or 2221 <= four <= 2720:  # Mastercard
        return n == 16
    if two in (34, 37):  # American Express
        return n == 15
    if two == 35:  # JCB
        return 16 <= n <= 19
    if digits.startswith(("6011", "65")) or 644 <= int(digits[:3]) <= 649:  # Discover
        return 16 <= n <= 19
    if digits.startswith(("60", "9", "81")):  # older domestic debit cards, UnionPay 81
        return 16 <= n <= 19
    return False


def is_valid_bank_card(value: str, as_of: date | None = None) -> bool:
    """A card number: 13–19 digits, an issuer range that fits its length, and Luhn."""
    digits = _NOT_DIGIT.sub("", value)
    return 13 <= len(digits) <= 19 and _issuer_plausible(digits) and luhn_valid(digits)


def iban_check_digits(country: str, bban: str) -> str:
    """The two ISO 13616 check digits for ``country`` and ``bban`` (mod 97-10).

    >>> iban_check_digits("GB", "WEST12345698765432")
    '82'
    """
    rearranged = (bban + country + "00").upper()
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{98 - number % 97:02d}"


def is_valid_iban(value: str, as_of: date | None = None) -> bool:
    """An IBAN: a known country, its length, and the ISO 7064 mod 97 check (remainder 1).

    >>> is_valid_iban("GB82 WEST 1234 5698 7654 32"), is_valid_iban("GB82 WEST 1234 5698 7654 33")
    (True, False)
    """
    text = _NOT_ALNUM.sub("", value).upper()
    if IBAN_LENGTHS.get(text[:2]) != len(text) or not text[2:4].isdigit():
        return False
    rearranged = text[4:] + text[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# --- network, international ----------------------------------------------------------------------


def is_valid_email(value: str, as_of: date | None = None) -> bool:
    """An address whose local part and domain labels are well formed (RFC 5321 shapes)."""
    local, _, domain = value.rpartition("@")
    if not local or local[0] == "." or local[-1] == "." or ".." in local:
        return False
    labels = domain.split(".")
    return all(label and label[0] != "-" and label[-1] != "-" for label in labels)


def is_valid_ip_address(value: str, as_of: date | None = None) -> bool:
    """A public or private host address: not unspecified, loopback, broadcast or a netmask."""
    if "." in value and ":" not in value:  # the pattern already checked each octet is 0–255
        octets = value.split(".")
        if len(octets) == 4 and all(o.isdigit() and int(o) < 256 for o in octets):
            first = int(octets[0])
            return 0 < first < 224 and first != 127
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    if address.is_unspecified or address.is_loopback or address.is_multicast:
        return False
    if address.version == 4:
        first = int(value.split(".", 1)[0])
        return first not in (0, 255)
    return value.count(":") >= 3 or ("::" in value and len(value) >= 6)


def is_valid_mac_address(value: str, as_of: date | None = None) -> bool:
    """A MAC address other than all zeros or the broadcast address."""
    hexdigits = _NOT_ALNUM.sub("", value).lower()
    return hexdigits not in ("000000000000", "ffffffffffff")


def is_valid_us_ssn(value: str, as_of: date | None = None) -> bool:
    """An SSN the SSA could issue: area not 000, 666 or 9xx; group not 00; serial not 0000."""
    digits = _NOT_DIGIT.sub("", value)
    if len(digits) != 9:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return digits not in ("078051120", "219099999", "123456789")  # advertised specimens


def parse_date(value: str) -> date | None:
    """A date as ``1990-05-01``, ``1990年5月1日``, ``19900501``, ``01/05/1990``, ``May 1, 1990``.

    ``DD/MM/YYYY`` is read day first; when that is no date, month first.

    >>> parse_date("1990年5月1日"), parse_date("May 1, 1990") == parse_date("1 May 1990")
    (datetime.date(1990, 5, 1), True)
    """
    text = value.strip()
    if m := _YMD.fullmatch(text):
        return _real_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.fullmatch(text):
        return _real_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _SLASHED.fullmatch(text):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        return _real_date(year, b, a) or _real_date(year, a, b)
    if m := _MONTH_FIRST.fullmatch(text):
        month = _MONTHS.get(m[1].lower())
        return _real_date(int(m[3]), month, int(m[2])) if month else None
    if m := _DAY_FIRST.fullmatch(text):
        month = _MONTHS.get(m[2].lower())
        return _real_date(int(m[3]), month, int(m[1])) if month else None
    return None


def is_valid_date_of_birth(value: str, as_of: date | None = None) -> bool:
    """A real date from 1900 up to the reference date."""
    born = parse_date(value)
    return born is not None and born.year >= 1900 and born <= (as_of or date.today())


def is_valid_geo_coordinates(value: str, as_of: date | None = None) -> bool:
    """A latitude in [-90, 90] and a longitude in [-180, 180], in either order for bare pairs."""
    numbers = [float(n) for n in _NUMBER.findall(value)]
    if len(numbers) != 2:
        return False
    a, b = numbers
    south_or_west = any(ch in value for ch in "SW南西")
    if south_or_west or any(ch in value for ch in "NE北东"):
        return 0 <= a <= 90 and 0 <= b <= 180
    return (abs(a) <= 90 and abs(b) <= 180) or (abs(b) <= 90 and abs(a) <= 180)


VALIDATORS: dict[str, Validator] = {
    "cn_resident_id": is_valid_resident_id,
    "cn_resident_id_15": is_valid_resident_id_15,
    "cn_uscc": is_valid_uscc,
    "cn_mobile": is_valid_cn_mobile,
    "cn_landline": is_valid_cn_landline,
    "cn_passport": is_valid_cn_passport,
    "cn_license_plate": is_valid_cn_license_plate,
    "bank_card": is_valid_bank_card,
    "iban": is_valid_iban,
    "email": is_valid_email,
    "ip_address": is_valid_ip_address,
    "mac_address": is_valid_mac_address,
    "us_ssn": is_valid_us_ssn,
    "date_of_birth": is_valid_date_of_birth,
    "geo_coordinates": is_valid_geo_coordinates,
}
"""Validators by the name ``detectors.yaml`` gives them."""


def birth_date_of(entity: str, value: str) -> date | None:
    """The birth date a finding's value states (resident IDs, dates of birth), else ``None``."""
    if entity == "cn_resident_id":
        return resident_id_birth_date(value)
    if entity == "date_of_birth":
        return parse_date(value)
    return None


__all__ = [
    "IBAN_LENGTHS",
    "VALIDATORS",
    "Validator",
    "age_on",
    "birth_date_of",
    "iban_check_digits",
    "is_valid_bank_card",
    "is_valid_cn_landline",
    "is_valid_cn_mobile",
    "is_valid_date_of_birth",
    "is_valid_email",
    "is_valid_geo_coordinates",
    "is_valid_iban",
    "is_valid_ip_address",
    "is_valid_mac_address",
    "is_valid_resident_id",
    "is_valid_resident_id_15",
    "is_valid_us_ssn",
    "is_valid_uscc",
    "luhn_valid",
    "parse_date",
    "resident_id_birth_date",
    "resident_id_check_character",
    "uscc_check_character",
]
