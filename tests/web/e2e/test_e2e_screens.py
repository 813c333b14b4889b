"""Every role's pages in a real Chromium, in both languages: accessibility and narrow screens.

For each demo role the pages are found from the home page's links (breadth first, one page
per URL shape, about ten a role) and each is loaded once per language. On every page:

- axe-core (vendored under ``vendor/``) finds no WCAG 2.0 A or AA violation, text contrast
  (at least 4.5:1) included;
- at 390 px wide the page does not scroll sideways (wide tables scroll inside themselves);
- screenshots at 1280 and 390 px wide are kept under the test's temporary folder, named in
  every failure message.

Two smaller checks follow: the skip link is the first thing the keyboard reaches, and a
refused form moves the focus to its error summary.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.e2e]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TIMEOUT_MS = 15_000  # as the ``context`` fixture of conftest.py
CHECKED_REQUESTS = {"stylesheet", "script", "font", "image", "xhr", "fetch"}
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
LANGUAGES = ("zh-hans", "en")
# One account per role of the demo network (the organisation's admin included).
ROLES = ["applicant", "orgadmin", "chair", "member", "expert", "regulator_sh", "certifier"]
PAGES_PER_ROLE = 10
# Pages whose content depends on the role: checked for every role, not only the first.
PER_ROLE = {"/", "/reviews/"}
# Not pages to check: leaving the session, the API, the Django admin, the language switch.
SKIPPED = re.compile(r"^/(accounts/logout|api/|admin/|i18n/|static/|media/)")
# Pages the role's work turns on, visited before the others that were found with them.
WANTED = re.compile(r"/(intake|override|meetings|expert|notifications|applications)/")
FILES = re.compile(r"\.(pdf|csv|json|zip|docx?|xlsx?|png|svg|txt|ya?ml)$|/(download|export)\b")

AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
  // Text the same colour as its background is only "to review" for axe (it may be hidden on
  // purpose); on these pages it is always a fault (white on white), so it fails as well.
  const same = result.incomplete.filter(v => v.id === 'color-contrast').map(v => ({
    ...v, nodes: v.nodes.filter(n => n.any.some(c => c.data && c.data.messageKey === 'equalRatio')),
  })).filter(v => v.nodes.length);
  return result.violations.concat(same).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + (n.failureSummary
      ? ' (' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 160) + ')' : '')),
    count: v.nodes.length,
  }));
}"""
# ids that aria-describedby / aria-labelledby name but the page does not have.
DANGLING = """() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby]')]
  .flatMap(el =>
  ['aria-describedby', 'aria-labelledby'].flatMap(attr => (el.getAttribute(attr) || '')
    .split(/\\s+/).filter(id => id && !document.getElementById(id))
    .map(id => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${attr}="${id}"`)))"""
# The elements that stick out of the viewport (the innermost ones), for the failure message.
OVERFLOWING = """() => {
  const width = window.innerWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= width + 1) {
        clipped = true; break;
      }
    }
    if (clipped) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      classes.filter(Boolean).map(c => '.' + c).join('') +
      ' "' + (el.textContent || '').trim().slice(0, 40) + '"');
    if (out.length >= 5) break;
  }
  return out;
}"""


def _shape(path: str) -> str:
    """A page's URL shape: numbers stand for any object."""
    return re.sub(r"\d+", "N", path)


class Screens:
    """One browser context per role; collects what every page showed wrong."""

    def __init__(self, browser: Browser, url: str, password: str, shots: Path) -> None:
        self.browser, self.url, self.password, self.shots = browser, url, password, shots
        self.axe = AXE.read_text(encoding="utf-8")
        self.failures: list[str] = []
        self.checked: list[str] = []
        self.seen_shapes: set[str] = set()

    def context(self, language: str) -> tuple[BrowserContext, Page]:
        ctx = self.browser.new_context(
            locale="en-GB" if language == "en" else "zh-CN", viewport=WIDE
        )
        ctx.set_default_timeout(TIMEOUT_MS)
        ctx.add_cookies([{"name": "django_language", "value": language, "url": self.url}])
        page = ctx.new_page()
        page.on("pageerror", lambda error: self.failures.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.failures.append(f"blocked by the CSP on {page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )

        def check(response: Response) -> None:
            kind = response.request.resource_type
            if response.status >= 500 or (response.status >= 400 and kind in CHECKED_REQUESTS):
                self.failures.append(f"{response.status} for {kind} {response.url}")

        page.on("response", check)
        return ctx, page

    def login(self, page: Page, username: str) -> None:
        page.goto(f"{self.url}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(self.password)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{self.url}/")

    def links(self, page: Page) -> list[str]:
        """Same-site pages linked from the navigation, then the main content, then the
        account links (the same for every role) last."""
        hrefs: list[str] = []
        for selector in ("header nav a[href]", "main a[href]:not([download])", "header a[href]"):
            hrefs += page.eval_on_selector_all(selector, "els => els.map(a => a.href)")
        found = []
        for href in hrefs:
            href = urldefrag(href).url
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != self.url:
                continue
            if SKIPPED.match(parts.path) or FILES.search(parts.path):
                continue
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return found

    def discover(self, page: Page, role: str, language: str) -> list[str]:
        """About ten pages of the logged-in role, breadth first from the home page, each
        checked as it is found."""
        chosen: list[str] = []
        queue, queued = deque(["/"]), {"/"}
        shapes: set[str] = set()
        while queue and len(chosen) < PAGES_PER_ROLE:
            path = queue.popleft()
            shape = _shape(urlsplit(path).path)
            if shape in shapes:
                continue
            shapes.add(shape)
            try:
                response = page.goto(self.url + path)
            except PlaywrightError:  # a download, not a page
                continue
            if response is None or response.status != 200:
                continue
            if "text/html" not in (response.header_value("content-type") or ""):
                continue
            links = self.links(page)
            if shape in PER_ROLE or shape not in self.seen_shapes:
                chosen.append(path)
                self.check(page, path, role, language, loaded=True)
            for link in links:
                if link not in queued:
                    queued.add(link)
                    queue.appendleft(link) if WANTED.search(link) else queue.append(link)
        self.seen_shapes.update(_shape(urlsplit(p).path) for p in chosen)
        return chosen

    def check(self, page: Page, path: str, role: str, language: str, loaded: bool = False) -> None:
        where = f"{path} [{role}, {language}]"
        page.set_viewport_size(WIDE)
        if not loaded:
            page.goto(self.url + path)
        stem = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home"
        wide = self.shots / f"{role}-{language}-{stem}-1280.png"
        narrow = self.shots / f"{role}-{language}-{stem}-390.png"
        page.screenshot(path=wide, full_page=True)
        # axe injected by evaluation: the Content-Security-Policy allows no inline <script>.
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.evaluate(self.axe)
        for v in page.evaluate(AXE_RUN):
            nodes = "; ".join(v["nodes"]) + (" …" if v["count"] > len(v["nodes"]) else "")
            self.failures.append(
                f"{where}: axe {v['id']} ({v['impact']}, {v['count']}×): {v['help']} — {nodes}"
                f" — see {wide}"
            )
        for dangling in page.evaluate(DANGLING):
            self.failures.append(f"{where}: names an id the page lacks: {dangling} — see {wide}")
        page.set_viewport_size(NARROW)
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        page.screenshot(path=narrow, full_page=True)
        if sizes[0] > sizes[1]:
            culprits = ", ".join(page.evaluate(OVERFLOWING))
            self.failures.append(
                f"{where}: {sizes[0]} px wide at {sizes[1]} px (scrolls sideways): {culprits}"
                f" — see {narrow}"
            )
        page.set_viewport_size(WIDE)
        self.checked.append(where)


@pytest.fixture
def screens(
    browser: Browser, live_server: Any, demo: dict[str, Any], tmp_path: Path
) -> Iterator[Screens]:
    yield Screens(browser, live_server.url, demo["password"], tmp_path)


def test_every_roles_pages_pass_axe_and_fit_a_phone(screens: Screens) -> None:
    for role in ROLES:
        pages: list[str] = []
        for language in LANGUAGES:
            ctx, page = screens.context(language)
            try:
                screens.login(page, role)
                if not pages:  # the first language finds the pages and checks them
                    pages = screens.discover(page, role, language)
                    assert pages, f"no page found for {role}"
                else:
                    for path in pages:
                        screens.check(page, path, role, language)
            finally:
                ctx.close()
    report = "\n".join(screens.failures)
    assert not screens.failures, (
        f"{len(screens.failures)} problems on {len(screens.checked)} pages "
        f"(screenshots in {screens.shots}):\n{report}"
    )
    # Every role reached more than its home page.
    assert len(screens.checked) > 2 * len(ROLES), json.dumps(screens.checked, ensure_ascii=False)


def test_the_skip_link_comes_first_and_a_refused_form_takes_the_focus(
    page: Page, live_server: Any, login: Any
) -> None:
    login("applicant")
    page.goto(f"{live_server.url}/systems/new/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")  # the next stop is in the main content, past the header's links
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")

    # Nothing filled in: the form comes back refused, and the focus is on what went wrong.
    page.locator("main form button[type=submit]").first.click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
