"""``tianping demo|serve|worker|migrate|setup``: run the web platform, or prepare its database.

The library never imports Django; these commands import :mod:`tianping.web`
only when they run, so ``tianping norms …`` works without the web stack.
"""

from __future__ import annotations

import typer


def demo(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    reset: bool = typer.Option(False, "--reset", help="Delete the demo database and start afresh."),
) -> None:
    """Set up the database with demo data, print the demo accounts and serve the platform."""
    from tianping.web import launcher

    launcher.run_demo(host=host, port=port, reset=reset)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    threads: int = typer.Option(8, min=1, max=64, help="Worker threads."),
    with_worker: bool = typer.Option(
        True, "--with-worker/--no-worker", help="Also run a background-task worker thread."
    ),
) -> None:
    """Apply migrations and serve the platform (database from DATABASE_URL).

    Processes started together migrate once (a database lock); one whose ledger keys do
    not verify what the database holds refuses to start.
    """
    from tianping.web import launcher

    launcher.run_server(host=host, port=port, threads=threads, with_worker=with_worker)


def worker(
    queue: str = typer.Option("default", help="Queue to take tasks from."),
    migrate: bool = typer.Option(
        True,
        "--migrate/--no-migrate",
        help="Apply migrations first, under the database's migration lock.",
    ),
) -> None:
    """Run background tasks (assessments, reports) from the database queue."""
    from tianping.web import launcher

    launcher.run_worker(queue=queue, migrate_first=migrate)


def migrate() -> None:
    """Apply the database migrations, once however many processes run it together."""
    from tianping.web import launcher

    launcher.run_migrate()


def setup(
    demo: bool = typer.Option(False, "--demo", help="Also load the demo organisations and users."),
) -> None:
    """Migrate, load the normative catalogue (and the demo data with --demo), without serving."""
    from tianping.web import launcher

    launcher.run_setup(demo=demo)
