"""Pages work without JavaScript: a phone with scripts off browses, logs in, signs up and RSVPs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

EVENT = "凤凰山社区迎新年联欢晚会"
SHIFT = "秩序维护"


@pytest.fixture
def phone_without_js(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_volunteer_without_javascript_logs_in_signs_up_and_switches_language(phone_without_js):
    page = phone_without_js
    page.goto("/events")
    page.get_by_role("link", name=EVENT).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)
    page.locator("li.shift").filter(has_text=SHIFT).get_by_role(
        "link", name="报名", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("手机号").fill("13800000013")
    page.get_by_label("密码").fill("xinfeng-demo")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/shifts/\d+/signup$"))
    page.get_by_role("button", name="确认报名").click()
    expect(page.get_by_text(re.compile("报名成功|已在候补名单"))).to_be_visible()
    page.get_by_role("link", name="我的志愿服务").first.click()
    expect(
        page.get_by_role("listitem").filter(has_text=EVENT).filter(has_text=SHIFT)
    ).to_have_count(1)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My volunteering")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的志愿服务")

    # Cancelling asks once without JavaScript too: a page that says what happens.
    booked = page.get_by_role("listitem").filter(has_text=EVENT).filter(has_text=SHIFT)
    booked.get_by_role("button", name="取消").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("取消你的报名？")
    expect(page.get_by_text(re.compile("候补第一位"))).to_be_visible()
    page.get_by_role("button", name="确认取消报名").click()
    expect(page.get_by_text("报名已取消。")).to_be_visible()
    expect(booked.filter(has_text="已取消")).to_have_count(1)
