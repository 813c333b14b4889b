"""The ``tianping`` command: Typer application and entry point.

Sub-commands live in private modules, one per domain (``_norms``, ``_intake``,
``_web``). Only :func:`main` turns :class:`~tianping.errors.TianpingError`
into an exit code.
"""

from __future__ import annotations

import sys

import typer
from typer._click.exceptions import ClickException  # Typer bundles its own click

from tianping import __version__
from tianping.cli import (
    _bom,
    _cases,
    _cert,
    _common,
    _docs,
    _fairness,
    _federation,
    _index,
    _intake,
    _label,
    _ledger,
    _network,
    _norms,
    _privacy,
    _probe,
    _report,
    _review,
    _web,
)
from tianping.errors import TianpingError

app = typer.Typer(
    name="tianping",
    help="Tianping (天平): AI ethics review, certification and risk monitoring.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
app.add_typer(_norms.app, name="norms")
app.add_typer(_intake.app, name="intake")
app.add_typer(_report.app, name="report")
app.add_typer(_ledger.app, name="ledger")
app.add_typer(_fairness.app, name="fairness")
app.add_typer(_review.app, name="review")
app.add_typer(_privacy.app, name="privacy")
app.add_typer(_index.app, name="index")
app.add_typer(_cert.app, name="cert")
app.add_typer(_probe.app, name="probe")
app.add_typer(_docs.app, name="docs")
app.add_typer(_label.app, name="label")
app.add_typer(_cases.app, name="cases")
app.add_typer(_bom.app, name="bom")
app.add_typer(_network.app, name="network")
app.add_typer(_federation.app, name="federation")
app.command("demo")(_web.demo)
app.command("serve")(_web.serve)
app.command("worker")(_web.worker)
app.command("migrate")(_web.migrate)
app.command("setup")(_web.setup)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"tianping {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version_callback,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """Tianping (天平): AI ethics review, certification and risk monitoring."""


def main() -> None:
    """Run the command line; library errors become a message and exit code 2."""
    try:
        # Outside standalone mode click hands back the code of a ``typer.Exit``
        # instead of raising it: pass it on, or every failure would exit with 0.
        code = app(standalone_mode=False, prog_name="tianping")
    except TianpingError as exc:
        # Plain text: a message may contain brackets that are not Rich markup.
        _common.print_error(exc)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _common.err_console().print("Aborted.", markup=False)
        sys.exit(130)
    except ClickException as exc:  # usage errors: missing argument, unknown option …
        exc.show()
        sys.exit(exc.exit_code)
    if isinstance(code, int) and code:
        sys.exit(code)


__all__ = ["app", "main"]
