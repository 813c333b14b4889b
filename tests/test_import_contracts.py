"""The platform's import contract: apps in layers, each importing only those below it.

Bottom to top (an app may import its own layer's shared modules and anything lower):

    shared      web/home.py, mail.py, security.py, uploads.py (no app)
    core        jobs, keys, events, periodic work, notifications
    accounts    organisations, memberships, roles, tokens
    ledger      the platform's ledgers and the one service that appends an action
    catalogue   the normative catalogue
    systems     the AI system registry (writes to the ledger; ledger rows name systems
                by label, so the ledger never imports the registry)
    operations  switch, playbooks, keys, ingestion, monitors
    assessments bias assessments, privacy scans, evidence
    reviews     ethics review
    vendors     suppliers, their questionnaires, each system's AI-BOM components
    probes      generative-AI probe runs against a system's chat endpoint
    transparency  model cards, data summaries, transparency reports, user notices
    certification  levels, the export certificate, credentials, the public register
    network     risk reports upward, early warnings downward (beside certification)
    cases       the ethics risk case database (reads accepted risk reports)
    index       the Machine Responsibility Index (reads certificates and documents)
    federation  reports and warnings crossing between instances as signed messages
    project     api.py, urls.py, demo.py, launcher.py, settings.py, wsgi.py

Imports count wherever they are (module level or inside a function: a function-local
import does not hide a dependency); only ``if TYPE_CHECKING:`` blocks are ignored (no
import at run time). Layers imply no cycle between apps. A higher app that must set off
work in a lower one announces an event (``web/core/events.py``) instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tianping

WEB = Path(tianping.__file__).parent / "web"

LAYERS: list[tuple[str, ...]] = [
    ("__init__", "home", "mail", "security", "uploads"),
    ("core",),
    ("accounts",),
    ("ledger",),
    ("catalogue",),
    ("systems",),
    ("operations",),
    ("assessments",),
    ("reviews",),
    ("vendors", "probes", "transparency"),
    ("certification", "network"),
    ("cases", "index", "federation"),
    ("api", "urls", "demo", "launcher", "settings", "wsgi"),
]
RANK = {name: level for level, names in enumerate(LAYERS) for name in names}

ERR_UPWARD = "{source}:{line} ({app}, layer {low}) imports {target} (layer {high})"
ERR_UNKNOWN = "{source}: {app} is in no layer of tests/test_import_contracts.py: place it"


def _runtime_imports(tree: ast.Module) -> list[tuple[str, int]]:
    """Every ``tianping.web.*`` import outside ``if TYPE_CHECKING:`` blocks."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if node.module == "tianping.web":
                found += [(n, node.lineno) for n in names[1:]]
            else:
                found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
    return [(m, line) for m, line in found if m.startswith("tianping.web.")]


def violations(sources: dict[str, str]) -> list[str]:
    """The broken rules in ``{path relative to web/: source}``."""
    problems: list[str] = []
    for relative, text in sorted(sources.items()):
        app = Path(relative).parts[0].removesuffix(".py")
        if app not in RANK:
            problems.append(ERR_UNKNOWN.format(source=relative, app=app))
            continue
        for module, line in _runtime_imports(ast.parse(text)):
            target = module.split(".")[2]
            if target == app or target not in RANK:
                continue
            if RANK[target] > RANK[app]:
                problems.append(
                    ERR_UPWARD.format(
                        source=relative,
                        line=line,
                        app=app,
                        low=RANK[app],
                        target=target,
                        high=RANK[target],
                    )
                )
    return problems


def _platform_sources() -> dict[str, str]:
    return {
        str(path.relative_to(WEB)): path.read_text("utf-8")
        for path in WEB.rglob("*.py")
        if "migrations" not in path.parts
    }


def test_every_app_imports_only_the_layers_below_it() -> None:
    problems = violations(_platform_sources())
    assert not problems, "Imports against the layers:\n" + "\n".join(problems)


def test_an_upward_import_is_caught_even_inside_a_function() -> None:
    source = "def f():\n    from tianping.web.reviews.models import Application\n"
    assert violations({"ledger/services.py": source}) == [
        ERR_UPWARD.format(
            source="ledger/services.py", line=2, app="ledger", low=3, target="reviews", high=8
        )
    ]


def test_a_cycle_between_two_apps_is_caught() -> None:
    problems = violations(
        {
            "systems/services.py": "from tianping.web.ledger.services import record\n",
            "ledger/models.py": "from tianping.web.systems.models import AISystem\n",
        }
    )
    assert problems == [
        ERR_UPWARD.format(
            source="ledger/models.py", line=1, app="ledger", low=3, target="systems", high=5
        )
    ]


def test_type_checking_imports_are_not_dependencies() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tianping.web.systems.models import AISystem\n"
    )
    assert violations({"ledger/selectors.py": source}) == []


def test_a_new_app_must_be_placed_in_a_layer() -> None:
    assert violations({"newapp/models.py": ""}) == [
        ERR_UNKNOWN.format(source="newapp/models.py", app="newapp")
    ]
