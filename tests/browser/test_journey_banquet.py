"""A resident on a phone at the 凤凰山社区 百家宴: books three seats, brings 红烧肉, and sees the
menu fill and the table number."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.checks import check_page
from tests.browser.test_journey_volunteer import _log_in

EVENT = "凤凰山社区冬至百家宴"
RESIDENT = "13800000014"  # 周丽华 in the demo data: no seats at this banquet yet


def test_a_resident_books_three_seats_claims_a_hot_dish_and_sees_the_table(phone):
    page = phone
    _log_in(page, RESIDENT)
    page.goto("/events")
    page.get_by_role("link", name=EVENT).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)
    page.get_by_role("link", name="预约席位").click()
    page.get_by_label("人数").fill("3")
    page.get_by_role("button", name="预约席位").click()
    expect(page.get_by_text("您已预约 3 个席位。")).to_be_visible()

    page.get_by_role("link", name=EVENT).first.click()
    page.get_by_role("link", name="菜品与桌次").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("菜品与桌次")
    check_page(page)
    page.get_by_label("分类", exact=True).select_option(label="热菜")
    page.get_by_label("菜品", exact=True).fill("红烧肉")
    page.get_by_label("辣").check()
    page.get_by_role("button", name="我带这道菜").click()

    expect(page.get_by_text("谢谢！您的菜已上菜单。")).to_be_visible()
    hot = page.locator(".dish-category").filter(has_text="热菜")
    expect(hot.get_by_text("1 / 12")).to_be_visible()
    expect(hot.get_by_text("红烧肉")).to_be_visible()
    expect(hot.get_by_text("周*华")).to_be_visible()
    expect(page.get_by_text("您的桌号：2")).to_be_visible()
    check_page(page)
