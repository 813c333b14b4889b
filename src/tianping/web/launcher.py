"""Start the platform from the ``tianping`` command: migrate, seed, serve, work.

This is the only bridge between the CLI and Django; the CLI imports it lazily.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

console = Console()


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django

    django.setup()


def migrate() -> None:
    """Apply migrations and load the shipped catalogue release."""
    from django.core.management import call_command

    from tianping.web.catalogue.services import catalogue_sync

    call_command("migrate", interactive=False, verbosity=0)
    catalogue_sync()


def _start_worker_process() -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "tianping", "worker"])

    def _stop() -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    atexit.register(_stop)
    return proc


def run_server(*, host: str, port: int, threads: int = 8, with_worker: bool = True) -> None:
    """Migrate, then serve with waitress (and a task worker process)."""
    setup()
    migrate()
    from waitress import serve

    from tianping.web.wsgi import application

    if with_worker:
        _start_worker_process()
    console.print(
        f"[bold]Tianping[/bold] serving on [link]http://{host}:{port}/[/link]  (Ctrl+C stops)"
    )
    serve(application, host=host, port=port, threads=threads, ident="tianping")


def run_worker(*, queue: str = "default", **options: Any) -> None:
    """Run tasks from the database queue until interrupted."""
    setup()
    from django.core.management import call_command

    call_command("db_worker", queue_name=queue, **options)


def run_management(name: str, **options: Any) -> None:
    """Run one of the platform's management commands (``review_reminders``, ``review_purge``)."""
    setup()
    from django.core.management import call_command

    call_command(name, **options)


def print_credentials(accounts: list[dict[str, str]]) -> None:
    table = Table(title="Demo accounts (password for all: see below)", show_lines=False)
    for column in ("username", "role", "organisation"):
        table.add_column(column)
    for account in accounts:
        table.add_row(account["username"], account["role"], account["organisation"])
    console.print(table)


def run_demo(*, host: str, port: int, reset: bool = False) -> None:
    """Prepare the embedded database with demo data, print the accounts, then serve."""
    setup()
    from tianping.web import demo

    if reset:
        demo.demo_reset()
    migrate()
    info = demo.demo_seed()
    print_credentials(info["accounts"])
    console.print(f"Password for every demo account: [bold]{info['password']}[/bold]")
    console.print(f"(also saved in {info['credentials_file']}, readable only by you)")
    run_server(host=host, port=port)
