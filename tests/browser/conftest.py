"""Browser fixtures: the system's Chromium driven by Playwright against a live, seeded server.

Chromium missing: the tests are skipped with a notice, unless PLANNER_REQUIRE_BROWSER=1 (CI sets
it), where that is a failure. Every context watches for Content-Security-Policy violations (the
live server sends the app's policy); a test during which one happened fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, LiveServer
from tests.conftest import create_database, upgrade_database

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
}
SMALL_PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
}
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}

# Each page reports what the policy blocked; the console catches what happens before the listener.
_REPORT_VIOLATIONS_JS = """
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(
  `${e.violatedDirective} blocked ${e.blockedURI} in ${e.sourceFile}:${e.lineNumber}`));
"""
CSP_VIOLATIONS: list[str] = []


def _watch_csp(context) -> None:
    """Record every CSP violation in any page of ``context`` into ``CSP_VIOLATIONS``."""
    context.expose_function("__cspViolation", lambda text: CSP_VIOLATIONS.append(text))
    context.add_init_script(_REPORT_VIOLATIONS_JS)
    context.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and CSP_VIOLATIONS.append(f"{message.location.get('url')}: {message.text}")
        ),
    )


class _WatchedBrowser:
    """The browser, with every new context (from fixtures or from tests) watched for violations."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        _watch_csp(context)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(item.fspath).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("PLANNER_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and PLANNER_REQUIRE_BROWSER=1")
        pytest.skip(
            f"NOTICE: {CHROMIUM} is missing: browser tests skipped (make test installs it as root)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, chromium_path):
    url, drop = create_database(tmp_path_factory, "browser")
    upgrade_database(url)
    server = LiveServer(url).start()
    yield server
    server.stop()
    drop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield _WatchedBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violations():
    """Fails the test if any page it opened broke the content security policy."""
    CSP_VIOLATIONS.clear()
    yield
    violations = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    assert not violations, f"Content-Security-Policy violations: {violations}"


def _context(browser, live_server, options):
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser, live_server):
    """A page in a 390×844 touch phone, Chinese."""
    context = _context(browser, live_server, PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def small_phone(browser, live_server):
    context = _context(browser, live_server, SMALL_PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = _context(browser, live_server, DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def new_phone(browser, live_server):
    """Opens further phone pages, each in a context of its own (another person's phone)."""
    contexts = []

    def make():
        context = _context(browser, live_server, PHONE)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
