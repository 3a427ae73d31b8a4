"""An organiser plans an event on a phone, in a real browser: create, add shifts, publish."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.checks import check_page

ORGANISER = "13800000002"  # organiser of 市委编办 in the demo data
PASSWORD = "xinfeng-demo"


def log_in(page, phone_number: str) -> None:
    page.goto("/login")
    check_page(page)
    page.get_by_label("手机号").fill(phone_number)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile("/login"))


def add_shift(page, role: str, capacity: int) -> None:
    shifts = page.locator("#shifts")
    shifts.get_by_text("添加岗位", exact=True).click()
    shifts.get_by_label("岗位", exact=True).fill(role)
    shifts.get_by_label("所需志愿者人数").fill(str(capacity))
    check_page(page)
    shifts.get_by_role("button", name="保存岗位").click()
    expect(page.get_by_text("岗位已保存。")).to_be_visible()
    expect(page.locator("#shifts").get_by_text(role)).to_be_visible()


def test_an_organiser_creates_and_publishes_an_event_with_two_shifts_on_a_phone(phone):
    page = phone
    title = "市委编办进社区清洁家园"
    log_in(page, ORGANISER)

    page.goto("/events/mine")
    check_page(page)
    page.get_by_role("link", name="新建活动").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建活动")
    page.get_by_label("标题").fill(title)
    page.get_by_label("类型").select_option(label="环境卫生清理")
    page.get_by_label("主办").select_option(label="市委编办")
    community = page.get_by_label("社区", exact=True)
    community.select_option(label=community.locator("option", has_text="仰口路社区").inner_text())
    page.get_by_label("场地").fill("社区广场")
    # The map position is there for those who need it, folded under "More".
    expect(page.get_by_label("纬度")).to_be_hidden()
    page.get_by_text("更多：地图位置").click()
    expect(page.get_by_label("纬度")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"/events/\d+/manage$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    check_page(page)
    add_shift(page, "垃圾分类引导", 6)
    add_shift(page, "楼道清扫", 10)

    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_text("活动已发布。")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="查看页面").click()
    expect(page).to_have_url(re.compile(r"/events/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("垃圾分类引导")).to_be_visible()
    expect(page.get_by_text("楼道清扫")).to_be_visible()
    check_page(page)
