"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's
``live_server``.

Run them with ``uv run pytest tests/browser -m browser``. They are skipped, with the reason shown
by ``-ra``, when Chromium is not installed at ``/usr/bin/chromium`` (``HIROBA_CHROMIUM``
overrides the path) or when ``HIROBA_BROWSER_TESTS=0`` (CI runs them in a step of their own).

Never run ``playwright install``: the tests use the system Chromium, not a downloaded one.

``make test`` and ``make test-browser`` give them a SQLite file (``HIROBA_TEST_DATABASE_NAME``)
instead of the in-memory database: the live server answers from several threads, and the
in-memory database's shared-cache table locks fail at once ("database table is locked")
where a file waits for the lock.

Every page is English (``hiroba_language=en`` cookie), so assertions use the English message
ids as they appear in the templates and are not broken by translation work. On failure a
screenshot of every open page is saved under ``test-results/`` (gitignored).
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .helpers import totp_now

CHROMIUM = os.environ.get("HIROBA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous for a loaded CI machine, short enough that a broken page fails in seconds.
DEFAULT_TIMEOUT_MS = 10_000
RESULTS_DIR_NAME = "test-results"
BROWSER_DIR = Path(__file__).resolve().parent


# -- collection: marker and skipping --------------------------------------------------------
def _skip_reason() -> str | None:
    if os.environ.get("HIROBA_BROWSER_TESTS", "").strip() == "0":
        return "browser tests switched off with HIROBA_BROWSER_TESTS=0 (CI runs them separately)"
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package "
            "(or set HIROBA_CHROMIUM); never run 'playwright install'"
        )
    return None


def _in_this_directory(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    # Hooks of a sub-directory conftest see every collected item: touch only our own.
    reason = _skip_reason()
    for item in items:
        if not _in_this_directory(item):
            continue
        if item.get_closest_marker("browser") is None:
            # Every test here drives a browser, so ``-m "not browser"`` must leave it out.
            item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


# -- screenshots on failure -------------------------------------------------------------------
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(request) -> bool:
    node = request.node
    return any(
        getattr(getattr(node, f"rep_{when}", None), "failed", False) for when in ("setup", "call")
    )


def _screenshot_stem(request) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
    return Path(request.config.rootpath) / RESULTS_DIR_NAME / name


def _forget_old_screenshots(request) -> None:
    stem = _screenshot_stem(request)
    for old in stem.parent.glob(f"{glob.escape(stem.name)}*.png"):
        old.unlink(missing_ok=True)


def _screenshot_pages(request, context, number: int) -> None:
    stem = _screenshot_stem(request)
    stem.parent.mkdir(exist_ok=True)
    for index, page in enumerate(context.pages):
        suffix = "" if (number, index) == (0, 0) else f"-{number}.{index}"  # context.page
        try:
            page.screenshot(path=f"{stem}{suffix}.png", full_page=True)
        except Exception as error:  # noqa: BLE001 - a screenshot must never mask the failure
            print(f"screenshot of page {index} failed: {error}")  # noqa: T201


# -- browser fixtures -------------------------------------------------------------------------
@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests; each test gets a fresh context (a new profile).

    Playwright's sync API keeps an asyncio event loop running in the main thread, and Django
    refuses ORM calls from such a thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Both live
    only as long as this package's tests, so neither leaks into other tests or the processes
    they start."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server, request) -> Iterator[Callable[..., object]]:
    """Factory for extra browser contexts (a second device / a fresh profile), English UI.

    Every context made here is closed after the test, with screenshots on failure."""
    made = []
    _forget_old_screenshots(request)

    def make(language: str = "en"):
        context = browser.new_context(
            base_url=live_server.url, locale="en-US" if language == "en" else "ja-JP"
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        context.add_cookies(
            [{"name": "hiroba_language", "value": language, "url": live_server.url}]
        )
        made.append(context)
        return context

    yield make
    failed = _failed(request)
    for number, context in enumerate(made):
        if failed:
            _screenshot_pages(request, context, number)
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def totp_code() -> Callable[..., str]:
    """``totp_code(secret)``: the current authenticator code (see ``helpers.totp_now``)."""
    return totp_now
