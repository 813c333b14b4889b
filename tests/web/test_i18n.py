"""The platform speaks Simplified Chinese by default and English on request.

Two kinds of checks. The catalogues: every string the source marks is in
``locale/zh_Hans/LC_MESSAGES/django.po``, translated, not fuzzy, with the same
placeholders as its English source, and the committed ``.mo`` files are compiled
from the committed ``.po`` files. The pages: what a user sees is in the language
they chose (cookie, then browser), including Django's own messages.

When a catalogue check fails, regenerate and translate (see ``REGENERATE``).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from tianping.web.accounts.models import OrganisationKind, Role
from tianping.web.accounts.services import membership_grant, organisation_create
from tianping.web.systems.models import ReportJob

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
WEB_DIR = LOCALE_DIR.parent
CATALOGUE_LANGUAGES = ("zh_Hans", "en")
REGENERATE = (
    "Run `make messages` (or, from src/tianping/web: `django-admin makemessages -l zh_Hans "
    "-l en --settings=tianping.web.settings --no-obsolete --no-location`, then "
    "`django-admin compilemessages --settings=tianping.web.settings`), translate every "
    "new entry of locale/zh_Hans/LC_MESSAGES/django.po, compile again and commit the "
    ".po and .mo files."
)
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|</?\w+>")
GETTEXT_FUNCTIONS = {
    "_": (0,),
    "gettext": (0,),
    "gettext_lazy": (0,),
    "gettext_noop": (0,),
    "ngettext": (0, 1),
    "ngettext_lazy": (0, 1),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


# --- reading catalogues --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One message of a ``.po`` file."""

    context: str | None
    msgid: str
    msgid_plural: str | None
    msgstrs: tuple[str, ...]
    flags: frozenset[str]

    def __str__(self) -> str:
        return f"{self.msgid!r}" + (f" (context {self.context!r})" if self.context else "")


Key = tuple[str | None, str]
_PO_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def read_po(path: Path) -> dict[Key, Entry]:
    """The messages of a ``.po`` file by (context, msgid); the header is left out."""
    entries: dict[Key, Entry] = {}
    for block in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        last = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue  # comments and obsolete (#~) entries
            elif match := _PO_LINE.match(line):
                last = match.group(1)
                fields[last] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and last:
                fields[last] += ast.literal_eval(line)
        if not fields.get("msgid"):
            continue
        entry = Entry(
            context=fields.get("msgctxt"),
            msgid=fields["msgid"],
            msgid_plural=fields.get("msgid_plural"),
            msgstrs=tuple(v for name, v in sorted(fields.items()) if name.startswith("msgstr")),
            flags=frozenset(flags),
        )
        entries[(entry.context, entry.msgid)] = entry
    return entries


def read_mo(path: Path) -> dict[str, str]:
    """The messages of a compiled ``.mo`` file, original → translation, header left out.

    Format: GNU gettext manual, "The Format of GNU MO Files".
    """
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])

    def string(table: int, index: int) -> str:
        length, offset = struct.unpack(
            order + "2I", data[table + 8 * index : table + 8 * index + 8]
        )
        return data[offset : offset + length].decode("utf-8")

    pairs = {string(originals, i): string(translations, i) for i in range(count)}
    pairs.pop("", None)
    return pairs


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def gnu_gettext(tool: str) -> str:
    """The path of a GNU gettext tool; failing, not skipping, when it is missing."""
    path = shutil.which(tool)
    assert path, f"{tool} (GNU gettext) is needed for the translation checks: run `make setup`."
    return path


def listing(entries: list[Entry]) -> str:
    return "\n  ".join(sorted(str(e) for e in entries))


@pytest.fixture(scope="module")
def chinese() -> dict[Key, Entry]:
    return read_po(po_path("zh_Hans"))


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[Key, Entry], str]:
    """The messages ``makemessages`` finds in the source now, and what it printed.

    It runs on a copy of ``tianping/web`` without settings, so that it writes to
    the copy's ``locale`` folder and never into the repository.
    """
    gnu_gettext("xgettext")
    copy = tmp_path_factory.mktemp("messages") / "web"
    shutil.copytree(WEB_DIR, copy, ignore=shutil.ignore_patterns("locale", "static", "__pycache__"))
    (copy / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, "-m", "django", "makemessages", "--locale", "zh_Hans"]
    command += ["--no-obsolete", "--no-location"]
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    fresh = read_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    return fresh, done.stdout + done.stderr


# --- the catalogues ------------------------------------------------------------------------


def test_the_catalogue_holds_every_string_the_source_marks_for_translation(
    chinese: dict[Key, Entry], source_messages: tuple[dict[Key, Entry], str]
) -> None:
    fresh, _output = source_messages
    missing = [fresh[key] for key in fresh.keys() - chinese.keys()]
    assert not missing, (
        f"{len(missing)} translatable string(s) are not in the catalogue yet:\n  "
        f"{listing(missing)}\n{REGENERATE}"
    )


def test_the_catalogue_holds_no_string_the_source_no_longer_uses(
    chinese: dict[Key, Entry], source_messages: tuple[dict[Key, Entry], str]
) -> None:
    fresh, _output = source_messages
    stale = [chinese[key] for key in chinese.keys() - fresh.keys()]
    assert not stale, (
        f"{len(stale)} catalogue entr(y/ies) no longer appear in the source:\n  "
        f"{listing(stale)}\n{REGENERATE}"
    )


def test_the_source_strings_extract_without_xgettext_warnings(
    source_messages: tuple[dict[Key, Entry], str],
) -> None:
    _fresh, output = source_messages
    warnings = [line for line in output.splitlines() if "warning" in line.lower()]
    assert not warnings, "\n".join(warnings)


def test_every_chinese_message_is_translated(chinese: dict[Key, Entry]) -> None:
    untranslated = [e for e in chinese.values() if not all(s.strip() for s in e.msgstrs)]
    assert chinese, f"{po_path('zh_Hans')} holds no messages"
    assert not untranslated, (
        f"{len(untranslated)} message(s) have no Chinese translation:\n  {listing(untranslated)}"
    )


def test_no_chinese_message_is_fuzzy(chinese: dict[Key, Entry]) -> None:
    fuzzy = [e for e in chinese.values() if "fuzzy" in e.flags]
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy message(s) (gettext ignores them): check each translation and "
        f"remove its '#, fuzzy' line:\n  {listing(fuzzy)}"
    )


def test_chinese_plurals_have_the_single_form_chinese_uses(chinese: dict[Key, Entry]) -> None:
    plurals = [e for e in chinese.values() if e.msgid_plural is not None]
    wrong = [e for e in plurals if len(e.msgstrs) != 1]
    assert "Plural-Forms: nplurals=1; plural=0;" in po_path("zh_Hans").read_text("utf-8")
    assert not wrong, f"give exactly one msgstr[0] to:\n  {listing(wrong)}"


def test_every_translation_keeps_the_placeholders_and_markup_of_its_source(
    chinese: dict[Key, Entry],
) -> None:
    broken = []
    for entry in chinese.values():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for msgstr in entry.msgstrs:
            if sorted(PLACEHOLDER.findall(msgstr)) != wanted:
                broken.append(f"{entry}: {msgstr!r} should contain {wanted}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_the_catalogue_passes_msgfmt_checks(language: str) -> None:
    done = subprocess.run(
        [gnu_gettext("msgfmt"), "--check", "--statistics", "-o", os.devnull, po_path(language)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    if language == "zh_Hans":
        assert re.fullmatch(r"\d+ translated messages?\.", done.stderr.strip()), done.stderr


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_the_compiled_catalogue_matches_its_po_file(language: str, tmp_path: Path) -> None:
    committed = po_path(language).with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing. {REGENERATE}"
    fresh = tmp_path / "django.mo"
    subprocess.run(
        [gnu_gettext("msgfmt"), "--check-format", "-o", fresh, po_path(language)], check=True
    )
    assert read_mo(committed) == read_mo(fresh), f"{committed} is stale. {REGENERATE}"


def _gettext_calls(tree: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in GETTEXT_FUNCTIONS:
                yield node, name


def test_python_strings_are_marked_as_literals_so_xgettext_can_find_them() -> None:
    """``_(f"…")``, ``_("a" + b)`` or ``_(variable)`` would never reach the catalogue."""
    offenders = []
    for path in sorted(WEB_DIR.rglob("*.py")):
        for call, name in _gettext_calls(ast.parse(path.read_text("utf-8"))):
            for index in GETTEXT_FUNCTIONS[name]:
                arg = call.args[index] if index < len(call.args) else None
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    offenders.append(f"{path.relative_to(WEB_DIR)}:{call.lineno}: {name}(…)")
    assert not offenders, (
        "pass a string literal and fill it with .format() afterwards:\n" + "\n".join(offenders)
    )


# --- the pages -----------------------------------------------------------------------------

CHROME = {
    "zh-hans": ["人工智能系统", "规范目录", "退出登录", "不构成法律意见"],
    "en": ["AI systems", "Norms catalogue", "Log out", "It is not legal advice"],
}
"""Words of the header and footer of every page of a signed-in user."""

PAGES = {
    "/": {
        "zh-hans": ["概览 · 天平", "您可查看的人工智能系统", "待填报", "登记人工智能系统"],
        "en": ["Overview · Tianping", "AI systems you can see", "Awaiting intake"],
    },
    "/systems/": {
        "zh-hans": ["全部行业", "金融与信贷", "全部等级", "低风险", "生命周期阶段"],
        "en": ["All sectors", "Finance and credit", "All tiers", "Lifecycle stage"],
    },
    "/catalogue/": {
        "zh-hans": ["全部原则", "需要开展专家复核的活动", "可核查的要求项"],
        "en": ["All principles", "Activities needing expert re-review", "checkable requirement"],
    },
    "/accounts/tokens/": {
        "zh-hans": ["API 令牌", "创建令牌", "暂无令牌。"],
        "en": ["API tokens", "Create token", "No tokens yet."],
    },
}
"""Sample strings of each page, per language; the English ones must not show in Chinese."""

LOGIN = {
    "zh-hans": ["登录 · 天平", "用户名", "忘记密码？", "不构成法律意见"],
    "en": ["Log in · Tianping", "Username", "Forgotten your password?", "It is not legal advice"],
}
DJANGO_LOGIN_ERROR = {
    "zh-hans": "请输入一个正确的用户名和密码",
    "en": "Please enter a correct username and password",
}
"""The start of Django's own message for a failed login (its catalogue, not ours)."""


@pytest.fixture
def member(db: None) -> Client:
    """A client signed in as an applicant of an enterprise."""
    user = get_user_model().objects.create_user(username="member")
    enterprise = organisation_create(name="天平测试企业", kind=OrganisationKind.ENTERPRISE)
    membership_grant(user=user, organisation=enterprise, role=Role.APPLICANT)
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_in_language(html: str, language: str, expected: list[str], other: list[str]) -> None:
    assert f'<html lang="{language}">' in html
    missing = [s for s in expected if s not in html]
    leaked = [s for s in other if s in html]
    assert not missing, f"missing in {language}: {missing}"
    assert not leaked, f"other-language strings in a {language} page: {leaked}"


def test_pages_are_in_simplified_chinese_when_the_browser_states_no_language(db: None) -> None:
    html = page(Client(), "/accounts/login/")
    assert_in_language(html, "zh-hans", LOGIN["zh-hans"], LOGIN["en"])


@pytest.mark.parametrize(("language", "other"), [("zh-hans", "en"), ("en", "zh-hans")])
def test_the_login_page_follows_the_browser_language(db: None, language: str, other: str) -> None:
    html = page(Client(), "/accounts/login/", HTTP_ACCEPT_LANGUAGE=language)
    assert_in_language(html, language, LOGIN[language], LOGIN[other])


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(("language", "other"), [("zh-hans", "en"), ("en", "zh-hans")])
def test_signed_in_pages_follow_the_browser_language(
    member: Client, catalogue: None, url: str, language: str, other: str
) -> None:
    html = page(member, url, HTTP_ACCEPT_LANGUAGE=language)
    assert_in_language(
        html,
        language,
        CHROME[language] + PAGES[url][language],
        CHROME[other] + PAGES[url][other],
    )


def test_the_language_cookie_outranks_the_browser_language(member: Client) -> None:
    member.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(member, "/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_in_language(html, "en", CHROME["en"], CHROME["zh-hans"])


def test_the_language_switch_keeps_the_chosen_language_on_later_pages(member: Client) -> None:
    response = member.post("/i18n/setlang/", {"language": "en", "next": "/systems/"})
    assert response.status_code == 302
    assert response["Location"] == "/systems/"
    html = page(member, "/systems/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_in_language(html, "en", CHROME["en"], CHROME["zh-hans"])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_switch_names_each_language_in_that_language(db: None, language: str) -> None:
    html = page(Client(), "/accounts/login/", HTTP_ACCEPT_LANGUAGE=language)
    assert re.search(r'data-lang="zh-hans"[^>]*>\s*简体中文</button>', html)
    assert re.search(r'data-lang="en"[^>]*>\s*English</button>', html)


@pytest.mark.parametrize(("language", "other"), [("zh-hans", "en"), ("en", "zh-hans")])
def test_djangos_own_messages_follow_the_language(db: None, language: str, other: str) -> None:
    response = Client().post(
        "/accounts/login/",
        {"username": "nobody", "password": "not-the-password"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = response.content.decode()
    assert DJANGO_LOGIN_ERROR[language] in html
    assert DJANGO_LOGIN_ERROR[other] not in html


@pytest.mark.parametrize(("language", "detail"), [("zh-hans", "未找到。"), ("en", "Not found.")])
def test_api_error_details_follow_the_request_language(
    member: Client, language: str, detail: str
) -> None:
    response = member.get("/api/systems/999999", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("language", "shown"),
    [("zh-hans", "进行中 · 正在排版 PDF"), ("en", "Running · Typesetting the PDF")],
)
def test_a_report_jobs_progress_message_is_shown_in_the_readers_language(
    language: str, shown: str
) -> None:
    """Jobs store their message untranslated; the page translates it for each reader."""
    job = ReportJob(status=ReportJob.Status.RUNNING, progress=40, message="Typesetting the PDF")
    with translation.override(language):
        html = render_to_string("systems/_job.html", {"job": job})
    assert shown in html
    assert bool(CJK.search(html)) == (language == "zh-hans")
