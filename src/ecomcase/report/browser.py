"""The report page as a reader sees it: headless Chromium through Playwright.

``make check-page CASE=<case>`` opens ``reports/<case>/index.html`` from the
file system with no network, and checks that every image loads, every link to
a local file resolves and the console stays free of errors; it saves a
full-page screenshot next to the page. Chromium is Debian's (``apt-get
install chromium``), found on the PATH or through ``ECOMCASE_CHROMIUM``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from ecomcase.errors import EcomcaseError

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


@dataclass
class PageCheck:
    """What a headless browser saw on one page."""

    page: Path
    images: int = 0
    broken_images: list[str] = field(default_factory=list)
    local_links: int = 0
    broken_links: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def ok(self) -> bool:
        return not (
            self.broken_images or self.broken_links or self.console_errors or self.external_requests
        )

    def summary(self) -> str:
        lines = [
            f"{self.page}: {self.images} images, {self.local_links} local links, "
            f"{len(self.console_errors)} console errors"
        ]
        for label, items in [
            ("image does not load", self.broken_images),
            ("link to a missing file", self.broken_links),
            ("console error", self.console_errors),
            ("request off the file system", self.external_requests),
        ]:
            lines += [f"  {label}: {item}" for item in items]
        if self.screenshot:
            lines.append(f"  screenshot: {self.screenshot}")
        return "\n".join(lines)


def check_page(page: Path, screenshot: Path | None = None, width: int = 1280) -> PageCheck:
    """Open ``page`` in headless Chromium and check images, local links and the console."""
    from playwright.sync_api import sync_playwright

    page = page.resolve()
    if not page.is_file():
        raise EcomcaseError(f"{page} does not exist: build the report first (make all)")
    result = PageCheck(page=page, screenshot=screenshot)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            view = browser.new_page(viewport={"width": width, "height": 900})
            view.on(
                "console",
                lambda msg: result.console_errors.append(msg.text) if msg.type == "error" else None,
            )
            view.on("pageerror", lambda exc: result.console_errors.append(str(exc)))
            view.on(
                "request",
                lambda req: result.external_requests.append(req.url)
                if not req.url.startswith(("file:", "data:", "about:"))
                else None,
            )
            view.goto(page.as_uri(), wait_until="load")
            # lazy images load when scrolled into view: load them all before checking
            view.evaluate(
                "() => document.querySelectorAll('img').forEach(i => i.loading = 'eager')"
            )
            view.wait_for_function(
                "() => Array.from(document.images).every(i => i.complete)", timeout=30_000
            )
            images = view.evaluate(
                "() => Array.from(document.images)"
                ".map(i => [i.getAttribute('src'), i.naturalWidth])"
            )
            result.images = len(images)
            result.broken_images = [src for src, width_px in images if not width_px]
            hrefs = view.evaluate(
                "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
            )
            for href in hrefs:
                url = urlparse(href)
                if url.scheme != "file":
                    continue
                result.local_links += 1
                if not Path(unquote(url.path)).exists():
                    result.broken_links.append(href)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                view.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return result
