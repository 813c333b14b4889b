"""Start the platform from the ``tianping`` command: migrate, seed, serve, work.

This is the only bridge between the CLI and Django; the CLI imports it lazily.

Any number of processes may start together on one database: each takes the
database's migration lock (:func:`migration_lock`) before it migrates, so one
migrates and the others find the database up to date. Before serving or
working, a process checks that its ledger keys verify what the database holds
(:func:`check_keys`), and refuses to start otherwise.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import fcntl
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.table import Table

from tianping.errors import TianpingError

console = Console()
DEMO_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


class StartError(TianpingError):
    """The platform cannot start as configured."""


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise StartError(str(error)) from None


MIGRATION_LOCK_ID = 0x7469616E70696E67  # "tianping": the PostgreSQL advisory lock's key
MIGRATION_LOCK_SUFFIX = "-migrate.lock"
MSG_WAITING = "Waiting for another process to finish migrating the database …"


@contextlib.contextmanager
def migration_lock() -> Iterator[None]:
    """Hold the database's migration lock; wait while another process holds it.

    PostgreSQL: the session advisory lock :data:`MIGRATION_LOCK_ID`, on a
    connection of its own (closing it releases the lock, even if this process
    dies). SQLite: an exclusive ``flock`` on a file next to the database (the
    kernel releases it with the process). An in-memory database needs none.
    """
    from django.db import connections

    if connections["default"].vendor == "postgresql":
        lock = connections.create_connection("default")
        try:
            with lock.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_ID])
                row = cursor.fetchone()
                if not (row and row[0]):
                    console.print(MSG_WAITING)
                    cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
            yield
        finally:
            lock.close()
        return
    from tianping.web.home import sqlite_file

    database = connections["default"]
    path = sqlite_file(database.settings_dict["NAME"]) if database.vendor == "sqlite" else None
    if path is None:
        yield
        return
    descriptor = os.open(
        path.with_name(path.name + MIGRATION_LOCK_SUFFIX), os.O_RDWR | os.O_CREAT, 0o600
    )
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            console.print(MSG_WAITING)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def migrate_database() -> int:
    """Apply the migrations the database lacks (call under :func:`migration_lock`); how many."""
    from django.core.management import call_command
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    missing = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    call_command("migrate", interactive=False, verbosity=0)
    return missing


def _say_migrated(applied: int) -> None:
    if applied:
        console.print(f"Applied {applied} migrations.")
    else:
        console.print("The database is up to date.")


def prepare(*, demo: bool = False) -> dict[str, Any] | None:
    """Under the migration lock: migrate, load the shipped catalogue release, check the keys
    (:func:`check_keys`), and seed the demo data when ``demo`` (what
    :func:`tianping.web.demo.demo_seed` returns; else ``None``)."""
    from tianping.web.cases.services import cases_sync
    from tianping.web.catalogue.services import catalogue_sync

    with migration_lock():
        _say_migrated(migrate_database())
        catalogue_sync()
        cases_sync()
        check_keys()
        if not demo:
            return None
        from tianping.web import demo as demo_data

        return demo_data.demo_seed()


ERR_KEYS = (
    "The ledger signing key of this process does not verify the latest signed checkpoint "
    "of {logs}: it was started with another ledger secret than the process that signed it, "
    "and would fail when it signs there."
)
HINT_KEYS = (
    "Give every process of the platform the same keys: set TIANPING_LEDGER_SECRET (and "
    "TIANPING_KEY_LEDGER, if the checkpoint key was rotated) to the values the other "
    "processes use, or copy TIANPING_HOME/ledger_secret (and TIANPING_HOME/keys/ledger.key) "
    "from the host that signed them; then start it again."
)
LOGS_NAMED = 3


ERR_CERTIFICATE_KEYS = (
    "This process cannot start: its certificate keys did not sign the newest certificate of "
    "{bodies}; the DID documents it would publish would no longer verify them."
)
HINT_CERTIFICATE_KEYS = (
    "Give every process of the platform the same certificate keys: set "
    "TIANPING_KEY_CERTIFICATES to the value the other processes use, or copy "
    "TIANPING_HOME/keys/certificates.key from the host that issued them; then start it again."
)


def check_keys() -> None:
    """Refuse to start when this process's ledger or certificate keys do not verify what the
    database holds."""
    from tianping.web.certification.selectors import keys_mismatched as certificate_keys
    from tianping.web.ledger.selectors import keys_mismatched

    bodies = certificate_keys()
    if bodies:
        raise StartError(
            ERR_CERTIFICATE_KEYS.format(bodies=", ".join(bodies[:LOGS_NAMED])),
            hint=HINT_CERTIFICATE_KEYS,
        )
    mismatched = keys_mismatched()
    if not mismatched:
        return
    logs = ("the log " if len(mismatched) == 1 else "the logs ") + ", ".join(
        mismatched[:LOGS_NAMED]
    )
    if len(mismatched) > LOGS_NAMED:
        logs += f" and {len(mismatched) - LOGS_NAMED} more"
    raise StartError(ERR_KEYS.format(logs=logs), hint=HINT_KEYS)


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
    # The server has migrated and checked the keys: its workers need not.
    procs = [
        subprocess.Popen([sys.executable, "-m", "tianping", "worker", "--no-migrate"])
        for _ in range(count)
    ]

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
    """Migrate (under the migration lock), check the keys, then serve with waitress (and task
    worker processes)."""
    check_port(host, port, command="serve")
    setup()
    prepare()
    _serve(host=host, port=port, threads=threads, with_worker=with_worker)


def _serve(*, host: str, port: int, threads: int = 8, with_worker: bool = True) -> None:
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


def run_worker(*, queue: str = "default", migrate_first: bool = True, **options: Any) -> None:
    """Run tasks from the database queue until interrupted (SIGTERM: after the current job).

    First migrates (under the migration lock; ``migrate_first=False`` when the
    database is known to be up to date) and checks the keys (:func:`check_keys`). Jobs whose worker
    died are re-queued or failed when their lease expires (checked at start and
    every half lease while this worker runs).
    """
    setup()
    if migrate_first:
        prepare()
    else:
        check_keys()
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
    info = prepare(demo=True)
    if info is not None:
        print_demo_accounts(info)
    _serve(host=host, port=port)


def run_migrate() -> None:
    """``tianping migrate``: apply the migrations the database lacks, and nothing else."""
    setup()
    with migration_lock():
        _say_migrated(migrate_database())


def run_setup(*, demo: bool = False) -> None:
    """``tianping setup``: migrate, load the catalogue, check the keys, and seed the demo data
    on request, without serving."""
    setup()
    info = prepare(demo=demo)
    if info is not None:
        print_demo_accounts(info)
    console.print("The platform's database is ready.")


def print_demo_accounts(info: dict[str, Any]) -> None:
    print_credentials(info["accounts"])
    console.print(f"Password for every demo account: [bold]{info['password']}[/bold]")
    console.print(f"(also saved in {info['credentials_file']}, readable only by you)")
    if os.environ.get("TIANPING_REQUIRE_2FA") == "0":
        console.print(
            "Two-factor sign-in is optional in the demo (TIANPING_REQUIRE_2FA=0); "
            "in production it is required of regulators, certifiers and administrators."
        )
