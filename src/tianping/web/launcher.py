"""Start the platform from the ``tianping`` command: migrate, seed, serve, work.

This is the only bridge between the CLI and Django; the CLI imports it lazily.
"""

from __future__ import annotations

import atexit
import errno
import os
import signal
import socket
import subprocess
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from tianping.errors import TianpingError

console = Console()
DEMO_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


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


def worker_count() -> int:
    """How many task workers ``serve`` starts: ``TIANPING_WORKERS``, else one per core (1–4)."""
    configured = os.environ.get("TIANPING_WORKERS", "").strip()
    if configured:
        try:
            return max(1, min(64, int(configured)))
        except ValueError:
            console.print(f"TIANPING_WORKERS={configured!r} is not a number; using 1 worker")
            return 1
    return max(1, min(4, os.cpu_count() or 1))


def _start_worker_processes(count: int) -> list[subprocess.Popen[bytes]]:
    procs = [subprocess.Popen([sys.executable, "-m", "tianping", "worker"]) for _ in range(count)]

    def _stop() -> None:
        # SIGTERM: each worker finishes (or hands back) its current job, then exits.
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    atexit.register(_stop)
    return procs


def _exit_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit, so the workers started here are stopped too."""

    def _handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _handler)


ERR_PORT_BUSY = (
    "Port {port} on {host} is already in use (another server is running there). "
    "Choose another: tianping {command} --port {other}, or make demo PORT={other}."
)


class PortBusyError(TianpingError):
    """The address to serve on is taken."""


def check_port(host: str, port: int, *, command: str) -> None:
    """Refuse to start on a port another process listens on, saying how to choose another."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress binds
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise PortBusyError(
                ERR_PORT_BUSY.format(host=host, port=port, command=command, other=port + 1)
            ) from None


def run_server(*, host: str, port: int, threads: int = 8, with_worker: bool = True) -> None:
    """Migrate, then serve with waitress (and task worker processes)."""
    check_port(host, port, command="serve")
    setup()
    migrate()
    from waitress import serve

    from tianping.web.mail import announce_outbox
    from tianping.web.wsgi import application

    announce_outbox()
    if with_worker:
        _exit_on_sigterm()
        _start_worker_processes(worker_count())
    console.print(
        f"[bold]Tianping[/bold] serving on [link]http://{host}:{port}/[/link]  (Ctrl+C stops)"
    )
    from tianping.web.uploads import server_options

    # waitress refuses a body over the platform's limit (chunked ones too) before buffering it.
    serve(application, host=host, port=port, threads=threads, ident="tianping", **server_options())


def run_worker(*, queue: str = "default", **options: Any) -> None:
    """Run tasks from the database queue until interrupted (SIGTERM: after the current job).

    Jobs whose worker died are re-queued or failed when their lease expires
    (checked at start and every half lease while this worker runs).
    """
    setup()
    from django.core.management import call_command

    from tianping.web.core.jobs.sweeper import start_lease_sweeper

    start_lease_sweeper()
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
    check_port(host, port, command="demo")
    # The demo's mail (password resets of its made-up addresses) is printed to the console.
    os.environ.setdefault("TIANPING_EMAIL_BACKEND", DEMO_EMAIL_BACKEND)
    # The demo's regulators, certifier and administrators sign in with the shared password
    # alone; two-factor sign-in stays optional (TIANPING_REQUIRE_2FA=1 to require it).
    os.environ.setdefault("TIANPING_REQUIRE_2FA", "0")
    setup()
    from tianping.web import demo

    if reset:
        demo.demo_reset()
    migrate()
    info = demo.demo_seed()
    print_credentials(info["accounts"])
    console.print(f"Password for every demo account: [bold]{info['password']}[/bold]")
    console.print(f"(also saved in {info['credentials_file']}, readable only by you)")
    if os.environ.get("TIANPING_REQUIRE_2FA") == "0":
        console.print(
            "Two-factor sign-in is optional in the demo (TIANPING_REQUIRE_2FA=0); "
            "in production it is required of regulators, certifiers and administrators."
        )
    run_server(host=host, port=port)
