"""The report page as a reader sees it: headless Chromium through Playwright.

``make check-page CASE=<case>`` opens ``reports/<case>/index.html`` and
``numbers.html`` from the file system with no network, at 400 px (a phone) and
1400 px (a desktop) wide, and checks that the page is no wider than the window
(no sideways scrolling), every image loads, every link to a local file and
every ``#anchor`` (on the page, into numbers.html, into a notebook) resolves,
no id is used twice and the console stays free of errors; it saves full-page
screenshots next to the pages (``index-400.png``, ``index-1400.png`` ...).
Chromium is Debian's (``apt-get install chromium``), found on the PATH or
through ``ECOMCASE_CHROMIUM``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ecomcase.errors import EcomcaseError
from ecomcase.fileio import new_file_mode

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str:
    """The Chromium executable, or a clear error saying how to install it."""
    explicit = os.environ.get("ECOMCASE_CHROMIUM")
    if explicit:
        return explicit
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise EcomcaseError(
        "no Chromium found for the page check: install Debian's package "
        "(apt-get install chromium) or set ECOMCASE_CHROMIUM to a Chromium executable"
    )


#: The widths a reader's screen may have: a phone and a desktop.
WIDTHS = (400, 1400)
#: The pages of a report that are checked.
PAGES = ("index.html", "numbers.html")
_ID = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


@dataclass
class PageCheck:
    """What a headless browser saw on one page at one width."""

    page: Path
    width: int = 1280
    scroll_width: int = 0
    images: int = 0
    broken_images: list[str] = field(default_factory=list)
    local_links: int = 0
    broken_links: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def too_wide(self) -> bool:
        return self.scroll_width > self.width

    @property
    def ok(self) -> bool:
        return not (
            self.too_wide
            or self.broken_images
            or self.broken_links
            or self.duplicate_ids
            or self.console_errors
            or self.external_requests
        )

    def summary(self) -> str:
        lines = [
            f"{self.page.name} at {self.width} px: page {self.scroll_width} px wide, "
            f"{self.images} images, {self.local_links} local links, "
            f"{len(self.console_errors)} console errors"
        ]
        if self.too_wide:
            lines.append(
                f"  wider than the window: {self.scroll_width} px > {self.width} px "
                "(the page scrolls sideways)"
            )
        for label, items in [
            ("image does not load", self.broken_images),
            ("link to a missing file or anchor", self.broken_links),
            ("id used more than once", self.duplicate_ids),
            ("console error", self.console_errors),
            ("request off the file system", self.external_requests),
        ]:
            lines += [f"  {label}: {item}" for item in items]
        if self.screenshot:
            lines.append(f"  screenshot: {self.screenshot}")
        return "\n".join(lines)


def file_ids(path: Path) -> set[str]:
    """The ``id`` attributes of an HTML file (for links into it with an ``#anchor``)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return {html.unescape(a or b) for a, b in _ID.findall(text)}


def link_resolves(href: str, ids_of: Callable[[Path], set[str]]) -> bool:
    """Whether a ``file:`` link names an existing file and, with ``#anchor``, an id in it."""
    url = urlparse(href)
    target = Path(unquote(url.path))
    if not target.exists():
        return False
    if not url.fragment or target.suffix.lower() not in (".html", ".htm"):
        return True
    ids = ids_of(target)
    # browsers try the fragment as written, then percent-decoded
    return url.fragment in ids or unquote(url.fragment) in ids


def check_report(
    reports: Path, widths: tuple[int, ...] = WIDTHS, pages: tuple[str, ...] = PAGES
) -> list[PageCheck]:
    """Every page of a report at every width; screenshots ``<page>-<width>.png``."""
    results = []
    with _browser() as browser:
        for name in pages:
            for width in widths:
                shot = reports / f"{Path(name).stem}-{width}.png"
                results.append(_check(browser, reports / name, shot, width))
    return results


def check_page(page: Path, screenshot: Path | None = None, width: int = 1280) -> PageCheck:
    """Open ``page`` in headless Chromium at ``width`` px and check it."""
    with _browser() as browser:
        return _check(browser, page, screenshot, width)


@contextmanager
def _browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _check(browser: Any, page: Path, screenshot: Path | None, width: int) -> PageCheck:
    page = page.resolve()
    if not page.is_file():
        raise EcomcaseError(f"{page} does not exist: build the report first (make all)")
    result = PageCheck(page=page, width=width, screenshot=screenshot)
    view = browser.new_page(viewport={"width": width, "height": 900})
    try:
        view.on(
            "console",
            lambda msg: result.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        view.on("pageerror", lambda exc: result.console_errors.append(str(exc)))
        view.on(
            "request",
            lambda req: (
                result.external_requests.append(req.url)
                if not req.url.startswith(("file:", "data:", "about:"))
                else None
            ),
        )
        view.goto(page.as_uri(), wait_until="load")
        # lazy images load when scrolled into view: load them all before checking
        view.evaluate("() => document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
        view.wait_for_function(
            "() => Array.from(document.images).every(i => i.complete)", timeout=30_000
        )
        result.scroll_width = view.evaluate("() => document.documentElement.scrollWidth")
        images = view.evaluate(
            "() => Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])"
        )
        result.images = len(images)
        result.broken_images = [src for src, width_px in images if not width_px]
        result.duplicate_ids = view.evaluate(
            "() => { const seen = new Set(), twice = new Set();"
            " document.querySelectorAll('[id]').forEach(e => seen.has(e.id) ? twice.add(e.id)"
            " : seen.add(e.id)); return Array.from(twice).sort(); }"
        )
        hrefs = view.evaluate(
            "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
        )
        cache: dict[Path, set[str]] = {}

        def ids_of(path: Path) -> set[str]:
            if path not in cache:
                cache[path] = file_ids(path)
            return cache[path]

        for href in hrefs:
            if urlparse(href).scheme != "file":
                continue
            result.local_links += 1
            if not link_resolves(href, ids_of):
                result.broken_links.append(href)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            view.screenshot(path=str(screenshot), full_page=True)
            os.chmod(screenshot, new_file_mode())
    finally:
        view.close()
    return result
