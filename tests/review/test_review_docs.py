"""docs/review.md and the docstrings stay true: the rules table, the rule ids, the CLI options.

Run ``python tests/review/test_review_docs.py`` to regenerate the rules table in
docs/review.md from the shipped rule files.
"""

from __future__ import annotations

import doctest
import importlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "review.md"
BLOCK = re.compile(r"<!-- review-rules:start -->\n(.*?)<!-- review-rules:end -->", re.S)

MODULES = [
    "tianping.review",
    "tianping.review._application",
    "tianping.review._calendar",
    "tianping.review._composition",
    "tianping.review._conflicts",
    "tianping.review._deadlines",
    "tianping.review._expert",
    "tianping.review._io",
    "tianping.review._loader",
    "tianping.review._meetings",
    "tianping.review._messages",
    "tianping.review._models",
    "tianping.review._registration",
    "tianping.review._rules",
    "tianping.review._simplified",
]


def rules_table() -> str:
    """The Markdown table of every shipped rule (national, then Sichuan's additions)."""
    from tianping.review import load_rules

    lines = [
        "| rule | value | source | conf. (value / article) | from | layer |",
        "|---|---|---|---|---|---|",
    ]
    for rule in load_rules("sichuan"):
        article = rule.article_confidence or rule.confidence
        confidence = (
            rule.confidence if article == rule.confidence else (f"{rule.confidence} / {article}")
        )
        lines.append(
            f"| `{rule.id}` | {rule.value_text('en')} | {rule.citation.en} | {confidence} "
            f"| {rule.effective_from.isoformat()} | {rule.layer} |"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_of_each_module_pass(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0


def test_the_rules_table_in_the_docs_is_the_shipped_data() -> None:
    match = BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert match, "docs/review.md lost its review-rules block"
    assert match.group(1) == rules_table(), (
        "docs/review.md's rules table is stale; regenerate it with "
        "`python tests/review/test_review_docs.py`"
    )


def test_every_cli_option_and_command_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    # The command's own options, and --lang and --json from the options every command shares.
    source = "".join(
        (ROOT / "src" / "tianping" / "cli" / name).read_text(encoding="utf-8")
        for name in ("_review.py", "_common.py")
    )
    options = set(re.findall(r'"(--[a-z-]+)"', source))
    assert options >= {"--province", "--on", "--json", "--lang"}
    for option in options:
        assert option in text, option
    for command in ("tianping review rules", "tianping review check-committee"):
        assert command in text


def test_every_public_check_is_documented() -> None:
    import tianping.review as review

    text = DOC.read_text(encoding="utf-8")
    for name in review.__all__:
        if callable(getattr(review, name)) and name[0].islower():
            assert f"`{name}(" in text, name


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    text = DOC.read_text(encoding="utf-8")
    block = f"<!-- review-rules:start -->\n{rules_table()}<!-- review-rules:end -->"
    DOC.write_text(BLOCK.sub(lambda _m: block, text), encoding="utf-8")
    print("docs/review.md updated")
