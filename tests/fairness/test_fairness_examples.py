"""The examples in the docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tianping.fairness",
    "tianping.fairness._audit",
    "tianping.fairness._counts",
    "tianping.fairness._disparities",
    "tianping.fairness._metrics",
    "tianping.fairness._policy",
    "tianping.fairness._representativeness",
    "tianping.fairness._uncertainty",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
