"""The examples in the privacy package's docstrings run and show what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tianping.privacy

MODULES = ["tianping.privacy"] + [
    f"tianping.privacy.{info.name}" for info in pkgutil.iter_modules(tianping.privacy.__path__)
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
