"""Factories for the review tests: members, a committee that meets the national rules, meetings.

``compliant_members()`` is the smallest roster that meets every national rule
on 2026-11-01: seven members (the 2023 Measures' minimum), a chair, peers,
AI technology, ethics and law, both genders, one external member, five-year
terms. Tests change one thing at a time and check that exactly that rule fails.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from tianping.review import (
    RULES_DIR,
    Committee,
    Meeting,
    Member,
    RuleSet,
    load_rules,
)

ON = date(2026, 11, 1)
START = date(2026, 1, 1)
END = date(2030, 12, 31)  # exactly five years from START, both days included


def member(
    member_id: str,
    *disciplines: str,
    gender: str = "female",
    external: bool = False,
    role: str = "member",
    organisation: str | None = None,
    term_start: date = START,
    term_end: date = END,
    **extra: Any,
) -> Member:
    return Member(
        id=member_id,
        name=f"Member {member_id}",
        disciplines=tuple(disciplines or ("domain",)),  # type: ignore[arg-type]
        gender=gender,  # type: ignore[arg-type]
        external=external,
        organisation=organisation or ("Outside University" if external else "Acme"),
        term_start=term_start,
        term_end=term_end,
        role=role,  # type: ignore[arg-type]
        **extra,
    )


def compliant_members() -> list[Member]:
    return [
        member("m1", "ethics", gender="female", role="chair"),
        member("m2", "law", gender="male"),
        member("m3", "domain", gender="female"),
        member("m4", "ai_technology", gender="male"),
        member("m5", "domain", gender="male", external=True),
        member("m6", "domain", gender="female"),
        member("m7", "other", gender="male"),
    ]


def committee_of(members: list[Member], **extra: Any) -> Committee:
    fields: dict[str, Any] = {
        "id": "c1",
        "name": "Acme Ethics Committee",
        "organisation": "Acme",
        "established_on": START,
        "members": members,
    }
    fields.update(extra)
    return Committee(**fields)


def meeting_of(present: list[str], *, roster: list[Member] | None = None, **extra: Any) -> Meeting:
    return Meeting(committee_of(roster or compliant_members()), present=present, **extra)


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules(on=ON)


@pytest.fixture(scope="session")
def sichuan() -> RuleSet:
    return load_rules("sichuan", on=ON)


def shipped(name: str) -> dict[str, Any]:
    """A shipped rule file, parsed (dates stay text), to copy and alter in a test."""
    from tianping.review._loader import parse_yaml

    parsed: dict[str, Any] = parse_yaml((RULES_DIR / f"{name}.yaml").read_text("utf-8"))
    return parsed


def write_rules(folder: Path, **files: dict[str, Any]) -> Path:
    """Write rule files ``<name>.yaml`` into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in files.items():
        (folder / f"{name}.yaml").write_text(
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return folder


def overlay(
    rules: dict[str, Any], *, extends: str = "national", name: str = "testland"
) -> dict[str, Any]:
    """An overlay document with the given rules, citing a test source."""
    built = {}
    for rule_id, value in rules.items():
        built[rule_id] = {
            "title": {"zh-Hans": "测试规则", "en": "A test rule"},
            "value": value,
            "source": "test_rules",
            "article": 1,
            "confidence": "V",
            "effective_from": "2025-01-01",
        }
    return {
        "id": name,
        "extends": extends,
        "version": "2025.1",
        "name": {"zh-Hans": "测试省", "en": "Testland"},
        "effective_from": "2025-01-01",
        "sources": {
            "test_rules": {
                "title": {"zh-Hans": "测试细则", "en": "Test rules"},
                "short": {"zh-Hans": "测试细则", "en": "Test rules"},
            }
        },
        "rules": built,
    }
