"""The import contract: the library under src/tianping/ never imports Django.

Only ``tianping.web`` may import Django. The CLI reaches the web layer through
``tianping.web.launcher``, imported inside the commands that serve the platform.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tianping

PACKAGE = Path(tianping.__file__).parent
FORBIDDEN = ("django", "ninja", "django_tasks", "django_tasks_db")


def _library_modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "web" not in p.relative_to(PACKAGE).parts[:1]]


def _top_level_imports(tree: ast.AST) -> list[tuple[str, int, bool]]:
    """(module, line, at_module_level) for every import in ``tree``."""
    found: list[tuple[str, int, bool]] = []
    module_level = {id(node) for node in getattr(tree, "body", [])}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in module_level) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno, id(node) in module_level))
    return found


def test_no_library_module_imports_django() -> None:
    offenders = []
    for path in _library_modules():
        for module, line, _level in _top_level_imports(ast.parse(path.read_text("utf-8"))):
            if module.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not offenders, "The library must not import Django:\n" + "\n".join(offenders)


def test_library_reaches_web_only_lazily_from_the_cli() -> None:
    offenders = []
    for path in _library_modules():
        for module, line, at_module_level in _top_level_imports(ast.parse(path.read_text("utf-8"))):
            if module.startswith("tianping.web") and (at_module_level or path.parent.name != "cli"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not offenders, "Only CLI commands may import tianping.web, inside the command:\n" + (
        "\n".join(offenders)
    )


def test_library_commands_never_load_django() -> None:
    script = (
        "import sys, tianping, tianping.cli, tianping.norms, tianping.tiering, tianping.reports\n"
        "from typer.testing import CliRunner\n"
        "result = CliRunner().invoke(tianping.cli.app, ['norms', 'show', '13'])\n"
        "assert result.exit_code == 0, result.output\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja'))\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"Django was loaded by the library: {out}"
