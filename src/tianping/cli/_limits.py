"""Opt-in limits on the tables a command reads: --max-rows, --max-cells, --max-decoded-bytes.

The platform applies such limits to every job; on the command line they are off
by default, so a 100-million-row file is read as before. With a limit, a table
is measured before it is read (a Parquet file from its footer alone) and refused
with exit status 2 when it is larger.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tianping.cli._common import CommandError
from tianping.datalimits import DataLimitError, DataLimits, check_file, kind_of

MaxRows = Annotated[
    int | None,
    typer.Option(
        "--max-rows",
        min=1,
        help="Refuse a table of more rows (measured before it is read; no limit by default).",
    ),
]
MaxCells = Annotated[
    int | None,
    typer.Option("--max-cells", min=1, help="Refuse a table of more cells (rows × columns)."),
]
MaxDecodedBytes = Annotated[
    int | None,
    typer.Option(
        "--max-decoded-bytes",
        min=1,
        help="Refuse a table that decodes to more bytes (a Parquet bomb is caught by its footer).",
    ),
]


def enforce(
    paths: list[str] | str,
    *,
    max_rows: int | None,
    max_cells: int | None,
    max_decoded_bytes: int | None,
    language: str,
) -> None:
    """Refuse (exit 2) any table among ``paths`` over the limits; other paths pass unmeasured."""
    limits = DataLimits(max_rows=max_rows, max_cells=max_cells, max_decoded_bytes=max_decoded_bytes)
    if not limits.active:
        return
    for path in [paths] if isinstance(paths, str) else paths:
        if path == "-" or kind_of(path) is None or not Path(path).is_file():
            continue
        try:
            check_file(path, limits)
        except DataLimitError as exc:
            raise CommandError(f"{path}: {exc.localized(language)}") from exc
