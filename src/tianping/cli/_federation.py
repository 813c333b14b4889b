"""`tianping federation` sub-commands: this instance's key, its peers, the outbox.

They act on the platform's database (TIANPING_HOME, or DATABASE_URL). The keys come
from the core key service (``TIANPING_KEY_FEDERATION`` or the key file in the home).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tianping.cli._common import (
    JsonFileOption,
    LanguageOption,
    chosen_language,
    emit_json,
    out_console,
)
from tianping.text import LocalizedText

app = typer.Typer(
    help="Federation with other Tianping instances: this instance's public key, its peers, "
    "and the messages waiting to be delivered.",
    no_args_is_help=True,
)

_UI = {
    "unknown": LocalizedText(zh="没有编号为 {id} 的机构", en="No organisation has the number {id}"),
    "refused": LocalizedText(zh="未保存：{reason}", en="Not saved: {reason}"),
    "saved": LocalizedText(zh="已配置对等实例 {name}", en="Peer {name} configured"),
    "delivered": LocalizedText(
        zh="已送达 {delivered} 条，待重试 {retrying} 条，被拒 {refused} 条",
        en="{delivered} delivered, {retrying} to retry, {refused} refused",
    ),
    "peer": LocalizedText(zh="对等实例", en="Peer"),
    "kind": LocalizedText(zh="类型", en="Kind"),
    "state": LocalizedText(zh="状态", en="State"),
    "attempts": LocalizedText(zh="尝试次数", en="Attempts"),
    "error": LocalizedText(zh="最近错误", en="Last error"),
}


def _ui(key: str, language: str, **params: object) -> str:
    return _UI[key].get(language).format(**params)


def _setup() -> None:
    from tianping.web import launcher

    launcher.setup()


@app.command("key")
def key(json_out: JsonFileOption = None, lang: LanguageOption = None) -> None:
    """Print this instance's federation name and public keys, for its peers' administrators."""
    language = chosen_language(lang)
    _setup()
    from tianping.web.federation.services import instance_name, public_keys

    data = {"name": instance_name(), "public_keys": public_keys()}
    if emit_json(data, json_out, language=language):
        return
    typer.echo(data["name"])
    for line in data["public_keys"]:
        typer.echo(line)


@app.command("peer")
def peer(
    name: Annotated[str, typer.Argument(help="The peer's federation name.")],
    url: Annotated[str, typer.Argument(help="The peer's base address (https://…).")],
    stand_in: Annotated[
        int,
        typer.Option(
            "--stand-in",
            min=1,
            metavar="ORG_ID",
            help="The organisation in this instance's tree that stands for the peer.",
        ),
    ],
    public_key: Annotated[
        list[str],
        typer.Option("--key", help="The peer's public key (base64); repeat for older keys."),
    ],
    disable: Annotated[bool, typer.Option("--disable", help="Stop exchanging with it.")] = False,
    lang: LanguageOption = None,
) -> None:
    """Add a peer instance, or change one (its address, keys, stand-in)."""
    language = chosen_language(lang)
    _setup()
    from tianping.web.federation.services import peer_configure_for_cli

    saved, errors = peer_configure_for_cli(
        name=name,
        url=url,
        public_keys=public_key,
        stand_in_id=stand_in,
        enabled=not disable,
        language=language,
    )
    if saved is None:
        message = "; ".join(errors) if errors else _ui("unknown", language, id=stand_in)
        typer.echo(_ui("refused", language, reason=message) if errors else message, err=True)
        raise typer.Exit(2)
    typer.echo(_ui("saved", language, name=saved.name))


@app.command("outbox")
def outbox(json_out: JsonFileOption = None, lang: LanguageOption = None) -> None:
    """List the messages not delivered yet: waiting, or refused by their peer."""
    language = chosen_language(lang)
    _setup()
    from tianping.web.federation.services import outbox_rows

    rows = outbox_rows(language)
    data = [{k: v for k, v in r.items() if not k.endswith("_label")} for r in rows]
    if emit_json(data, json_out, language=language):
        return
    table = Table(*(_ui(k, language) for k in ("peer", "kind", "state", "attempts", "error")))
    for r in rows:
        table.add_row(
            r["peer"], r["kind_label"], r["state_label"], str(r["attempts"]), r["last_error"]
        )
    out_console().print(table)


@app.command("deliver")
def deliver(lang: LanguageOption = None) -> None:
    """Queue what must cross to a peer and deliver what is due, once (a worker does it
    every minute)."""
    language = chosen_language(lang)
    _setup()
    from tianping.web.federation.services import deliver_due, enqueue

    enqueue()
    typer.echo(_ui("delivered", language, **deliver_due()))
