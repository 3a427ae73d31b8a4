"""Browser fixtures: the system's Chromium driven by Playwright against a live, seeded server.

Chromium missing: the tests are skipped with a notice, unless PLANNER_REQUIRE_BROWSER=1 (CI sets
it), where that is a failure.
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
        yield browser
        browser.close()


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
