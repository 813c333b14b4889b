"""De-identification by policy: a copy of a table with each column masked, hashed, generalised,
dropped or redacted, keeping the columns, their order and (where the action allows) their types.

A policy (YAML) names an action per column:

``keep``
    The values as they are (the default for columns the policy does not name,
    unless ``default: drop``).
``mask``
    Every letter, digit and CJK character replaced by ``*`` except the first
    ``keep_start`` and last ``keep_end``.
``hash``
    HMAC-SHA256 of the value under the policy's key (hex, ``length`` digits):
    equal values stay equal and joinable, but cannot be looked up without the key.
``generalise``
    Dates to the ``month`` or ``year`` (date columns keep their type: the first
    day of the month or year; text becomes ``1990-05`` / ``1990``); numbers into
    ``bands`` (``[0, 14, 18, 65, 120]`` → ``"14-18"``); addresses to the ``city``
    (``浙江省杭州市西湖区…`` → ``浙江省杭州市``). A value that cannot be
    generalised becomes null — never kept as it was.
``drop``
    Every value null (the column stays, with its type).
``redact``
    Free text scanned for personal data; each finding replaced by its mask.

The key comes from an environment variable or a key file (never from the
policy itself); a policy that hashes without a key is an error.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import narwhals as nw
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from tianping import jsonsafe, yamlsafe
from tianping.csvsafe import ArrowCSVWriter
from tianping.privacy._checksums import parse_date
from tianping.privacy._errors import PolicyError, PrivacyDataError
from tianping.privacy._inputs import SNIFF_BYTES, sniff_encoding
from tianping.privacy._messages import (
    ERR_BAD_KEY_FILE,
    ERR_BAD_POLICY,
    ERR_MISSING_COLUMNS,
    ERR_NO_KEY,
    ERR_PATH_NOT_FOUND,
    ERR_SAME_FILE,
    ERR_UNREADABLE,
    ERR_UNSUPPORTED_DATA,
    ERR_UNSUPPORTED_TABLE,
)
from tianping.privacy._scanner import Scanner, cell_text, error_reason
from tianping.privacy._tables import CSV_BLOCK_BYTES, table_format

Action = Literal["keep", "mask", "hash", "generalise", "drop", "redact"]
ACTIONS: tuple[Action, ...] = ("keep", "mask", "hash", "generalise", "drop", "redact")
POLICY_FORMAT = "tianping.privacy.policy"
DEFAULT_KEY_ENV = "TIANPING_DEID_KEY"
_MASKABLE = re.compile(r"[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class ColumnRule:
    """What to do with one column."""

    action: Action
    keep_start: int = 0
    keep_end: int = 0
    length: int = 64
    to: Literal["month", "year", "city"] | None = None
    bands: tuple[float, ...] | None = None


@dataclass(frozen=True)
class DeidentificationPolicy:
    """Rules per column, the default for the others, and where the hashing key comes from."""

    columns: Mapping[str, ColumnRule]
    default: Literal["keep", "drop"] = "keep"
    key_env: str = DEFAULT_KEY_ENV
    key_file: str | None = None
    source: str = "<policy>"

    def rule(self, column: str) -> ColumnRule:
        return self.columns.get(column, ColumnRule(self.default))

    @property
    def needs_key(self) -> bool:
        return any(rule.action == "hash" for rule in self.columns.values())

    def key(self) -> bytes:
        """The HMAC key: the key file's bytes, else the environment variable's (UTF-8)."""
        if self.key_file:
            path = Path(self.key_file)
            try:
                data = path.read_bytes().strip()
            except OSError as exc:
                raise PolicyError(
                    ERR_BAD_KEY_FILE, params={"path": str(path), "reason": str(exc)}
                ) from exc
            if len(data) < 16:
                raise PolicyError(
                    ERR_BAD_KEY_FILE, params={"path": str(path), "reason": "shorter than 16 bytes"}
                )
            return data
        value = os.environ.get(self.key_env, "")
        if len(value) < 16:
            raise PolicyError(ERR_NO_KEY, params={"env": self.key_env})
        return value.encode("utf-8")


def _fail(source: str, reason: str) -> PolicyError:
    return PolicyError(ERR_BAD_POLICY, params={"source": source, "reason": reason})


def policy_from_mapping(data: Any, *, source: str = "<mapping>") -> DeidentificationPolicy:
    """Read a policy from its YAML structure (see the module docstring and ``docs/privacy.md``)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("columns"), Mapping):
        raise _fail(source, "expected a mapping with 'columns'")
    if data.get("format", POLICY_FORMAT) != POLICY_FORMAT or data.get("version", 1) != 1:
        raise _fail(source, f"expected format {POLICY_FORMAT}, version 1")
    rules: dict[str, ColumnRule] = {}
    for column, raw in data["columns"].items():
        spec = {"action": raw} if isinstance(raw, str) else dict(raw or {})
        action = spec.pop("action", None)
        if action == "generalize":
            action = "generalise"
        if action not in ACTIONS:
            raise _fail(source, f"column {column}: action must be one of {', '.join(ACTIONS)}")
        bands = spec.pop("bands", None)
        to = spec.pop("to", None)
        if to not in (None, "month", "year", "city"):
            raise _fail(source, f"column {column}: to must be month, year or city")
        try:
            rule = ColumnRule(
                action=action,
                keep_start=int(spec.pop("keep_start", 0)),
                keep_end=int(spec.pop("keep_end", 0)),
                length=int(spec.pop("length", 64)),
                to=to,  # type: ignore[arg-type]  # checked just above
                bands=None if bands is None else tuple(float(b) for b in bands),
            )
        except (TypeError, ValueError) as exc:
            raise _fail(source, f"column {column}: {exc}") from exc
        if spec:
            raise _fail(source, f"column {column}: unknown keys {', '.join(map(str, spec))}")
        if action == "generalise":
            if (to is None) == (bands is None) or to not in (None, "month", "year", "city"):
                raise _fail(source, f"column {column}: give to: month|year|city, or bands")
            if rule.bands is not None and (
                len(rule.bands) < 2 or any(a >= b for a, b in itertools.pairwise(rule.bands))
            ):
                raise _fail(source, f"column {column}: bands must be increasing, at least two")
        if not 8 <= rule.length <= 64 or rule.keep_start < 0 or rule.keep_end < 0:
            raise _fail(source, f"column {column}: length must be 8–64, keeps non-negative")
        rules[str(column)] = rule
    default = data.get("default", "keep")
    if default not in ("keep", "drop"):
        raise _fail(source, "default must be keep or drop")
    key = data.get("key") or {}
    return DeidentificationPolicy(
        columns=rules,
        default=default,
        key_env=str(key.get("env", DEFAULT_KEY_ENV)),
        key_file=key.get("file"),
        source=source,
    )


def load_policy(path: str | Path) -> DeidentificationPolicy:
    """Read a policy file (YAML)."""
    file = Path(path)
    try:
        data = yamlsafe.load_file(file)
    except yamlsafe.DataFileError as exc:
        raise _fail(str(file), exc.detail) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(str(file), str(exc).splitlines()[0]) from exc
    return policy_from_mapping(data, source=str(file))


# --- value transformations -----------------------------------------------------------------------


def mask_text(value: str, keep_start: int = 0, keep_end: int = 0) -> str:
    """Letters, digits and CJK characters replaced by ``*``, but the first / last few kept.

    >>> mask_text("13912345678", 3, 4), mask_text("张三丰", 1)
    ('139****5678', '张**')
    """
    positions = [m.start() for m in _MASKABLE.finditer(value)]
    keep = set(positions[:keep_start]) | set(
        positions[len(positions) - keep_end :] if keep_end else []
    )
    hidden = set(positions) - keep
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def band_label(value: float, edges: tuple[float, ...]) -> str:
    """The band of ``value``: ``"18-30"`` for ``[18, 30)``, ``"<0"`` below, ``">=120"`` above.

    >>> band_label(17, (0, 14, 18, 65)), band_label(70, (0, 14, 18, 65))
    ('14-18', '>=65')
    """

    def edge(v: float) -> str:
        return str(int(v)) if float(v).is_integer() else repr(v)

    if value < edges[0]:
        return f"<{edge(edges[0])}"
    for lo, hi in itertools.pairwise(edges):
        if lo <= value < hi:
            return f"{edge(lo)}-{edge(hi)}"
    return f">={edge(edges[-1])}"


_CITY: re.Pattern[str] | None = None


def address_city(value: str) -> str | None:
    """The province and city an address starts with (``浙江省杭州市西湖区…`` → ``浙江省杭州市``)."""
    global _CITY
    if _CITY is None:
        from tianping.privacy._detectors import read_data

        lists = read_data(None, "detectors.yaml")[0]["lists"]
        provinces = "|".join(sorted(map(re.escape, lists["province"]), key=len, reverse=True))
        suffixes = "|".join(sorted(map(re.escape, lists["province_suffix"]), key=len, reverse=True))
        _CITY = re.compile(
            rf"(?:(?:{provinces})(?:{suffixes})?)?(?:[\u4e00-\u9fa5]{{2,6}}?(?:市|自治州|州|盟|地区))?"
        )
    m = _CITY.match(value.strip())
    return m.group(0) if m and m.group(0) else None


def _generalise_date(value: object, to: str) -> object:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1) if to == "month" else value.replace(month=1, day=1)
    text = cell_text(value)
    parsed = parse_date(text) if text else None
    if parsed is None:
        return None
    return f"{parsed.year:04d}-{parsed.month:02d}" if to == "month" else f"{parsed.year:04d}"


@dataclass
class ColumnOutcome:
    """What de-identifying one column did."""

    column: str
    action: Action
    values: int = 0
    nulled: int = 0
    type_before: str = ""
    type_after: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "action": self.action,
            "values": self.values,
            "nulled": self.nulled,
            "type_before": self.type_before,
            "type_after": self.type_after,
        }


@dataclass
class DeidentificationResult:
    """Rows written and what happened to each column."""

    output: str
    rows: int = 0
    columns: dict[str, ColumnOutcome] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "tianping.privacy.deidentification",
            "version": 1,
            "output": self.output,
            "rows": self.rows,
            "columns": [c.to_json() for c in self.columns.values()],
        }


class _Transformer:
    def __init__(self, policy: DeidentificationPolicy, scanner: Scanner | None) -> None:
        self.policy = policy
        self._key = policy.key() if policy.needs_key else b""
        self._scanner = scanner

    def scanner(self) -> Scanner:
        if self._scanner is None:
            self._scanner = Scanner()
        return self._scanner

    def function(self, rule: ColumnRule) -> Callable[[object], object]:
        action = rule.action
        if action == "mask":
            return lambda v: (
                None if v is None else mask_text(str(cell_text(v)), rule.keep_start, rule.keep_end)
            )
        if action == "hash":
            key, length = self._key, rule.length

            def digest(v: object) -> object:
                text = cell_text(v)
                if text is None:
                    return None
                return hmac.new(key, text.strip().encode("utf-8"), hashlib.sha256).hexdigest()[
                    :length
                ]

            return digest
        if action == "drop":
            return lambda v: None
        if action == "redact":
            return self._redact
        if action == "generalise":
            if rule.bands is not None:
                bands = rule.bands

                def band(v: object) -> object:
                    text = cell_text(v)
                    try:
                        return None if text is None else band_label(float(text), bands)
                    except ValueError:
                        return None

                return band
            if rule.to == "city":
                return lambda v: None if cell_text(v) is None else address_city(str(cell_text(v)))
            to = str(rule.to)
            return lambda v: None if v is None else _generalise_date(v, to)
        return lambda v: v

    def _redact(self, value: object) -> object:
        text = cell_text(value)
        if not text:
            return text
        scanner = self.scanner()
        out = text
        for hit in reversed(scanner.hits(text)):
            masked = scanner.finding(hit, path="").masked
            out = out[: hit.start] + masked + out[hit.end :]
        return out

    def arrow_column(
        self, name: str, column: pa.Array | pa.ChunkedArray, outcome: ColumnOutcome
    ) -> pa.Array:
        rule = self.policy.rule(name)
        if rule.action == "keep":
            return column
        if rule.action == "drop":
            outcome.nulled += len(column) - column.null_count
            return pa.nulls(len(column), type=column.type)
        function = self.function(rule)
        values = column.to_pylist()
        new = [function(v) for v in values]
        outcome.values += sum(v is not None for v in values)
        outcome.nulled += sum(
            1 for a, b in zip(values, new, strict=True) if a is not None and b is None
        )
        if (
            rule.action == "generalise"
            and rule.to in ("month", "year")
            and (pa.types.is_date(column.type) or pa.types.is_timestamp(column.type))
        ):
            return pa.array(new, type=pa.date32()).cast(column.type)
        return pa.array(new, type=pa.string())


def _check_columns(policy: DeidentificationPolicy, names: list[str]) -> None:
    missing = [c for c in policy.columns if c not in names]
    if missing:
        raise PrivacyDataError(
            ERR_MISSING_COLUMNS,
            params={"columns": ", ".join(missing), "available": ", ".join(names)},
        )


def _transform_batch(
    transformer: _Transformer, batch: pa.RecordBatch | pa.Table, result: DeidentificationResult
) -> pa.Table:
    arrays = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        outcome = result.columns.setdefault(
            name,
            ColumnOutcome(name, transformer.policy.rule(name).action, type_before=str(column.type)),
        )
        new = transformer.arrow_column(name, column, outcome)
        outcome.type_after = str(new.type)
        arrays.append(new)
    result.rows += batch.num_rows
    return pa.Table.from_arrays(arrays, names=batch.schema.names)


def deidentify_frame(
    data: Any, policy: DeidentificationPolicy, *, scanner: Scanner | None = None
) -> Any:
    """A de-identified copy of a dataframe, of the same kind (pandas, polars, pyarrow …)."""
    try:
        frame = nw.from_native(data, eager_only=True)
    except TypeError as exc:
        raise PrivacyDataError(ERR_UNSUPPORTED_DATA, params={"kind": type(data).__name__}) from exc
    table = frame.to_arrow()
    _check_columns(policy, list(table.schema.names))
    result = DeidentificationResult(output="<frame>")
    out = _transform_batch(_Transformer(policy, scanner), table, result)
    if isinstance(data, pa.Table):
        return out
    return nw.from_arrow(out, backend=frame.implementation).to_native()


def deidentify(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    policy: DeidentificationPolicy,
    *,
    scanner: Scanner | None = None,
) -> DeidentificationResult:
    """Write a de-identified copy of a CSV / TSV / JSON Lines / Parquet file to ``output``.

    The output has the input's format and columns in the same order; Parquet
    column types are kept unless the action needs text (mask, hash, bands).
    In CSV and TSV output, a cell or column name that a spreadsheet would run
    as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return, and not a plain number) is written with a leading ``'``
    (:mod:`tianping.csvsafe`). JSON Lines input is read within the limits of
    :mod:`tianping.jsonsafe`.
    """
    src, dst = Path(source), Path(output)
    if not src.is_file():
        raise PrivacyDataError(ERR_PATH_NOT_FOUND, params={"path": str(src)})
    if dst.exists() and dst.resolve() == src.resolve():
        raise PrivacyDataError(ERR_SAME_FILE, params={"path": str(dst)})
    fmt = table_format(src.name)
    if fmt is None:
        raise PrivacyDataError(ERR_UNSUPPORTED_TABLE, params={"path": str(src)})
    transformer = _Transformer(policy, scanner)
    result = DeidentificationResult(output=str(dst))
    try:
        if fmt == "parquet":
            _deidentify_parquet(src, dst, transformer, result)
        elif fmt == "jsonl":
            _deidentify_jsonl(src, dst, transformer, result)
        else:
            _deidentify_csv(src, dst, transformer, result, delimiter="\t" if fmt == "tsv" else ",")
    except (pa.ArrowException, UnicodeDecodeError, OSError) as exc:
        raise PrivacyDataError(
            ERR_UNREADABLE, params={"path": str(src), "reason": error_reason(exc)}
        ) from exc
    return result


def _deidentify_parquet(
    src: Path, dst: Path, transformer: _Transformer, result: DeidentificationResult
) -> None:
    handle = pq.ParquetFile(src)
    _check_columns(transformer.policy, list(handle.schema_arrow.names))
    writer: pq.ParquetWriter | None = None
    try:
        for batch in handle.iter_batches(batch_size=65_536):
            table = _transform_batch(transformer, batch, result)
            if writer is None:
                writer = pq.ParquetWriter(dst, table.schema)
            writer.write_table(table.cast(writer.schema))
        if writer is None:  # no rows: same schema, no data
            empty = handle.schema_arrow.empty_table()
            pq.write_table(_transform_batch(transformer, empty, result), dst)
    finally:
        if writer is not None:
            writer.close()


def _encoding_of(src: Path) -> str:
    with open(src, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    encoding, reason = sniff_encoding(head, complete=len(head) < SNIFF_BYTES)
    if encoding is None:
        raise PrivacyDataError(ERR_UNREADABLE, params={"path": str(src), "reason": str(reason)})
    return "utf-8" if encoding == "utf-8-sig" else encoding


def _deidentify_csv(
    src: Path, dst: Path, transformer: _Transformer, result: DeidentificationResult, *,
    delimiter: str,
) -> None:  # fmt: skip
    from tianping.privacy._tables import _header

    encoding = _encoding_of(src)
    names = _header(str(src), encoding, delimiter)
    _check_columns(transformer.policy, names)
    reader = pacsv.open_csv(
        src,
        read_options=pacsv.ReadOptions(
            encoding="utf8" if encoding == "utf-8" else encoding,
            block_size=CSV_BLOCK_BYTES,
            column_names=names,
            skip_rows=1,
        ),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
    )
    schema = pa.schema([(n, pa.string()) for n in names])
    # Cells (and names) that a spreadsheet would run as formulas get a leading quote.
    with ArrowCSVWriter(dst, schema, delimiter=delimiter) as writer:
        for batch in reader:
            table = _transform_batch(transformer, batch, result)
            writer.write_table(table.cast(schema))


def _deidentify_jsonl(
    src: Path, dst: Path, transformer: _Transformer, result: DeidentificationResult
) -> None:
    encoding = _encoding_of(src)
    functions: dict[str, Callable[[object], object]] = {}
    seen: set[str] = set()
    with (
        open(src, encoding=encoding, errors="strict") as reader,
        open(dst, "w", encoding="utf-8") as writer,
    ):
        for number, line in enumerate(reader, start=1):
            if not line.strip():
                continue
            try:
                record = jsonsafe.loads(line)
            except ValueError as exc:  # not JSON, or beyond the nesting / number limits
                dst.unlink(missing_ok=True)
                raise PrivacyDataError(
                    ERR_UNREADABLE, params={"path": str(src), "reason": f"line {number}: {exc}"}
                ) from exc
            if not isinstance(record, dict):
                raise PrivacyDataError(
                    ERR_UNREADABLE, params={"path": str(src), "reason": "a line is not an object"}
                )
            out = {}
            for name, value in record.items():
                seen.add(name)
                rule = transformer.policy.rule(name)
                outcome = result.columns.setdefault(name, ColumnOutcome(name, rule.action))
                if rule.action == "keep":
                    out[name] = value
                    continue
                function = functions.setdefault(name, transformer.function(rule))
                new = function(value)
                if isinstance(new, date):
                    new = new.isoformat()
                outcome.values += value is not None
                outcome.nulled += value is not None and new is None
                out[name] = new
            writer.write(json.dumps(out, ensure_ascii=False) + "\n")
            result.rows += 1
    try:
        _check_columns(transformer.policy, sorted(seen))
    except PrivacyDataError:
        dst.unlink(missing_ok=True)  # fail closed: no half-checked output
        raise


__all__ = [
    "ACTIONS",
    "DEFAULT_KEY_ENV",
    "POLICY_FORMAT",
    "Action",
    "ColumnOutcome",
    "ColumnRule",
    "DeidentificationPolicy",
    "DeidentificationResult",
    "address_city",
    "band_label",
    "deidentify",
    "deidentify_frame",
    "load_policy",
    "mask_text",
    "policy_from_mapping",
]
