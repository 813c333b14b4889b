"""Validate a catalogue folder: ``python -m tianping.norms.validate [DIR]``.

Checks every file against its JSON Schema and every cross-reference, prints a
report, and exits 0 when the catalogue is valid, 1 when it is not. Without
``DIR`` it checks the catalogue shipped with Tianping (the lint target does).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tianping.norms._errors import CatalogueProblem
from tianping.norms._loader import DATA_DIR, check_catalogue, load_catalogue
from tianping.norms._models import TIERS

VALID = "Normative catalogue {directory}: valid."
INVALID = "Normative catalogue {directory}: {count} {problems}."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tianping.norms.validate",
        description=(
            "Check a normative catalogue folder (norms.yaml, requirements.yaml, crosswalks.yaml, "
            "expert_review_list.yaml) against its JSON Schemas and cross-references. "
            "Exit status 0: valid; 1: problems found."
        ),
    )
    parser.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=DATA_DIR,
        metavar="DIR",
        help="the catalogue folder to check (default: the catalogue shipped with Tianping)",
    )
    return parser


def report(directory: Path, problems: Sequence[CatalogueProblem], out: TextIO) -> None:
    """Write a readable report of ``problems`` (or a summary of the valid catalogue)."""
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        out.write(INVALID.format(directory=directory, count=len(problems), problems=noun) + "\n")
        for problem in problems:
            out.write(f"  {problem}\n")
        return
    catalogue = load_catalogue(directory)
    per_tier = ", ".join(f"{tier} {len(catalogue.requirements(tier=tier))}" for tier in TIERS)
    listed = catalogue.expert_review_list
    lines = [
        VALID.format(directory=directory),
        f"  edition {catalogue.version}, effective from {catalogue.effective_from.isoformat()}",
        f"  {len(catalogue.articles)} articles in {len(catalogue.chapters)} chapters, "
        f"{len(catalogue.principles)} principles, {len(catalogue.categories)} activity categories",
        f"  {len(catalogue.items)} requirement items ({per_tier})",
        f"  {len(catalogue.frameworks)} crosswalk frameworks: "
        + ", ".join(framework.id for framework in catalogue.frameworks),
        f"  expert re-review list {listed.version}: " + ", ".join(listed.activity_ids),
    ]
    out.write("\n".join(lines) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the validator; return the exit status (0 valid, 1 invalid).

    Examples
    --------
    >>> import io, contextlib
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     status = main([])
    >>> status
    0
    """
    arguments = _parser().parse_args(argv)
    directory: Path = arguments.directory
    problems = check_catalogue(directory)
    report(directory, problems, sys.stdout)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
