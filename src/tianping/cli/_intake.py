"""`tianping intake` sub-commands: score an intake, list the questions.

The commands read and print; the work is :mod:`tianping.tiering`'s. Errors stay
:class:`~tianping.errors.TianpingError`\\ s, worded in the chosen language, and
``tianping.cli.main`` turns them into exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from tianping.cli._common import (
    LANGUAGE_HELP_BILINGUAL_JSON,
    JsonFileOption,
    chosen_language,
    emit_json,
    fail,
    language_option,
    out_console,
)
from tianping.text import LocalizedText
from tianping.tiering import (
    MAX_ANSWERS_BYTES,
    IntakeDocumentError,
    Question,
    Questionnaire,
    TieringError,
    TierResult,
    load_questionnaire,
    read_answers,
    score_intake,
)
from tianping.tiering.messages import DOCUMENT_HINT, ERR_DOCUMENT_UNREADABLE

app = typer.Typer(
    help="Intake: score an AI system's questionnaire answers into a risk tier and obligations.",
    no_args_is_help=True,
)


# Words of the console summary.
_UI = {
    "questionnaire": LocalizedText(zh="问卷版本", en="Questionnaire"),
    "tier": LocalizedText(zh="风险等级", en="Tier"),
    "computed": LocalizedText(zh="计算等级", en="computed tier"),
    "overridden": LocalizedText(zh="人工调整", en="overridden"),
    "expert": LocalizedText(zh="需要专家复核", en="Expert re-review required"),
    "yes": LocalizedText(zh="是", en="yes"),
    "no": LocalizedText(zh="否", en="no"),
    "score": LocalizedText(zh="得分", en="Score"),
    "score_line": LocalizedText(
        zh="最终 {final}（原始影响分 {raw} − 缓解抵减 {credit}，缓解比例 {percent}%），"
        "满分 {max}；分段：{band}",
        en="final {final} (raw impact {raw} − mitigation credit {credit}, {percent}% earned) "
        "of {max}; band: {band}",
    ),
    "bands": LocalizedText(zh="分段", en="Bands"),
    "reasons": LocalizedText(zh="主要依据", en="Reasons"),
    "obligations": LocalizedText(zh="义务", en="Obligations"),
    "kind": LocalizedText(zh="类型", en="kind"),
    "question": LocalizedText(zh="问题", en="question"),
    "text": LocalizedText(zh="说明", en="explanation"),
    "id": LocalizedText(zh="编号", en="id"),
    "obligation": LocalizedText(zh="义务", en="obligation"),
    "why": LocalizedText(zh="适用原因", en="why"),
    "type": LocalizedText(zh="类型", en="type"),
    "answer_rule": LocalizedText(zh="回答要求", en="required"),
    "choices": LocalizedText(zh="选项", en="choices"),
    "required": LocalizedText(zh="必答", en="required"),
    "optional": LocalizedText(zh="选答", en="optional"),
    "when": LocalizedText(zh="当 {condition} 时", en="when {condition}"),
    "floor": LocalizedText(zh="最低等级", en="floor"),
    "points": LocalizedText(zh="影响分", en="points"),
    "mitigation": LocalizedText(zh="缓解", en="mitigation"),
}


def _ui(key: str, language: str) -> str:
    return _UI[key].get(language)


LanguageOption = Annotated[str | None, language_option(LANGUAGE_HELP_BILINGUAL_JSON)]
QuestionnaireOption = Annotated[
    Path | None,
    typer.Option(
        "--questionnaire",
        metavar="PATH",
        dir_okay=False,
        help="A questionnaire YAML file to use instead of the built-in one.",
    ),
]


@app.command("score")
def score(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help=f"Intake answers as YAML or JSON (UTF-8, at most {MAX_ANSWERS_BYTES:,} bytes); "
            "'-' reads standard input.",
        ),
    ],
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
    questionnaire_path: QuestionnaireOption = None,
) -> None:
    """Score an intake into a risk tier, with its reasons and obligations.

    Exit status 2 when the file cannot be read or the answers are not valid;
    every problem is listed by question id.
    """
    language = chosen_language(lang)
    try:
        questionnaire = load_questionnaire(questionnaire_path)
        data, source = _read_input(file)
        result = score_intake(read_answers(data, source=source), questionnaire=questionnaire)
    except TieringError as exc:
        fail(exc, language)
    if emit_json(result.to_json(lang), json_out, language=language):
        return
    _print_result(result, questionnaire, language)


@app.command("questions")
def questions(
    json_out: JsonFileOption = None,
    lang: LanguageOption = None,
    questionnaire_path: QuestionnaireOption = None,
) -> None:
    """List the intake questions: id, type, when they apply, and their choices."""
    language = chosen_language(lang)
    try:
        questionnaire = load_questionnaire(questionnaire_path)
    except TieringError as exc:
        fail(exc, language)
    if emit_json(questionnaire.to_json(lang), json_out, language=language):
        return
    table = Table(
        title=f"{_ui('questionnaire', language)} {questionnaire.version} "
        f"({questionnaire.effective_from.isoformat()})",
        show_lines=True,
    )
    for key in ("id", "type", "question", "answer_rule", "choices"):
        table.add_column(_ui(key, language), overflow="fold")
    for question in questionnaire.questions:
        table.add_row(
            Text(question.id),
            Text(question.type),
            Text(f"{question.label.get(language)}\n{question.help.get(language)}"),
            Text(_answer_rule(question, language)),
            Text("\n".join(f"{c.id}: {c.label.get(language)}" for c in question.choices)),
        )
    out_console().print(table)


def _read_input(file: str) -> tuple[bytes, str]:
    """Up to one byte more than the cap, so an oversized input is refused without reading it all."""
    if file == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            return sys.stdin.read(MAX_ANSWERS_BYTES + 1).encode("utf-8"), "<stdin>"
        return stream.read(MAX_ANSWERS_BYTES + 1), "<stdin>"
    try:
        with open(file, "rb") as handle:
            return handle.read(MAX_ANSWERS_BYTES + 1), file
    except OSError as exc:
        raise IntakeDocumentError(
            ERR_DOCUMENT_UNREADABLE,
            hint=DOCUMENT_HINT,
            params={"source": file, "problem": exc.strerror or type(exc).__name__},
        ) from exc


def _answer_rule(question: Question, language: str) -> str:
    rule = _ui("required" if question.required else "optional", language)
    if question.requires is None:
        return rule
    when = _ui("when", language).format(condition=question.requires.describe(language))
    return f"{rule}{'，' if language == 'zh-Hans' else ', '}{when}"


def _print_result(result: TierResult, questionnaire: Questionnaire, language: str) -> None:
    console = out_console()
    tier = questionnaire.tier_label(result.tier).get(language)
    header = Text.assemble(
        (f"{_ui('tier', language)}: ", "bold"),
        (f"{result.tier.upper()} ({tier})", _TIER_STYLE[result.tier]),
    )
    if result.override is not None:
        computed = questionnaire.tier_label(result.computed_tier).get(language)
        header.append(f"  [{_ui('overridden', language)}; {_ui('computed', language)}: {computed}]")
    console.print(header)
    expert = _ui("yes" if result.expert_review_required else "no", language)
    console.print(Text(f"{_ui('expert', language)}: {expert}"))
    score = result.score
    line = _ui("score_line", language).format(
        final=score.final,
        raw=score.raw_impact,
        credit=score.mitigation_credit,
        percent=score.mitigation_percent,
        max=score.max_raw,
        band=questionnaire.tier_label(score.band_tier).get(language),
    )
    console.print(Text(f"{_ui('score', language)}: {line}"))
    bands = ", ".join(
        f"{questionnaire.tier_label(b.tier).get(language)} {b.min:g}"
        + (f"–{b.max:g}" if b.max is not None else "+")
        for b in score.bands
    )
    console.print(Text(f"{_ui('bands', language)}: {bands}"))
    console.print(Text(f"{_ui('questionnaire', language)}: {result.questionnaire_version}"))

    reasons = Table(title=_ui("reasons", language), title_justify="left")
    for key in ("kind", "question", "text"):
        reasons.add_column(_ui(key, language), overflow="fold")
    for reason in result.reasons:
        reasons.add_row(
            Text(_ui(reason.kind, language)),
            Text(reason.question),
            Text(reason.text.get(language)),
        )
    console.print(reasons)

    obligations = Table(title=_ui("obligations", language), title_justify="left")
    for key in ("id", "obligation", "why"):
        obligations.add_column(_ui(key, language), overflow="fold")
    for obligation in result.obligations:
        obligations.add_row(
            Text(obligation.id),
            Text(obligation.text.get(language)),
            Text(obligation.why.get(language)),
        )
    console.print(obligations)


_TIER_STYLE = {"low": "bold green", "medium": "bold yellow", "high": "bold red"}
