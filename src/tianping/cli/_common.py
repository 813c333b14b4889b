"""What every ``tianping`` sub-command shares: ``--lang``, ``--json FILE``, consoles, errors.

``--lang`` defaults to the locale, as ``gettext`` reads it: the first of
``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides (``zh_CN.UTF-8``
→ ``zh-Hans``, ``en_US.UTF-8`` → ``en``); English when none is set or the one
set names another language. Errors are re-raised as :class:`CommandError`,
worded in the chosen language; only ``tianping.cli.main`` prints them (with
:func:`print_error`, as plain text) and turns them into exit code 2.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.models import OptionInfo

from tianping.errors import LocalizedError, TianpingError
from tianping.text import LANGUAGES, Language, LocalizedText, normalise_language

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""Where the default language comes from, first set wins (POSIX precedence)."""

FALLBACK_LANGUAGE: Language = "en"
"""The language when the locale is unset, ``C``/``POSIX`` or neither Chinese nor English."""

STDOUT = "-"
"""``--json -``: the JSON goes to standard output, and nothing else does."""

BAD_LANGUAGE = "use one of {choices}"
ERROR_PREFIX = "Error: "
WRITTEN = LocalizedText(zh="已写入 {path}", en="Written to {path}")
LANGUAGE_HELP = (
    "Language of the output, zh-Hans or en (default: the locale's, from LC_ALL, LC_MESSAGES "
    "or LANG; English when unset)."
)
JSON_HELP = "Write the JSON report to FILE ('-': standard output, and nothing else)."


class CommandError(TianpingError):
    """A library error worded for the console in the chosen language."""


def locale_language(environ: Mapping[str, str] | None = None) -> Language:
    """The language the locale asks for: ``zh-Hans``, or English (also when unset or unknown)."""
    variables = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = variables.get(name)
        if value:
            # zh_CN.UTF-8@euro → zh_CN; "C" and "POSIX" are not languages we ship.
            code = value.split(".", 1)[0].split("@", 1)[0]
            try:
                return normalise_language(code)
            except ValueError:
                return FALLBACK_LANGUAGE
    return FALLBACK_LANGUAGE


def chosen_language(lang: str | None) -> Language:
    """``--lang`` when given, else the locale's language."""
    return normalise_language(lang) if lang else locale_language()


def _language_option(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise_language(value)
    except ValueError as exc:
        raise typer.BadParameter(BAD_LANGUAGE.format(choices=", ".join(LANGUAGES))) from exc


def language_option(help_text: str = LANGUAGE_HELP) -> OptionInfo:
    """A ``--lang zh-Hans|en`` option; ``None`` when not given (see :func:`chosen_language`)."""
    option: OptionInfo = typer.Option(
        "--lang", metavar="|".join(LANGUAGES), callback=_language_option, help=help_text
    )
    return option


LanguageOption = Annotated[str | None, language_option()]
JsonFileOption = Annotated[str | None, typer.Option("--json", metavar="FILE", help=JSON_HELP)]
LANGUAGE_HELP_BILINGUAL_JSON = (
    "Language of the texts, zh-Hans or en (default: the locale's, from LC_ALL, LC_MESSAGES or "
    "LANG; English when unset). Without it, --json gives both languages."
)


def out_console(*, stderr: bool = False, soft_wrap: bool = False) -> Console:
    """The console results go to (standard error while ``--json -`` holds standard output)."""
    return Console(stderr=stderr, highlight=False, soft_wrap=soft_wrap)


def err_console() -> Console:
    """The console progress bars, notes and errors go to."""
    return Console(stderr=True, highlight=False)


def echo_json(data: object) -> None:
    """Print ``data`` as indented UTF-8 JSON on standard output."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def write_json(data: object, target: str, *, language: str, console: Console | None = None) -> None:
    """Write ``data`` as JSON to the file ``target``, or to standard output when it is ``-``.

    A file written is announced on ``console`` (default: standard output).
    """
    if target == STDOUT:
        echo_json(data)
        return
    Path(target).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (console or out_console()).print(Text(WRITTEN.get(language).format(path=target)))


def emit_json(data: object, target: str | None, *, language: str) -> bool:
    """Honour ``--json FILE``: write ``data`` there (``-``: standard output).

    True when the JSON went to standard output, so the command prints nothing else.
    """
    if target is None:
        return False
    write_json(data, target, language=language)
    return target == STDOUT


def fail(exc: TianpingError, language: str) -> NoReturn:
    """Re-raise ``exc`` worded in ``language`` (a :class:`LocalizedError` is translated)."""
    worded = exc.in_language(language) if isinstance(exc, LocalizedError) else exc
    raise CommandError(worded.message, hint=worded.hint) from exc


def print_error(exc: TianpingError, language: str | None = None) -> None:
    """Print ``Error: <message>`` and the hint on standard error as plain text, never markup.

    A :class:`LocalizedError` is worded in ``language`` (default: the locale's).
    """
    if isinstance(exc, LocalizedError):
        exc = exc.in_language(language or locale_language())
    err_console().print(Text(ERROR_PREFIX, style="bold red") + Text(exc.diagnostics()))


__all__ = [
    "STDOUT",
    "CommandError",
    "JsonFileOption",
    "LanguageOption",
    "chosen_language",
    "echo_json",
    "emit_json",
    "err_console",
    "fail",
    "language_option",
    "locale_language",
    "out_console",
    "print_error",
    "write_json",
]
