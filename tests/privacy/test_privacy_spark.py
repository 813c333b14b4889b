"""The Spark partition functions, run on plain iterators of rows (PySpark is optional)."""

from __future__ import annotations

from collections import namedtuple

from tianping.privacy import count_partition, merge_counts, scan_partition
from tianping.privacy._spark import _SCANNERS, executor_scanner

from .conftest import SALT

COLUMNS = ["id", "phone", "note"]
ROWS = [
    {"id": 7, "phone": "13912345678", "note": "邮箱a.b@example.com"},
    {"id": 8, "phone": None, "note": "nothing"},
    {"id": 9, "phone": "13812345678", "note": None},
]


class Row:
    """Stands in for pyspark.sql.Row: asDict() and positional access."""

    def __init__(self, data: dict) -> None:
        self._data = data

    def asDict(self) -> dict:
        return dict(self._data)


def test_findings_of_a_partition_carry_the_row_id() -> None:
    out = list(scan_partition(iter(ROWS), columns=COLUMNS, salt=SALT, id_column="id"))
    assert [(r["id"], r["column"], r["entity"]) for r in out] == [
        (7, "phone", "cn_mobile"),
        (7, "note", "email"),
        (9, "phone", "cn_mobile"),
    ]
    assert all("13912345678" not in str(r) for r in out)


def test_rows_may_be_mappings_row_objects_or_tuples() -> None:
    Tuple = namedtuple("Tuple", COLUMNS)
    kinds = [
        iter(ROWS),
        (Row(r) for r in ROWS),
        (Tuple(**r) for r in ROWS),
        (tuple(r.values()) for r in ROWS),
    ]
    results = [
        [(r["row"], r["entity"]) for r in scan_partition(rows, columns=COLUMNS, salt=SALT)]
        for rows in kinds
    ]
    assert all(result == results[0] for result in results)


def test_the_engine_is_built_once_per_process_and_batches_keep_row_numbers() -> None:
    _SCANNERS.clear()
    many = ROWS * 5
    out = list(scan_partition(iter(many), columns=COLUMNS, salt=SALT, batch_rows=2))
    list(scan_partition(iter(ROWS), columns=COLUMNS, salt=SALT))
    assert len(_SCANNERS) == 1
    assert executor_scanner(salt=SALT) is next(iter(_SCANNERS.values()))
    assert [r["row"] for r in out if r["entity"] == "email"] == [0, 3, 6, 9, 12]


def test_partition_counts_add_up() -> None:
    parts = list(count_partition(iter(ROWS), columns=COLUMNS, salt=SALT))
    parts += list(count_partition(iter(ROWS[:1]), columns=COLUMNS, salt=SALT))
    merged = merge_counts(parts)
    assert merged["phone"] == {
        "column": "phone", "rows": 4, "rows_with_findings": 3, "entities": {"cn_mobile": 3},
    }  # fmt: skip
    assert merged["note"]["entities"] == {"email": 2}
