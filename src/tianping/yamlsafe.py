"""Reading YAML that someone else wrote, within the limits of :mod:`tianping.jsonsafe`.

PyYAML's safe loader has two ways to fail that are not a ``yaml.YAMLError``: its
composer recurses once per level of nesting, so a document of a few thousand ``[``
or ``- `` ends in :class:`RecursionError`, and an integer of more than 4,300 digits
raises a plain :class:`ValueError` (CPython's limit on converting text to ``int``).
:class:`SafeLoader` refuses both as a ``yaml.YAMLError`` (a ``ComposerError``, a
``ConstructorError``), which every reader already turns into its own error:
sequences and mappings nest at most :data:`~tianping.jsonsafe.MAX_DEPTH` (128)
levels, and an integer has at most :data:`~tianping.jsonsafe.MAX_NUMBER_LENGTH`
(1,000) characters. A loader built on LibYAML (``CSafeLoader``, whose composer
does not recurse in Python) registers :func:`construct_yaml_int` for the second.

Examples
--------
>>> load("a: [1, 2]")
{'a': [1, 2]}
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import Node, ScalarNode

from tianping import jsonsafe

INT_TAG = "tag:yaml.org,2002:int"


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


class SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader within the limits above."""

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


def load(text: str | bytes) -> Any:
    """One YAML document read with :class:`SafeLoader`; past a limit, a ``yaml.YAMLError``."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a SafeLoader


__all__ = ["INT_TAG", "SafeLoader", "construct_yaml_int", "load"]
