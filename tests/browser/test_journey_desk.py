"""An organiser of 凤凰山社区 on a 360 px phone: the desk after log-in, then the community's 数读."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.checks import check_page
from tests.browser.test_journey_organiser import log_in

ORGANISER = "13800000003"  # organiser of 凤凰山社区 in the demo data


def test_an_organiser_goes_from_the_desk_to_the_communitys_numbers_on_a_small_phone(small_phone):
    page = small_phone
    log_in(page, ORGANISER)
    expect(page).to_have_url(re.compile(r"/desk$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(page.get_by_role("heading", name="凤凰山社区", exact=True)).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="统计").first.click()
    expect(page).to_have_url(re.compile(r"/stats/communities/\d+"))
    page.get_by_label("时段", exact=True).select_option("custom")
    page.get_by_label("从").fill("2024-09-01")
    page.get_by_label("至").fill("2024-09-30")
    page.get_by_role("button", name="显示").click()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()
    check_page(page)
    expect(page.get_by_role("link", name="下载台账（XLSX）")).to_be_visible()


def test_the_printable_ledger_prints_each_event_on_its_own_a4_page(small_phone):
    page = small_phone
    log_in(page, ORGANISER)
    page.get_by_role("link", name="统计").first.click()
    page.goto(page.url.split("?")[0] + "/ledger?month=2024-09")
    check_page(page)
    sections = page.locator("section.ledger-page").count()
    assert sections >= 2  # the summary, then at least one event of September 2024
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages >= sections, (pages, sections)  # a page break after each section
