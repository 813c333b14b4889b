"""`tianping ledger` sub-commands: keep, prove and verify a tamper-evident log.

The commands open a store, call :mod:`tianping.ledger` and print. Library
errors (a bad entry, a tampered export, a refused checkpoint) stay
:class:`~tianping.errors.TianpingError`\\ s, and ``tianping.cli.main`` turns
them into exit code 2. Results go to standard output; progress bars and notes
go to standard error, so ``--json`` output can be piped.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from tianping.cli._common import emit_json, err_console, out_console
from tianping.errors import TianpingError
from tianping.ledger import (
    ON_PERSONAL_DATA,
    FileStore,
    InclusionProof,
    LeafError,
    Ledger,
    LedgerError,
    NoteSigner,
    OnPersonalData,
    PersonalDataError,
    Receipt,
    SignedCheckpoint,
    SQLiteStore,
    VerifierKey,
    audit_store,
    create_store,
    export_store,
    leaf_hash,
    open_store,
    parse_json,
    prepare_leaf,
    read_key_file,
    verify_export,
    verify_receipt,
    write_key_file,
)

app = typer.Typer(
    help=(
        "Keep a tamper-evident ledger (an RFC 6962 Merkle log with C2SP signed checkpoints), "
        "prove entries are in it, and verify logs, exports and receipts without trusting "
        "whoever kept them."
    ),
    no_args_is_help=True,
)

PROOF_FORMAT = "tianping-inclusion-proof/1"
"""The ``format`` of ``prove --json`` output when no checkpoint has the size asked for."""

ERR_NOT_OBJECT = "{file}, line {line}: an entry must be a JSON object"
ERR_LINE = "{file}, line {line}: {reason}"
ERR_NO_KEY_FILE = "no --key-file given and {log} records none"
ERR_ON_PERSONAL_DATA = "--on-personal-data is 'refuse' or 'hash', not {value!r}"
ERR_SALTS_NEEDED = (
    "--personal-field and --on-personal-data hash need --salts-out: without the salts nobody "
    "can later match a person to a salted hash"
)
ERR_NO_ENTRIES = "{file} holds no entries"
ERR_READ = "cannot read {path}: {reason}"
ERR_NO_VKEY = "{log} records no verifier key and none was given"
HINT_PIN_KEY = "Pass the log's verifier key with --key."

DEFAULT_BATCH = 1000
_LOG_HELP = "The log: a directory of files, or an SQLite database (*.sqlite, *.db)."
_KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        "-k",
        help="The log's verifier key (name+keyid+base64), or a file that holds it.",
    ),
]


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def _is_sqlite_file(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _verifier(key: str) -> VerifierKey:
    path = Path(key)
    text = key
    if "+" not in key or path.is_file():
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise LedgerError(ERR_READ.format(path=key, reason=error.strerror)) from None
        except UnicodeDecodeError as error:
            raise LedgerError(ERR_READ.format(path=key, reason=error)) from None
    return VerifierKey.parse(text)


@contextmanager
def _opened(log: Path, *, readonly: bool) -> Iterator[FileStore | SQLiteStore]:
    store = open_store(log, readonly=readonly)
    try:
        if isinstance(store, FileStore) and store.recovered:
            console = err_console()
            for note in store.recovered:
                console.print(f"[yellow]Recovered from an interrupted write:[/yellow] {note}")
        yield store
    finally:
        store.close()


@app.command()
def init(
    log: Annotated[Path, typer.Argument(help=_LOG_HELP)],
    name: Annotated[
        str,
        typer.Option(
            "--name",
            "-n",
            help="The log's origin, e.g. tianping.example/systems/42/decisions "
            "(no spaces, no '+'); also its key's name.",
        ),
    ],
    key_file: Annotated[
        Path,
        typer.Option(
            "--key-file",
            help="Where to write the new Ed25519 signing key (created 0600, never overwritten).",
        ),
    ],
) -> None:
    """Create an empty log and a signing key for its checkpoints."""
    signer = NoteSigner.generate(name)
    write_key_file(key_file, signer)
    try:
        store = create_store(
            log,
            origin=name,
            metadata={"vkey": signer.verifier.text, "key_file": str(key_file.resolve())},
        )
    except BaseException:
        key_file.unlink(missing_ok=True)
        raise
    store.close()
    out = out_console(soft_wrap=True)
    out.print(f"Created the log {log} for {name}.")
    out.print(f"Signing key: {key_file} (keep it secret; mode 0600).")
    out.print("Verifier key (publish it; auditors pass it as --key):")
    out.print(signer.verifier.text)


def _read_entries(
    file: Path,
    fields: list[str],
    on_personal_data: OnPersonalData,
    advance: Callable[[int], None],
) -> tuple[list[bytes], list[bytes | None]]:
    """Parse, screen and canonicalise every line first, so bad input changes nothing."""
    leaves: list[bytes] = []
    salts: list[bytes | None] = []
    handle = open(file, "rb") if str(file) != "-" else os.fdopen(os.dup(0), "rb")  # noqa: SIM115
    with handle:
        for number, raw in enumerate(handle, start=1):
            advance(len(raw))
            if not raw.strip():
                continue
            try:
                record = parse_json(raw)
            except LedgerError as error:
                raise LeafError(
                    ERR_LINE.format(file=file, line=number, reason=error.message)
                ) from None
            if not isinstance(record, dict):
                raise LeafError(ERR_NOT_OBJECT.format(file=file, line=number))
            try:
                prepared = prepare_leaf(
                    record, personal_fields=fields, on_personal_data=on_personal_data
                )
            except PersonalDataError as error:
                raise PersonalDataError(
                    ERR_LINE.format(file=file, line=number, reason=error.message),
                    found=error.found,
                    hint=error.hint,
                ) from None
            except (LedgerError, TianpingError) as error:
                raise LeafError(
                    ERR_LINE.format(file=file, line=number, reason=error.message)
                ) from None
            leaves.append(prepared.data)
            salts.append(prepared.salt)
    if not leaves:
        raise LeafError(ERR_NO_ENTRIES.format(file=file))
    return leaves, salts


@app.command()
def append(
    log: Annotated[Path, typer.Argument(help=_LOG_HELP)],
    file: Annotated[
        Path,
        typer.Argument(help="JSON Lines: one JSON object per line ('-' for standard input)."),
    ],
    personal_field: Annotated[
        list[str] | None,
        typer.Option(
            "--personal-field",
            "-p",
            help="A top-level field holding personal data: it enters the log only as a salted "
            "SHA-256. Repeat for several.",
        ),
    ] = None,
    salts_out: Annotated[
        Path | None,
        typer.Option(
            "--salts-out",
            help="JSON Lines file (0600) to add each entry's salt to; keep it with the personal "
            "data, erase both together.",
        ),
    ] = None,
    on_personal_data: Annotated[
        str,
        typer.Option(
            "--on-personal-data",
            help="Personal data found outside the personal fields (resident ID, USCC, bank "
            "card, mobile, e-mail): 'refuse' the file (nothing is appended) or 'hash' each "
            "value in place (needs --salts-out).",
        ),
    ] = "refuse",
    batch_size: Annotated[
        int,
        typer.Option("--batch-size", min=1, max=100_000, help="Entries per durable commit."),
    ] = DEFAULT_BATCH,
) -> None:
    """Append the entries of a JSON Lines file, in batches (one fsync per batch).

    Every entry is screened first: raw personal data outside the personal fields is
    refused (the line, the field and the kind of data are named; never the value).
    """
    fields = list(personal_field or [])
    if on_personal_data not in ON_PERSONAL_DATA:
        raise LeafError(ERR_ON_PERSONAL_DATA.format(value=on_personal_data))
    policy: OnPersonalData = "hash" if on_personal_data == "hash" else "refuse"
    if (fields or policy == "hash") and salts_out is None:
        raise LeafError(ERR_SALTS_NEEDED)
    console = err_console()
    with _opened(log, readonly=False) as store:
        ledger = Ledger(store)
        with _progress(console) as bar:
            total = file.stat().st_size if str(file) != "-" else None
            reading = bar.add_task("Reading", total=total)
            leaves, salts = _read_entries(file, fields, policy, lambda n: bar.advance(reading, n))
            bar.update(reading, visible=False)
            writing = bar.add_task("Appending", total=len(leaves))
            salts_fd = (
                os.open(salts_out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                if salts_out is not None
                else None
            )
            first = ledger.size
            try:
                for start in range(0, len(leaves), batch_size):
                    indexes = ledger.append_many(leaves[start : start + batch_size])
                    if salts_fd is not None:
                        lines = "".join(
                            json.dumps({"index": index, "salt": salt.hex()}) + "\n"
                            for index, salt in zip(
                                indexes, salts[start : start + batch_size], strict=True
                            )
                            if salt is not None
                        )
                        os.write(salts_fd, lines.encode("ascii"))
                    bar.advance(writing, len(indexes))
            finally:
                if salts_fd is not None:
                    os.fsync(salts_fd)
                    os.close(salts_fd)
        out = out_console(soft_wrap=True)
        out.print(
            f"Appended {len(leaves)} entries ({first}..{ledger.size - 1}); "
            f"the log now has {ledger.size}."
        )
        out.print(f"Tree hash: {ledger.tree_hash().hex()}")
        err_console().print(
            "Not yet attested: run `tianping ledger checkpoint LOG` to sign the tree."
        )


@app.command()
def checkpoint(
    log: Annotated[Path, typer.Argument(help=_LOG_HELP)],
    key_file: Annotated[
        Path | None,
        typer.Option("--key-file", help="The signing key (default: the one `init` wrote)."),
    ] = None,
) -> None:
    """Sign a checkpoint of the current tree, after proving it extends the last one."""
    with _opened(log, readonly=False) as store:
        if key_file is None:
            recorded = store.metadata.get("key_file")
            if not recorded:
                raise LedgerError(ERR_NO_KEY_FILE.format(log=log))
            key_file = Path(recorded)
        signer = read_key_file(key_file)
        signed = Ledger(store).sign_checkpoint(signer)
    out = out_console(soft_wrap=True)
    out.print(signed.note, end="")
    err_console().print(
        f"Signed checkpoint of size {signed.checkpoint.size} by {signer.verifier.text}"
    )


def _proof_table(
    proof: InclusionProof, leaf: bytes, root: bytes, checkpoint_note: str | None
) -> Table:
    table = Table(title=f"Entry {proof.index} in the tree of size {proof.tree_size}")
    table.add_column("", style="bold", no_wrap=True)
    table.add_column("", overflow="fold")
    table.add_row("Entry", leaf.decode("utf-8", "replace"))
    table.add_row("Leaf hash", leaf_hash(leaf).hex())
    table.add_row("Root hash", root.hex())
    for step, value in enumerate(proof.hashes):
        table.add_row(f"Path {step}", value.hex())
    table.add_row(
        "Checkpoint", "signed" if checkpoint_note else "none of this size (unsigned tree head)"
    )
    return table


@app.command()
def prove(
    log: Annotated[Path, typer.Argument(help=_LOG_HELP)],
    index: Annotated[int, typer.Argument(min=0, help="The entry, numbered from 0.")],
    size: Annotated[
        int | None,
        typer.Option(
            "--size",
            min=1,
            help="The tree size to prove against (default: the latest signed checkpoint).",
        ),
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json",
            metavar="FILE",
            help="Write the receipt (or bare proof) as JSON to FILE ('-': standard output).",
        ),
    ] = None,
) -> None:
    """Prove that an entry is in the log: a receipt anchored in a signed checkpoint."""
    with _opened(log, readonly=True) as store:
        ledger = Ledger(store)
        sizes = {signed.checkpoint.size for signed in ledger.checkpoints()}
        note: str | None = None
        if size is None or size in sizes:
            receipt = ledger.receipt(index, size=size)
            data: dict[str, Any] = receipt.to_json()
            proof, leaf, note = receipt.proof, receipt.leaf, receipt.checkpoint
            root = SignedCheckpoint.parse_unverified(note).checkpoint.root_hash
        else:
            proof = ledger.inclusion_proof(index, size=size)
            leaf = ledger.leaf(index)
            root = ledger.tree_hash(size)
            data = {
                "format": PROOF_FORMAT,
                "index": index,
                "tree_size": size,
                "leaf": leaf.decode("utf-8"),
                "leaf_hash": _b64(leaf_hash(leaf)),
                "root_hash": _b64(root),
                "inclusion_proof": [_b64(value) for value in proof.hashes],
            }
    if not emit_json(data, json_out, language="en"):
        out_console(soft_wrap=True).print(_proof_table(proof, leaf, root, note))


@app.command("verify-receipt")
def verify_receipt_command(
    receipt: Annotated[Path, typer.Argument(help="A receipt written by `prove --json FILE`.")],
    key: Annotated[
        str,
        typer.Option(
            "--key", "-k", help="The log's verifier key (name+keyid+base64), or a file with it."
        ),
    ],
) -> None:
    """Check a receipt offline against the log's verifier key."""
    try:
        text = receipt.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LedgerError(ERR_READ.format(path=receipt, reason=error)) from None
    parsed = Receipt.from_json(text)
    checkpoint = verify_receipt(parsed, _verifier(key))
    out_console(soft_wrap=True).print(
        f"OK: entry {parsed.index} is in {checkpoint.origin}'s log of size {checkpoint.size} "
        f"(root {checkpoint.root_hash.hex()}), signed by the given key."
    )


@app.command()
def export(
    log: Annotated[Path, typer.Argument(help=_LOG_HELP)],
    out: Annotated[Path, typer.Argument(help="The export file to create (JSON Lines).")],
) -> None:
    """Export the log as one JSON Lines file that anyone can verify."""
    console = err_console()
    with _opened(log, readonly=True) as store:
        vkey = store.metadata.get("vkey")
        with _progress(console) as bar:
            task = bar.add_task("Exporting", total=store.size())
            report = export_store(
                store, out, vkey=vkey, progress=lambda n: bar.update(task, completed=n)
            )
    out_console(soft_wrap=True).print(
        f"Exported {report.size} entries and {report.checkpoints} checkpoints of "
        f"{report.origin} to {out}."
    )


@app.command()
def verify(
    path: Annotated[
        Path,
        typer.Argument(help="An export (JSON Lines) or a log (directory or SQLite database)."),
    ],
    key: _KeyOption = None,
    allow_unsigned_tail: Annotated[
        bool,
        typer.Option(
            "--allow-unsigned-tail",
            help="Accept entries after the last signed checkpoint (a log's, not an export's).",
        ),
    ] = False,
) -> None:
    """Re-derive every hash, check every checkpoint; name the first bad entry."""
    verifier = _verifier(key) if key is not None else None
    console = err_console()
    is_log = path.is_dir() or _is_sqlite_file(path)
    with _progress(console) as bar:
        task = bar.add_task("Verifying", total=None)

        def advance(count: int) -> None:
            bar.update(task, completed=count)

        if is_log:
            with _opened(path, readonly=True) as store:
                bar.update(task, total=store.size())
                verifier_used: VerifierKey | None = verifier
                pinned = verifier is not None
                if verifier is None and store.metadata.get("vkey"):
                    verifier_used = VerifierKey.parse(str(store.metadata["vkey"]))
                if verifier_used is None:
                    raise LedgerError(ERR_NO_VKEY.format(log=path), hint=HINT_PIN_KEY)
                report = audit_store(
                    store,
                    key=verifier_used,
                    allow_unsigned_tail=allow_unsigned_tail,
                    progress=advance,
                )
                size, checkpoints, root = report.size, report.checkpoints, report.root_hash
        else:
            export_report = verify_export(path, key=verifier, progress=advance)
            size, checkpoints = export_report.size, export_report.checkpoints
            root, pinned = export_report.root_hash, export_report.key_pinned
    out = out_console(soft_wrap=True)
    out.print(
        f"OK: {size} entries re-derived, {checkpoints} signed checkpoints match "
        f"(root {root.hex()})."
    )
    if not pinned:
        err_console().print(
            "[yellow]Note:[/yellow] signatures were checked against the key recorded in "
            f"{path} itself; pass --key with the log's published verifier key to know who "
            "signed."
        )
