"""Every timeline event the services record has a translated name."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

from tianping.web.reviews.labels import EVENTS, code_label, event_label
from tianping.web.reviews.models import Comment

REVIEWS = Path(__file__).resolve().parents[3] / "src/tianping/web/reviews"


def _recorded_kinds() -> set[str]:
    """Literal ``kind=`` arguments of ``record(...)`` calls, and ``kind = "…"`` assignments."""
    kinds: set[str] = set()
    for path in REVIEWS.glob("*/services.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "record":
                for keyword in node.keywords:
                    if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant):
                        kinds.add(str(keyword.value.value))
    return kinds


def test_every_recorded_event_has_a_label() -> None:
    kinds = _recorded_kinds() | {f"{kind}_added" for kind in Comment.Kind.values}
    assert len(kinds) > 30
    assert not kinds - set(EVENTS), sorted(kinds - set(EVENTS))


def test_labels_follow_the_language() -> None:
    with translation.override("en"):
        assert event_label("decided") == "Decision recorded"
        assert code_label("approve_after_modification") == "Approve after modification"
    with translation.override("zh-hans"):
        assert event_label("decided") == "已作出审查决定"
    assert event_label("unknown_kind") == "unknown_kind"
