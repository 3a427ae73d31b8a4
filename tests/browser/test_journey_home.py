"""A new resident on a 360 px phone: this week's events on the home page, then picking a
community once and seeing it first when coming back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.checks import check_page

pytestmark = pytest.mark.browser

COMMUNITY = "凤凰山社区"


def test_a_resident_sees_what_is_on_and_then_their_own_community_first(small_phone):
    page = small_phone
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto("/")
    whats_on = page.locator("section").filter(
        has=page.get_by_role("heading", name="本周和下周的活动")
    )
    expect(whats_on.locator(".event-card").first).to_be_visible()
    # Each card says kind and time; the fortnight comes before the directory.
    expect(whats_on.locator(".event-card .kind-badge").first).to_be_visible()
    assert (
        page.locator("#h-whats-on").bounding_box()["y"]
        < page.locator("#h-districts").bounding_box()["y"]
    )
    check_page(page)

    picker = page.get_by_label("我的社区")
    value = picker.locator("option", has_text=COMMUNITY).first.get_attribute("value")
    picker.select_option(value)
    page.get_by_role("button", name="看我的社区").click()
    expect(page.locator("#h-my-community")).to_have_text(f"我的社区：{COMMUNITY}")

    page.reload()
    mine = page.locator("#h-my-community")
    expect(mine).to_have_text(f"我的社区：{COMMUNITY}")
    assert mine.bounding_box()["y"] < page.locator("#h-whats-on").bounding_box()["y"]
    expect(
        page.locator(".my-community").get_by_role("heading", name="社区文明公约")
    ).to_be_visible()
    check_page(page)
    # The icons and the manifest every page links answer too: no 404 in the journey.
    for link in page.locator("link[rel~=icon], link[rel=manifest]").all():
        assert page.request.get(link.get_attribute("href")).ok
    assert page.request.get("/favicon.ico").ok
    assert failed == []
