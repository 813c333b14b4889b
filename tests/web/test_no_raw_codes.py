"""No internal code on any page: every page of the demo, as every role, in both languages.

The demo is seeded once (with a finished bias assessment, a privacy scan and monitored
decision records added to its credit scorer, so that the operations and assessment pages
have something to show); then, for each role, one walk follows the links of the role's
pages (same origin, GET only, bounded) from the home page and the pages without
parameters, in ``zh-hans`` and in English. The visible text of each HTML page (scripts and
styles left out; of the attributes only ``title``, ``aria-label`` and ``placeholder``) is
checked for:

(a) snake_case tokens, the codes the code itself stores (every model choice value, every
    library enumeration value) and ``True``/``False``/``None`` as words — in both languages
    (in English only the tokens that are not ordinary words: snake_case, kebab codes and
    Python's constants);
(b) on ``zh-hans`` pages, English words (any word of lower-case Latin letters) outside
    the few places listed in ``ALLOWED`` with the reason for each.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver

ROLES: dict[str, str] = {
    "applicant": "applicant",
    "admin": "orgadmin",
    "chair": "chair",
    "committee_member": "member",
    "expert": "expert",
    "certification_officer": "certifier",
    "regulator": "regulator_sh",
    "superuser": "admin",
}
"""One demo account per role (the role's code → the account's user name)."""

PAGE_LIMIT = 400
"""At most this many pages per role and language."""
QUERY_VARIANTS = 2
"""At most this many query strings per path (filters and pages of one list)."""
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/accounts/logout/", "/i18n/")
"""Django's own admin site, the JSON API, files, and the links that sign out or switch language."""


# Extracting the visible text ------------------------------------------------------------------


class _Text(HTMLParser):
    """The text a person reads on an HTML page; apart, what the page marks as English."""

    HIDDEN = frozenset({"script", "style", "template", "textarea", "code", "kbd", "samp", "pre"})
    """Not read: scripts, styles, text being edited, and machine text the product shows on
    purpose as is (``<code>``: commands to type, header syntax, ledger entries, hashes, keys)."""
    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
        | {"track", "wbr"}
    )
    READ_ATTRIBUTES = ("title", "aria-label", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.english: list[str] = []
        self.links: list[str] = []
        self._open: list[tuple[str, bool, bool]] = []  # tag, hidden, marked English

    def _state(self) -> tuple[bool, bool]:
        return (any(h for _t, h, _e in self._open), any(e for _t, _h, e in self._open))

    def _add(self, text: str) -> None:
        hidden, english = self._state()
        if not hidden:
            (self.english if english else self.parts).append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag not in self.VOID:
            lang = (values.get("lang") or "").lower()
            self._open.append((tag, tag in self.HIDDEN, lang.startswith("en")))
        for name in self.READ_ATTRIBUTES:
            if values.get(name):
                self._add(values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        self._add(data)


# Walking the site -----------------------------------------------------------------------------


@dataclass
class Page:
    url: str
    text: str
    """Everything a person reads on the page."""
    english: str
    """What the page marks as English on purpose (``lang="en"``: the English text of a
    bilingual norm next to its Chinese original)."""


@dataclass
class Walk:
    pages: list[Page] = field(default_factory=list)
    seconds: float = 0.0


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, bool]]:
    """Every URL route and whether it takes parameters."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield route, bool(pattern.pattern.regex.groupindex) or "(" in route


def _start_urls() -> list[str]:
    starts = ["/"]
    for route, has_parameters in _routes(get_resolver().url_patterns):
        url = "/" + route.replace("^", "").replace("$", "")
        if not has_parameters and url not in starts and not url.startswith(SKIPPED_PREFIXES):
            starts.append(url)
    return starts


def _followed(href: str, here: str) -> str | None:
    url, _fragment = urldefrag(href)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None  # other origins, mailto:, relative oddities, bare fragments
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(client: Client) -> Walk:
    """Every HTML page reachable from the start pages, each once (bounded)."""
    started = time.perf_counter()
    result = Walk()
    queue = _start_urls()
    seen = set(queue)
    queries: dict[str, int] = defaultdict(int)
    while queue and len(result.pages) < PAGE_LIMIT:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        result.pages.append(
            Page(url=url, text=" ".join(parser.parts), english=" ".join(parser.english))
        )
        for href in parser.links:
            target = _followed(href, url)
            if target is None or target in seen:
                continue
            path = target.split("?", 1)[0]
            if "?" in target:
                if queries[path] >= QUERY_VARIANTS:
                    continue
                queries[path] += 1
            seen.add(target)
            queue.append(target)
    result.seconds = time.perf_counter() - started
    return result


# The codes the code stores -------------------------------------------------------------------


def _model_choice_values() -> set[str]:
    from django.apps import apps

    values: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            for value, _label in getattr(model_field, "flatchoices", None) or ():
                if isinstance(value, str) and value:
                    values.add(value)
    return values


def _library_values() -> set[str]:
    """Enumerations of the library: monitors, PIPL classes, verdicts, policies, materials…"""
    from typing import get_args

    from tianping import fairness, privacy, review
    from tianping.monitoring import load_monitors
    from tianping.norms import load_catalogue

    values = {str(v) for v in get_args(privacy.PiplClass) + get_args(fairness.Verdict)}
    values |= {spec.id for spec in load_monitors()} | {spec.kind for spec in load_monitors()}
    values |= set(fairness.available_policies())
    values |= {item.id for item in review.load_rules().bundle()}
    for item in load_catalogue().requirements():
        values |= {item.category, str(item.stage), str(item.evidence), *map(str, item.tiers)}
        values |= set(item.principles)
    return {v for v in values if v}


def internal_codes() -> frozenset[str]:
    """Every code the product stores or computes."""
    return frozenset(_model_choice_values() | _library_values())


URLISH = re.compile(
    r"[a-z][a-z0-9+.-]*://\S+|www\.\S+|\S+@\S+|[^\s/]+\.(?:csv|txt|pdf|json|yaml|parquet|xlsx)\b"
)
"""Addresses, e-mail addresses and file names: not words a page says."""
SNAKE = re.compile(r"(?<![\w@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
CONSTANTS = re.compile(r"(?<![\w-])(?:True|False|None)(?![\w-])")
TOKEN = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9](?![\w-])")
WORD = re.compile(r"(?<![\w-])[a-z][a-z-]*[a-z](?![\w-])")
"""A word in lower-case Latin letters (acronyms such as API, PDF, SDK are not flagged)."""


@dataclass(frozen=True)
class Allowed:
    path: str
    """A regular expression the page's path must match (``.*``: every page)."""
    token: str
    reason: str


ALLOWED = (
    Allowed(
        ".*",
        "admin",
        "The superuser's account has no personal name; its login name is what it is called.",
    ),
    Allowed(
        r"^/assessments/systems/\d+/new/$",
        "sex",
        "Help text: an example of column names of the person's own file, typed as they are.",
    ),
    Allowed(r"^/assessments/systems/\d+/new/$", "age_band", "Same example of column names."),
    Allowed(r"^/assessments/systems/\d+/new/$", "region", "Same example of column names."),
    Allowed(r"^/assessments/systems/\d+/new/$", "age", "Help text: an example of bin edges."),
    Allowed(r"^/assessments/systems/\d+/new/$", "true", "Help text: values a label column holds."),
    Allowed(r"^/assessments/systems/\d+/new/$", "false", "Same: values of a label column."),
    *(
        Allowed(r"^/assessments/(privacy/)?[0-9a-f-]{36}/$", column, "A column of the file.")
        for column in ("sex", "age", "y", "yhat", "score")
    ),
    Allowed(
        r"^/assessments/[0-9a-f-]{36}/$",
        "duckdb",
        "The counting engine's own name (a software product), with what it read:",
    ),
    Allowed(r"^/assessments/[0-9a-f-]{36}/$", "csv", "… a CSV file (the engine's own words)."),
    Allowed(r"^/assessments/[0-9a-f-]{36}/$", "file", "… (the engine's own words)."),
    Allowed(
        r"^/systems/\d+/operations/playbook/$",
        "error_rate",
        "Help text: the syntax of a threshold line, typed as it is.",
    ),
    *(
        Allowed(
            r"^/transparency/versions/\d+/document\.html$",
            word,
            "A transparency document's own page, published in both languages: its English "
            "text beside the Chinese, and the CycloneDX model card (English by its standard).",
        )
        for word in ("in", "service", "the", "this", "card", "supervised")
    ),
    *(
        Allowed(
            r"^/(cases/|systems/\d+/$|reviews/applications/\d+/$)",
            word,
            "Product names in the Chinese titles of documented cases (Character.ai, A-level, "
            "Watson for Oncology), written as their makers write them.",
        )
        for word in ("ai", "level", "for")
    ),
)


def _allowed(path: str, token: str) -> bool:
    return any(a.token == token and re.search(a.path, path) for a in ALLOWED)


def raw_codes(text: str, codes: frozenset[str], *, every_code: bool) -> set[str]:
    """snake_case tokens, Python's constants and (``every_code``) any stored code in ``text``."""
    text = URLISH.sub(" ", text)
    found = set(SNAKE.findall(text)) | set(CONSTANTS.findall(text))
    if every_code:
        found |= {token for token in TOKEN.findall(text) if token in codes}
    return found


def english_words(text: str) -> set[str]:
    return set(WORD.findall(URLISH.sub(" ", text)))


def _findings(
    walks: dict[tuple[str, str], Walk], language: str, check: Any, *, marked_english: bool
) -> list[str]:
    found = []
    for (role, walked_in), result in walks.items():
        if walked_in != language:
            continue
        for page in result.pages:
            text = f"{page.text} {page.english}" if marked_english else page.text
            tokens = sorted(t for t in check(text) if not _allowed(page.url, t))
            if tokens:
                found.append(f"{page.url} as {role}: {', '.join(tokens)}")
    return found


# The demo, walked once per role and language --------------------------------------------------


def _skewed(batch: int) -> list[Any]:
    """Decision records where group F is selected 20 % of the time, group M 80 %."""
    from tianping.web.operations.ingestion import DecisionRecord

    records = []
    for i in range(batch):
        for sex, selected in (("F", i % 5 == 0), ("M", i % 5 != 0)):
            record = {"attributes": {"sex": sex}, "prediction": int(selected), "outcome": 1}
            records.append(DecisionRecord(record=record))
    return records


def _operations_and_assessments() -> None:
    """What the demo leaves out: a finished bias assessment and privacy scan, and monitored
    decisions whose selection parity fails (an alert and an incident) on the credit scorer."""
    from tests.web.assessments.factories import SETTINGS, upload
    from tianping.web.assessments.bias.services import bias_assessment_run, bias_assessment_start
    from tianping.web.assessments.privacy.services import privacy_scan_run, privacy_scan_start
    from tianping.web.operations.ingestion import decision_records_ingest
    from tianping.web.operations.keys import system_api_key_create
    from tianping.web.systems.models import AISystem

    applicant = get_user_model().objects.get(username="applicant")
    system = AISystem.objects.get(name="智能信贷评分 XH-Credit")
    assessment = bias_assessment_start(actor=applicant, system=system, upload=upload(), **SETTINGS)
    bias_assessment_run(assessment_id=assessment.pk)
    scan = privacy_scan_start(actor=applicant, system=system, upload=upload())
    privacy_scan_run(scan_id=scan.pk)
    key, _raw = system_api_key_create(actor=applicant, system=system, name="演示")
    for n in range(2):
        decision_records_ingest(api_key=key, key=f"demo-{n}", records=_skewed(60))


class NoRawCodesTests(TestCase):
    """One seeded demo and one walk per role and language for all the checks below."""

    walks: dict[tuple[str, str], Walk]

    @classmethod
    def setUpTestData(cls) -> None:
        from tianping.web.catalogue.services import catalogue_sync
        from tianping.web.demo import demo_seed

        catalogue_sync()
        demo_seed()
        _operations_and_assessments()
        cls.walks = {}
        users = get_user_model().objects
        for role, username in ROLES.items():
            for language in ("zh-hans", "en"):
                client = Client()
                client.force_login(users.get(username=username))
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                cls.walks[(role, language)] = walk(client)
        print(  # the duration, for the record (-s shows it)
            "walks:",
            ", ".join(f"{r}/{lang} {w.seconds:.1f}s" for (r, lang), w in cls.walks.items()),
        )

    def test_the_walk_reaches_every_kind_of_page(self) -> None:
        paths = {page.url for walk in self.walks.values() for page in walk.pages}
        for pattern in (
            r"^/systems/\d+/$",
            r"^/systems/\d+/operations/$",
            r"^/assessments/[0-9a-f-]{36}/$",
            r"^/assessments/privacy/[0-9a-f-]{36}/$",
            r"^/reviews/applications/\d+/$",
            r"^/reviews/meetings/\d+/$",
            r"^/reviews/bodies/\d+/$",
            r"^/reviews/expert/\d+/$",
            r"^/reviews/notifications/$",
            r"^/catalogue/",
            r"^/transparency/versions/\d+/$",
        ):
            assert any(re.search(pattern, p) for p in paths), pattern

    def test_no_internal_code_on_chinese_pages(self) -> None:
        codes = internal_codes()
        found = _findings(
            self.walks,
            "zh-hans",
            lambda text: raw_codes(text, codes, every_code=True),
            marked_english=False,  # English by design is checked in English below
        )
        assert not found, "Internal codes on zh-hans pages:\n" + "\n".join(found)

    def test_no_english_word_on_chinese_pages(self) -> None:
        found = _findings(self.walks, "zh-hans", english_words, marked_english=False)
        assert not found, "English words on zh-hans pages:\n" + "\n".join(found)

    def test_no_internal_code_on_english_pages(self) -> None:
        codes = internal_codes()
        found = _findings(
            self.walks,
            "en",
            lambda text: raw_codes(text, codes, every_code=False),
            marked_english=True,
        )
        assert not found, "Internal codes on English pages:\n" + "\n".join(found)
