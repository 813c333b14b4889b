"""The examples in the SDK's docstrings run and show what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tianping.sdk

MODULES = ["tianping.sdk"] + [
    f"tianping.sdk.{info.name}" for info in pkgutil.iter_modules(tianping.sdk.__path__)
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_sdk_never_loads_django() -> None:
    import subprocess
    import sys

    script = (
        "import sys, tianping.sdk\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja'))))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
