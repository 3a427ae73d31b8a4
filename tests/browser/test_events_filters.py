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


def test_picking_a_district_narrows_the_streets_and_communities(desktop):
    desktop.goto("/events")
    streets = desktop.locator("#street option")
    before = streets.count()
    desktop.get_by_label("区", exact=True).select_option(label="城阳区")
    # At once in the browser: streets of other districts are hidden, this district's stay.
    expect(
        desktop.locator("#street option:not([hidden])").filter(has_text="城阳街道")
    ).to_have_count(1)
    assert desktop.locator("#street option[hidden]").count() > 0
    expect(
        desktop.locator("#community option:not([hidden])").filter(has_text="仰口路社区")
    ).to_have_count(0)
    expect(
        desktop.locator("#community option:not([hidden])").filter(has_text="凤凰山社区")
    ).to_have_count(1)
    # And after sending the form, the server offers only the district's places.
    desktop.locator("details.filter-more").get_by_role("button", name="查找活动").click()
    expect(desktop.locator("#street option").filter(has_text="城阳街道")).to_have_count(1)
    assert desktop.locator("#street option").count() < before
    expect(desktop.locator("#community option").filter(has_text="仰口路社区")).to_have_count(0)
    check_page(desktop)
