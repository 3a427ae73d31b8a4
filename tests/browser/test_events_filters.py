"""On a phone the events come first: the listing's filters fold behind a button until one is set."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.checks import check_page


def test_the_filters_fold_on_a_phone_and_open_when_one_is_set(phone, desktop):
    phone.goto("/events")
    filters = phone.locator("details.filter-more")
    expect(filters).not_to_have_attribute("open", "")
    first_card = phone.locator("article.event-card").first
    expect(first_card).to_be_in_viewport()
    check_page(phone)
    phone.get_by_text("筛选条件").click()
    phone.get_by_label("类型").select_option(label="晚会")
    phone.locator("details.filter-more").get_by_role("button", name="查找活动").click()
    expect(phone.locator("details.filter-more")).to_have_attribute("open", "")
    expect(phone.get_by_text("筛选条件 · 1")).to_be_visible()
    expect(phone.locator("article.event-card").first).to_contain_text("晚会")

    desktop.goto("/events")
    expect(desktop.locator("details.filter-more")).to_have_attribute("open", "")
