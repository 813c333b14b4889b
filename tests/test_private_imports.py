"""No package of the library or the platform imports another package's private (``_name``) module.

A package's ``__init__.py`` is its index: what other packages need is exported
there. ``tianping/privacy/_scan.py`` may import ``tianping.privacy._scanner``;
``tianping/cli/_privacy.py`` may not import ``tianping.privacy._profile``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tianping

PACKAGE = Path(tianping.__file__).parent
EXCLUDED: tuple[str, ...] = ()  # the platform (web/) is held to the same rule
CROSS_PACKAGE_PRIVATE = "{module} imports {target}, private to tianping.{owner}"


def _own_package(module: str) -> str | None:
    """``tianping.cli._privacy`` → ``cli``; a top-level module (``tianping.text``) → ``None``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None


def private_imports(source: str, module: str) -> list[str]:
    """Every import in ``source`` (of ``module``) of another package's private module."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            if parts[0] != "tianping":
                continue
            private = [i for i, part in enumerate(parts[1:], 1) if part.startswith("_")]
            if not private or private[0] == 1:  # tianping._x is nobody's package
                continue
            owner = parts[1]
            if owner != _own_package(module):
                found.append(
                    CROSS_PACKAGE_PRIVATE.format(module=module, target=target, owner=owner)
                )
                break
    return found


def _modules() -> list[tuple[Path, str]]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in EXCLUDED:
            continue
        name = ".".join(("tianping", *relative.with_suffix("").parts))  # a package: .__init__
        modules.append((path, name))
    return modules


def test_no_library_module_imports_another_packages_private_module() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}: {problem}"
        for path, module in _modules()
        for problem in private_imports(path.read_text("utf-8"), module)
    ]
    assert offenders == []


def test_the_check_finds_a_private_import_across_packages() -> None:
    source = "from tianping.privacy._profile import pipl_label\n"
    assert private_imports(source, "tianping.cli._privacy") == [
        CROSS_PACKAGE_PRIVATE.format(
            module="tianping.cli._privacy",
            target="tianping.privacy._profile",
            owner="privacy",
        )
    ]


def test_the_check_finds_the_other_import_forms() -> None:
    sources = [
        "import tianping.ledger._store\n",
        "from tianping.ledger import _store\n",
        "def later():\n    from tianping.ledger._tree import NodeAddress\n",
    ]
    for source in sources:
        assert private_imports(source, "tianping.monitoring._records"), source


def test_the_check_allows_the_same_package_and_public_exports() -> None:
    source = (
        "from tianping.privacy._scanner import Scanner\n"
        "from tianping.fairness import group_key\n"
        "from tianping import yamlsafe\n"
    )
    assert private_imports(source, "tianping.privacy._scan") == []
    assert private_imports(source.splitlines()[1], "tianping.monitoring._records") == []
