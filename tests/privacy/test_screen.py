"""Screening records: every value and key at any depth, pointers and entities, never values."""

from __future__ import annotations

import pytest

from tianping.privacy import MAX_SCREEN_DEPTH, PrivacyError, RecordScreen, hyperscan_available
from tianping.privacy._messages import ERR_SCREEN_DEPTH

RECORD = {
    "case": 7,
    "scores": [0.5000123456789012, 0.93],  # fractions never pass for card numbers
    "ts": 1733500000000,  # a millisecond timestamp is not a card (issuer range)
    "order_no": "13912345678",  # the key argues against a phone number
    "applicant": {"phone": "139 1234 5678", "ids": ["x", "11010519491231002X"]},
    "notes": "line one\ncontact li.lei@example.com",
    "company": "91350100M000100Y43",
    "card": 4539578763621486,
    "by_phone": {"13812345678": True},
}
EXPECTED = [
    ("", "cn_mobile", True),  # the key of /by_phone's object is found at "/by_phone"
    ("/applicant/ids/1", "cn_resident_id", False),
    ("/applicant/phone", "cn_mobile", False),
    ("/card", "bank_card", False),
    ("/company", "cn_uscc", False),
    ("/notes", "email", False),
]


@pytest.mark.parametrize("engine", ["re", "hyperscan"])
def test_every_value_and_key_is_screened_at_any_depth(engine: str) -> None:
    if engine == "hyperscan" and not hyperscan_available():
        pytest.skip("hyperscan not installed")
    found = RecordScreen(engine=engine).screen(RECORD)  # type: ignore[arg-type]
    got = sorted((p.pointer, p.entity, p.in_key) for p in found)
    expected = sorted(
        ("/by_phone" if key else pointer, entity, key) for pointer, entity, key in EXPECTED
    )
    assert got == expected


def test_a_batch_is_screened_in_one_pass_and_reports_each_record() -> None:
    found = RecordScreen().screen_many([{"a": 1}, {"b": "13912345678"}, {"c": "ok"}])
    assert [(p.record, p.pointer) for p in found] == [(1, "/b")]


def test_skipped_top_level_fields_are_not_read() -> None:
    assert RecordScreen().screen({"applicant": "13912345678"}, skip=["applicant"]) == []


def test_a_record_nesting_beyond_the_limit_is_refused_not_passed() -> None:
    deep: object = "13912345678"
    for _ in range(MAX_SCREEN_DEPTH + 2):
        deep = [deep]
    with pytest.raises(PrivacyError) as raised:
        RecordScreen().screen({"deep": deep})
    assert raised.value.template == ERR_SCREEN_DEPTH


def test_one_screen_serves_many_threads_at_once() -> None:
    # A server's threads share the default screen; Hyperscan's scratch must not be shared.
    import threading

    screen = RecordScreen()
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        try:
            for _ in range(300):
                assert [p.pointer for p in screen.screen({"a": {"b": "13912345678"}})] == ["/a/b"]
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
