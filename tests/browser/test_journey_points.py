"""The kindness shop on two phones: a demo volunteer with hours at 凤凰山社区 sees their points,
redeems a bag of rice donated by 青岛鑫三利公司, and the keeper scans the pick-up code and hands
it over. With PLANNER_SCREENSHOTS=1 it also writes docs/screenshots/points-*.png."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import zxingcpp
from playwright.sync_api import expect

from tests.browser.checks import check_page, open_menu
from tests.browser.test_calendar_qr import GREY_LEVELS
from tests.browser.test_journey_volunteer import _log_in

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _shot(page, name: str) -> None:
    if os.environ.get("PLANNER_SCREENSHOTS"):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _read_qr(page, selector: str) -> str:
    png = base64.b64encode(page.locator(selector).screenshot()).decode()
    pixels = page.evaluate(GREY_LEVELS, png)
    image = memoryview(bytes(pixels["grey"])).cast("B", (pixels["height"], pixels["width"]))
    (code,) = zxingcpp.read_barcodes(image)
    return code.text


def test_a_volunteer_redeems_rice_and_the_keeper_hands_it_over_with_the_code(phone, new_phone):
    volunteer = phone
    _log_in(volunteer, "13800000012")
    open_menu(volunteer)
    volunteer.get_by_role("link", name="我的积分").first.click()
    expect(volunteer.get_by_role("heading", level=1)).to_have_text("我的积分")
    balances = volunteer.locator("#balances")
    expect(balances).to_contain_text("凤凰山社区")
    expect(balances).to_contain_text("30 积分")
    check_page(volunteer)
    _shot(volunteer, "points-mine")

    balances.get_by_role("link", name="凤凰山社区").click()
    expect(volunteer.get_by_role("heading", level=1)).to_contain_text("爱心超市")
    rice = volunteer.locator("#shop-items li").filter(has_text="大米")
    expect(rice).to_contain_text("青岛鑫三利公司")
    check_page(volunteer)
    _shot(volunteer, "points-shop")
    rice.get_by_role("button", name="兑换").click()
    expect(volunteer.get_by_text("兑换成功")).to_be_visible()
    code = volunteer.locator("#pickup-code").inner_text()
    check_page(volunteer)
    _shot(volunteer, "points-pickup-code")
    link = urlsplit(_read_qr(volunteer, "#pickup-qr svg"))
    assert re.fullmatch(r"/shops/\d+/pickup/[^/]+", link.path)

    keeper = new_phone()
    _log_in(keeper, "13800000003")
    keeper.goto(link.path)  # what the phone's camera opens
    expect(keeper.get_by_text(f"领取码 {code}")).to_be_visible()
    check_page(keeper)
    _shot(keeper, "points-handover")
    keeper.get_by_role("button", name="确认领取").click()
    expect(keeper.get_by_text("已领取：大米（5公斤）。")).to_be_visible()
    expect(keeper.locator("#waiting")).not_to_contain_text(code)
    check_page(keeper)

    volunteer.goto("/my/points")
    expect(volunteer.locator("#balances")).to_contain_text("10 积分")
    expect(volunteer.locator("#ledger")).to_contain_text("兑换")
    _shot(keeper, "points-keeper")

    if os.environ.get("PLANNER_SCREENSHOTS"):
        volunteer.get_by_role("button", name="English").click()
        expect(volunteer.get_by_role("heading", level=1)).to_have_text("My points")
        _shot(volunteer, "points-mine-en")
        volunteer.locator("#balances").get_by_role("link").first.click()
        expect(volunteer.get_by_role("heading", level=1)).to_contain_text("Kindness shop")
        _shot(volunteer, "points-shop-en")
