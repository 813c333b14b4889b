"""The examples in the docstrings of :mod:`tianping.norms` run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tianping.norms",
    "tianping.norms._catalogue",
    "tianping.norms._loader",
    "tianping.norms._measurements",
    "tianping.norms._models",
    "tianping.norms._schema",
    "tianping.norms.validate",
]


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_of_each_module_pass(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
