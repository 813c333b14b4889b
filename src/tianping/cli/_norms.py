"""`tianping norms` sub-commands: browse the normative catalogue.

The commands read the catalogue and print it; the work is
:mod:`tianping.norms`'s. Library errors (an unknown article, principle …) stay
:class:`~tianping.errors.TianpingError`\\ s, and ``tianping.cli.main`` turns them
into exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table
from rich.text import Text

from tianping.cli._common import emit_json, out_console
from tianping.norms import (
    DATA_DIR,
    Article,
    Catalogue,
    RequirementItem,
    Stage,
    Tier,
    check_catalogue,
    fold,
    load_catalogue,
)
from tianping.norms.validate import report
from tianping.text import LocalizedText

app = typer.Typer(
    help=(
        "Browse the normative catalogue: the 25 articles of the Ethical Norms for New "
        "Generation AI (2021), their six principles, the checkable requirement items derived "
        "from them, the crosswalks to other frameworks and the list of activities that need "
        "expert re-review."
    ),
    no_args_is_help=True,
)

Lang = Literal["zh-Hans", "en", "both"]
What = Literal["items", "articles", "principles", "categories", "frameworks", "listed"]

# Which `list` filters make sense for which kind of entry.
_FILTERS: dict[str, tuple[str, ...]] = {
    "items": ("--principle", "--article", "--stage", "--category", "--tier", "--search"),
    "articles": ("--principle", "--category", "--search"),
    "principles": (),
    "categories": (),
    "frameworks": (),
    "listed": (),
}
FILTER_NOT_APPLICABLE = "{option} does not apply to --what {what} (filters that do: {allowed})."
NO_MATCH = "No {what} match."

_LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        "-l",
        help="Language of the texts: zh-Hans (Simplified Chinese), en (English) or both.",
    ),
]
_JsonOption = Annotated[
    str | None,
    typer.Option(
        "--json",
        metavar="FILE",
        help="Write JSON (UTF-8, both languages) to FILE ('-': standard output, and nothing else).",
    ),
]


def _written(lang: Lang) -> str:
    """The language of the "written FILE" note: English where both languages are shown."""
    return "en" if lang == "both" else lang


def _pick(text: LocalizedText, lang: Lang) -> str:
    if lang == "both":
        return f"{text.zh}\n{text.en}"
    return text.get(lang)


def _items_table(items: list[RequirementItem], lang: Lang, title: str) -> Table:
    table = Table(title=title, show_lines=lang == "both", title_justify="left")
    # Short facts stacked in one column leave the question room on narrow terminals.
    table.add_column("Item", no_wrap=True)
    table.add_column("Question", ratio=1, overflow="fold", min_width=24)
    for item in items:
        facts = Text(item.id, style="bold")
        facts.append(
            f"\nArt. {item.article} · {item.stage}\n{item.evidence}\n{'/'.join(item.tiers)}"
        )
        question = Text(_pick(item.question, lang))
        question.append("\n" + ", ".join(item.principles), style="dim")
        table.add_row(facts, question)
    return table


@app.command("list")
def list_entries(
    what: Annotated[
        What,
        typer.Option(
            "--what",
            "-w",
            help=(
                "What to list: items (requirement items), articles, principles, categories "
                "(activity categories), frameworks (crosswalk frameworks) or listed (activities "
                "that need expert re-review)."
            ),
        ),
    ] = "items",
    principle: Annotated[
        str | None,
        typer.Option(
            "--principle",
            "-p",
            help=(
                "Only entries serving this principle: well_being, fairness, privacy_security, "
                "controllability, accountability or ethical_literacy."
            ),
        ),
    ] = None,
    article: Annotated[
        int | None,
        typer.Option(
            "--article", "-a", min=1, help="Only the items derived from this article (1–25)."
        ),
    ] = None,
    stage: Annotated[
        Stage | None,
        typer.Option("--stage", "-s", help="Only the items checked at this lifecycle stage."),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            "-c",
            help="Only entries of this activity category: management, research, supply or use.",
        ),
    ] = None,
    tier: Annotated[
        Tier | None,
        typer.Option(
            "--tier",
            "-t",
            help="Only the items that apply to this risk tier (low = the fast-track subset).",
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-q",
            help=(
                "Only entries containing this text, in Chinese or English, ignoring case: for "
                "items the question and the article title, for articles the title and the text."
            ),
        ),
    ] = None,
    lang: _LangOption = "both",
    json_out: _JsonOption = None,
) -> None:
    """List requirement items (by default all of them), or other catalogue entries.

    Filters combine: `tianping norms list --principle fairness --tier low` lists
    the fast-track items that serve fairness.
    """
    given = {
        "--principle": principle,
        "--article": article,
        "--stage": stage,
        "--category": category,
        "--tier": tier,
        "--search": search,
    }
    allowed = _FILTERS[what]
    for option, value in given.items():
        if value is not None and option not in allowed:
            raise typer.BadParameter(
                FILTER_NOT_APPLICABLE.format(
                    option=option, what=what, allowed=", ".join(allowed) or "none"
                ),
                param_hint=option,
            )
    catalogue = load_catalogue()
    if what == "items":
        items = catalogue.requirements(
            article=article,
            principle=principle,
            stage=stage,
            category=category,
            tier=tier,
            text=search,
        )
        _print_items(catalogue, items, lang=lang, json_out=json_out)
    elif what == "articles":
        _print_articles(
            catalogue,
            _filter_articles(catalogue, principle=principle, category=category, text=search),
            lang=lang,
            json_out=json_out,
        )
    elif what == "principles":
        _print_principles(catalogue, lang=lang, json_out=json_out)
    elif what == "categories":
        _print_categories(catalogue, lang=lang, json_out=json_out)
    elif what == "frameworks":
        _print_frameworks(catalogue, lang=lang, json_out=json_out)
    else:
        _print_listed(catalogue, lang=lang, json_out=json_out)


def _envelope(catalogue: Catalogue, what: str, results: list[Any]) -> dict[str, Any]:
    return {"catalogue": catalogue.version, "what": what, "count": len(results), "results": results}


def _print_items(
    catalogue: Catalogue, items: list[RequirementItem], *, lang: Lang, json_out: str | None
) -> None:
    if emit_json(
        _envelope(catalogue, "items", [item.to_json() for item in items]),
        json_out,
        language=_written(lang),
    ):
        return
    console = out_console()
    if not items:
        console.print(NO_MATCH.format(what="requirement items"))
        return
    title = f"Requirement items · 要求项 — catalogue {catalogue.version} ({len(items)})"
    console.print(_items_table(items, lang, title))


def _filter_articles(
    catalogue: Catalogue, *, principle: str | None, category: str | None, text: str | None
) -> list[Article]:
    articles = list(catalogue.articles)
    if principle is not None:
        wanted = catalogue.principle(principle).id
        articles = [article for article in articles if wanted in article.principles]
    if category is not None:
        wanted = catalogue.category(category).id
        articles = [article for article in articles if article.category == wanted]
    if text is not None:
        needle = fold(text.strip())
        articles = [
            article
            for article in articles
            if needle
            in fold(
                "\n".join((article.title.zh, article.title.en, article.text.zh, article.text.en))
            )
        ]
    return articles


def _print_articles(
    catalogue: Catalogue, articles: list[Article], *, lang: Lang, json_out: str | None
) -> None:
    if emit_json(
        _envelope(catalogue, "articles", [article.to_json() for article in articles]),
        json_out,
        language=_written(lang),
    ):
        return
    console = out_console()
    if not articles:
        console.print(NO_MATCH.format(what="articles"))
        return
    table = Table(
        title=f"Articles · 条文 — catalogue {catalogue.version} ({len(articles)})",
        title_justify="left",
    )
    table.add_column("No.", justify="right", no_wrap=True)
    table.add_column("Chapter", no_wrap=True)
    table.add_column("Category", no_wrap=True)
    table.add_column("Title", ratio=1, overflow="fold")
    table.add_column("Principles", no_wrap=True)
    table.add_column("Items", justify="right", no_wrap=True)
    for article in articles:
        chapter = catalogue.chapter(article.chapter)
        table.add_row(
            str(article.number),
            chapter.label("en").removeprefix("Chapter "),
            article.category or "—",
            Text(_pick(article.title, lang)),
            "\n".join(article.principles) or "—",
            str(len(catalogue.items_for_article(article.number))),
        )
    console.print(table)


def _print_principles(catalogue: Catalogue, *, lang: Lang, json_out: str | None) -> None:
    results = [principle.to_json() for principle in catalogue.principles]
    if emit_json(_envelope(catalogue, "principles", results), json_out, language=_written(lang)):
        return
    table = Table(title="Principles · 基本原则 (Art. 3)", title_justify="left", show_lines=True)
    table.add_column("No.", justify="right", no_wrap=True)
    table.add_column("ID", no_wrap=True, style="bold")
    table.add_column("Name", ratio=1, overflow="fold")
    table.add_column("Items", justify="right", no_wrap=True)
    table.add_column("Description", ratio=2, overflow="fold")
    for principle in catalogue.principles:
        table.add_row(
            str(principle.number),
            principle.id,
            Text(_pick(principle.name, lang)),
            str(len(catalogue.requirements(principle=principle.id))),
            Text(_pick(principle.description, lang)),
        )
    out_console().print(table)


def _print_categories(catalogue: Catalogue, *, lang: Lang, json_out: str | None) -> None:
    results = [category.to_json() for category in catalogue.categories]
    if emit_json(_envelope(catalogue, "categories", results), json_out, language=_written(lang)):
        return
    table = Table(title="Activity categories · 活动类别 (Art. 2)", title_justify="left")
    table.add_column("ID", no_wrap=True, style="bold")
    table.add_column("Name", ratio=1, overflow="fold")
    table.add_column("Articles", no_wrap=True)
    table.add_column("Items", justify="right", no_wrap=True)
    for category in catalogue.categories:
        table.add_row(
            category.id,
            Text(_pick(category.name, lang)),
            f"{category.first_article}–{category.last_article}",
            str(len(catalogue.requirements(category=category.id))),
        )
    out_console().print(table)


def _print_frameworks(catalogue: Catalogue, *, lang: Lang, json_out: str | None) -> None:
    results = [framework.to_json() for framework in catalogue.frameworks]
    if emit_json(_envelope(catalogue, "frameworks", results), json_out, language=_written(lang)):
        return
    table = Table(title="Crosswalk frameworks · 对照框架", title_justify="left", show_lines=True)
    table.add_column("ID", no_wrap=True, style="bold")
    table.add_column("Name", ratio=1, overflow="fold")
    table.add_column("Conf.", no_wrap=True)
    table.add_column("In force", no_wrap=True)
    table.add_column("Targets", ratio=1, overflow="fold")
    for framework in catalogue.frameworks:
        table.add_row(
            framework.id,
            Text(_pick(framework.name, lang)),
            framework.confidence,
            framework.effective_from.isoformat(),
            "\n".join(framework.target_ids),
        )
    out_console().print(table)


def _print_listed(catalogue: Catalogue, *, lang: Lang, json_out: str | None) -> None:
    listed = catalogue.expert_review_list
    data = _envelope(catalogue, "listed", [entry.to_json() for entry in listed.activities])
    data["list"] = {key: value for key, value in listed.to_json().items() if key != "activities"}
    if emit_json(data, json_out, language=_written(lang)):
        return
    table = Table(
        title=(
            f"Activities needing expert re-review · 需要专家复核的活动 — list {listed.version}, "
            f"in force from {listed.effective_from.isoformat()}"
        ),
        title_justify="left",
        show_lines=True,
    )
    table.add_column("ID", no_wrap=True, style="bold")
    table.add_column("Name", ratio=1, overflow="fold")
    table.add_column("Description", ratio=2, overflow="fold")
    for activity in listed.activities:
        table.add_row(
            activity.id,
            Text(_pick(activity.name, lang)),
            Text(_pick(activity.description, lang)),
        )
    out_console().print(table)


@app.command("show")
def show(
    number: Annotated[
        int,
        typer.Argument(metavar="N", help="The article number, 1–25 (e.g. 13 for 避免偏见歧视)."),
    ],
    lang: _LangOption = "both",
    json_out: _JsonOption = None,
) -> None:
    """Show one article: its official Chinese text, our English paraphrase and its items.

    The Chinese text is the official one, verbatim; the English text is
    Tianping's own paraphrase, not an official translation.
    """
    catalogue = load_catalogue()
    article = catalogue.article(number)
    items = catalogue.items_for_article(article.number)
    if emit_json(
        {
            "catalogue": catalogue.version,
            "article": article.to_json(),
            "chapter": catalogue.chapter(article.chapter).to_json(),
            "items": [item.to_json() for item in items],
        },
        json_out,
        language=_written(lang),
    ):
        return
    console = out_console()
    chapter = catalogue.chapter(article.chapter)
    zh_heading = f"{article.label('zh')} {article.title.zh}"
    en_heading = f"{article.label('en')} — {article.title.en}"
    if lang != "en":
        console.print(Text(zh_heading, style="bold"))
    if lang != "zh-Hans":
        console.print(Text(en_heading, style="bold"))
    place = [
        _pick(
            LocalizedText(
                zh=f"{chapter.label('zh')} {chapter.title.zh}",
                en=f"{chapter.label('en')}: {chapter.title.en}",
            ),
            lang,
        )
    ]
    if article.category is not None:
        place.append(_pick(catalogue.category(article.category).name, lang))
    console.print(Text(" · ".join(place).replace("\n", " · "), style="dim"), soft_wrap=True)
    if article.principles:
        names = [_pick(catalogue.principle(p).name, lang) for p in article.principles]
        label = {"zh-Hans": "原则", "en": "Principles", "both": "原则 · Principles"}[lang]
        console.print(Text(f"{label}: " + "; ".join(names).replace("\n", " / ")), soft_wrap=True)
    if lang != "en":
        console.print()
        console.print(Text("正式文本 (official text)", style="underline"))
        console.print(Text(article.text.zh), soft_wrap=True)
    if lang != "zh-Hans":
        console.print()
        console.print(Text("English paraphrase (Tianping's own words)", style="underline"))
        console.print(Text(article.text.en), soft_wrap=True)
    console.print()
    if items:
        title = f"Requirement items · 要求项 ({len(items)})"
        console.print(_items_table(items, lang, title))
    else:
        console.print("No requirement items derive from this article.")


@app.command("crosswalk")
def crosswalk(
    framework: Annotated[
        str,
        typer.Argument(
            metavar="FRAMEWORK",
            help=(
                "The framework id: governance_code_2026, export_review_2026, pipl or "
                "ethics_review_measures_2023 (see `tianping norms list --what frameworks`)."
            ),
        ),
    ],
    lang: _LangOption = "both",
    json_out: _JsonOption = None,
) -> None:
    """Show which requirement items map to each target of another framework.

    The mapping is Tianping's reading of the texts, not an official table.
    """
    catalogue = load_catalogue()
    entry = catalogue.framework(framework)
    mapping = catalogue.crosswalk(entry.id)
    if emit_json(
        {"catalogue": catalogue.version, "framework": entry.to_json(), "mapping": mapping},
        json_out,
        language=_written(lang),
    ):
        return
    table = Table(
        title=f"{_pick(entry.name, lang)} — confidence {entry.confidence}".replace("\n", " / "),
        title_justify="left",
        show_lines=True,
    )
    table.add_column("Target", no_wrap=True, style="bold")
    table.add_column("Name", ratio=1, overflow="fold")
    table.add_column("Items", ratio=2, overflow="fold")
    for target in entry.targets:
        table.add_row(
            target.id,
            Text(_pick(target.name, lang)),
            " ".join(mapping[target.id]) or "—",
        )
    out_console().print(table)


@app.command("validate")
def validate(
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DIR]",
            help="A catalogue folder to check (default: the catalogue shipped with Tianping).",
        ),
    ] = None,
) -> None:
    """Check a catalogue folder against its JSON Schemas and cross-references.

    Exits 0 when the catalogue is valid and 1 when it is not, listing every
    problem with its file and place. Same as `python -m tianping.norms.validate`.
    """
    target = directory or DATA_DIR
    problems = check_catalogue(target)
    report(target, problems, sys.stdout)
    if problems:
        raise typer.Exit(code=1)
