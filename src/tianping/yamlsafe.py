"""Reading YAML (and JSON) data that someone else wrote: strictly, within limits, with places.

Every YAML or JSON data file the library reads goes through :func:`load` (text),
:func:`load_file` (a path) or :func:`load_json` (text that must be JSON).
Compared with ``yaml.safe_load`` it is strict:

* a **duplicated mapping key** is an error (``yaml.safe_load`` silently keeps
  the last value);
* sequences and mappings nest at most :data:`~tianping.jsonsafe.MAX_DEPTH`
  (128) levels and an integer has at most
  :data:`~tianping.jsonsafe.MAX_NUMBER_LENGTH` (1,000) characters: PyYAML's
  composer would otherwise end in :class:`RecursionError`, and CPython's limit
  on converting text to ``int`` in a plain :class:`ValueError`;
* an optional **JSON Schema** is checked, and the first violation (in document
  order) is reported with its path inside the document;
* every problem is one :class:`DataFileError` that names the **file**, the
  **line and column** and, for a schema violation, the **path**. Each reader
  catches it and wraps it in its own error type.

``dates_as_text=True`` keeps ``2026-01-01`` as the string it is (for data whose
schema checks dates as text) instead of a :class:`datetime.date`.

Examples
--------
>>> load("a: [1, 2]")
{'a': [1, 2]}
>>> try:
...     load("a: 1\\na: 2\\n", source="policy.yaml")
... except DataFileError as error:
...     print(error.source, error.where, error.problem, sep="; ")
policy.yaml; line 2, column 1; duplicate key 'a' in one mapping (first on line 1)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tianping import jsonsafe

INT_TAG = "tag:yaml.org,2002:int"
MAP_TAG = "tag:yaml.org,2002:map"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
MERGE_TAG = "tag:yaml.org,2002:merge"

#: A mapping that gives one key twice.
ERR_DUPLICATE_KEY = "duplicate key {key!r} in one mapping (first on line {first})"
#: A problem at a place in a file.
ERR_AT = "{source}, line {line}, column {column}: {problem}"
#: A schema violation at a place in a file.
ERR_AT_PATH = "{source}, line {line}, column {column}, at {path}: {problem}"
#: A problem with no known place.
ERR_NO_PLACE = "{source}: {problem}"
#: An empty document where the schema wants something.
ROOT = "(document)"


class DataFileError(ValueError):
    """A data file that is not well-formed, repeats a key, or breaks its schema.

    Attributes
    ----------
    source
        The file (or the name given for a text).
    problem
        What is wrong, without the place.
    line, column
        1-based place of the problem; ``None`` when unknown.
    path
        Where inside the document a schema violation is (``rules[x].value``);
        ``""`` for a YAML problem.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        *,
        line: int | None = None,
        column: int | None = None,
        path: str = "",
    ) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        self.column = column
        self.path = path
        if line is None:
            text = ERR_NO_PLACE.format(source=source, problem=problem)
        elif path:
            text = ERR_AT_PATH.format(
                source=source, line=line, column=column, path=path, problem=problem
            )
        else:
            text = ERR_AT.format(source=source, line=line, column=column, problem=problem)
        super().__init__(text)

    @property
    def detail(self) -> str:
        """The message without the file: for a reader whose own message names it."""
        if self.line is None:
            return self.problem
        at = f", at {self.path}" if self.path else ""
        return f"{self.where}{at}: {self.problem}"

    @property
    def where(self) -> str:
        """``line L, column C`` (empty when unknown), for readers that list problems."""
        return "" if self.line is None else f"line {self.line}, column {self.column}"


def construct_yaml_int(loader: Any, node: Node) -> int:
    """PyYAML's integer, refusing a literal of more than ``MAX_NUMBER_LENGTH`` characters."""
    length = len(node.value) if isinstance(node, ScalarNode) else 0
    if length > jsonsafe.MAX_NUMBER_LENGTH:
        problem = jsonsafe.ERR_NUMBER_TOO_LONG.format(
            length=length, limit=jsonsafe.MAX_NUMBER_LENGTH
        )
        raise ConstructorError(None, None, problem, node.start_mark)
    value: int = loader.construct_yaml_int(node)  # a ConstructorError for a non-scalar
    return value


def construct_unique_mapping(loader: Any, node: Node) -> dict[Any, Any]:
    """PyYAML's mapping, refusing a key given twice (naming both lines)."""
    if isinstance(node, MappingNode):
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:  # ``<<``: explicit keys may override merged ones
                continue
            key = loader.construct_object(key_node, deep=True)
            try:
                seen = key in first
            except TypeError:  # an unhashable key: construct_mapping refuses it below
                continue
            if seen:
                problem = ERR_DUPLICATE_KEY.format(key=key, first=first[key])
                raise ConstructorError(None, None, problem, key_node.start_mark)
            first[key] = key_node.start_mark.line + 1
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    return mapping


class SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader within the limits above (duplicate keys still allowed)."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        opens = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        if opens:
            if self._depth >= jsonsafe.MAX_DEPTH:
                raise ComposerError(
                    None,
                    None,
                    jsonsafe.ERR_TOO_DEEP.format(limit=jsonsafe.MAX_DEPTH),
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            if opens:
                self._depth -= 1


SafeLoader.add_constructor(INT_TAG, construct_yaml_int)


class StrictLoader(SafeLoader):
    """:class:`SafeLoader` that refuses a duplicated mapping key."""


StrictLoader.add_constructor(MAP_TAG, construct_unique_mapping)


class TextDatesLoader(StrictLoader):
    """:class:`StrictLoader` that keeps dates as text (the schema checks them)."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in StrictLoader.yaml_implicit_resolvers.items()
    }


def load(
    text: str | bytes,
    *,
    source: str = "<string>",
    schema: Mapping[str, Any] | Validator | None = None,
    dates_as_text: bool = False,
) -> Any:
    """One YAML (or JSON) document, read strictly; any problem is a :class:`DataFileError`.

    Parameters
    ----------
    text
        The document; bytes are read as UTF-8 (a byte-order mark is allowed).
    source
        The file name used in messages.
    schema
        A JSON Schema (draft 2020-12) or a compiled validator the document must
        satisfy; the first violation in document order is raised with its path.
    dates_as_text
        Keep ``YYYY-MM-DD`` scalars as strings instead of dates.

    Examples
    --------
    >>> try:
    ...     load("version: 1", schema={"properties": {"version": {"type": "string"}}})
    ... except DataFileError as error:
    ...     print(error)
    <string>, line 1, column 10, at version: 1 is not of type 'string'
    """
    loader_class = TextDatesLoader if dates_as_text else StrictLoader
    loader: StrictLoader | None = None
    try:
        loader = loader_class(text)  # a ReaderError for a control character
        node = loader.get_single_node()
        document = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(part for part in (exc.context, exc.problem) if part) or "syntax error"
        if mark is None:
            raise DataFileError(source, problem) from exc
        raise DataFileError(source, problem, line=mark.line + 1, column=mark.column + 1) from exc
    except yaml.YAMLError as exc:
        raise DataFileError(source, (str(exc).splitlines() or ["syntax error"])[0]) from exc
    finally:
        if loader is not None:
            loader.dispose()
    if schema is not None:
        _check(document, node, schema, source)
    return document


class _DuplicateJSONKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateJSONKey(key)
        result[key] = value
    return result


def load_json(
    text: str | bytes,
    *,
    source: str = "<string>",
    schema: Mapping[str, Any] | Validator | None = None,
) -> Any:
    """One JSON document read strictly: :func:`tianping.jsonsafe.loads` plus :func:`load`'s rules.

    A duplicated key, a syntax error or a limit is a :class:`DataFileError`
    naming ``source``, the line and the column.

    Examples
    --------
    >>> try:
    ...     load_json('{"a": 1,\\n "a": 2}', source="answers.json")
    ... except DataFileError as error:
    ...     print(error)
    answers.json, line 2, column 2: duplicate key 'a' in one mapping (first on line 1)
    """
    try:
        document = jsonsafe.loads(text, object_pairs_hook=_unique_pairs)
    except jsonsafe.JSONLimitError as exc:
        raise DataFileError(source, str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(source, exc.msg, line=exc.lineno, column=exc.colno) from exc
    except _DuplicateJSONKey as exc:
        # JSON is YAML's flow style: the YAML reader finds where the key repeats.
        try:
            load(text, source=source)
        except DataFileError as located:
            raise located from exc
        first = ERR_DUPLICATE_KEY.split(" (", 1)[0].format(key=exc.key)
        raise DataFileError(source, first) from exc
    if schema is not None:
        _check(document, None, schema, source)
    return document


def load_file(
    path: str | Path,
    *,
    schema: Mapping[str, Any] | Validator | None = None,
    dates_as_text: bool = False,
) -> Any:
    """:func:`load` of a UTF-8 file; errors name ``path``.

    A file that cannot be read or is not UTF-8 raises :class:`OSError` or
    :class:`UnicodeDecodeError` as :meth:`pathlib.Path.read_text` does.
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    return load(text, source=str(path), schema=schema, dates_as_text=dates_as_text)


def _check(
    document: Any, node: Node | None, schema: Mapping[str, Any] | Validator, source: str
) -> None:
    validator: Validator = (
        Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        if isinstance(schema, Mapping)
        else schema
    )
    errors = sorted(validator.iter_errors(document), key=_order)
    if not errors:
        return
    error = errors[0]
    path = list(error.absolute_path)
    where = _node_at(node, path)
    text = _path_text(path)
    if where is None:
        raise DataFileError(source, error.message, path=text)
    mark = where.start_mark
    raise DataFileError(
        source, error.message, line=mark.line + 1, column=mark.column + 1, path=text
    )


def _order(error: ValidationError) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in error.absolute_path]


def _path_text(path: list[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int) or "." in part:
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or ROOT


def _node_at(node: Node | None, path: list[str | int]) -> Node | None:
    """The node at ``path`` (the deepest one found), for its line and column."""
    for part in path:
        if isinstance(node, MappingNode):
            found = [v for k, v in node.value if isinstance(k, ScalarNode) and k.value == str(part)]
            if not found:
                return node
            node = found[0]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


__all__ = [
    "ERR_AT",
    "ERR_AT_PATH",
    "ERR_DUPLICATE_KEY",
    "ERR_NO_PLACE",
    "INT_TAG",
    "DataFileError",
    "SafeLoader",
    "StrictLoader",
    "TextDatesLoader",
    "construct_unique_mapping",
    "construct_yaml_int",
    "load",
    "load_file",
    "load_json",
]
