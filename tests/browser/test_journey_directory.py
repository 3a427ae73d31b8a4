"""Journeys through the directory and accounts on a phone, in a real browser."""

from __future__ import annotations

import itertools
import re

from playwright.sync_api import expect

from tests.browser.checks import check_page

_numbers = itertools.count(1)


def test_a_resident_browses_from_the_home_page_to_a_community(phone):
    phone.goto("/")
    check_page(phone)
    phone.get_by_role("link", name="城阳区", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("城阳区")
    check_page(phone)
    phone.get_by_role("link", name="凤凰山社区", exact=True).click()
    expect(phone.get_by_role("heading", name="社区文明公约")).to_be_visible()
    expect(phone.get_by_text("开车进入社区不按喇叭")).to_be_visible()
    check_page(phone)


def test_a_volunteer_registers_on_a_small_phone_and_lands_back_on_the_team(small_phone, sms_log):
    page = small_phone
    page.goto("/teams")
    check_page(page)
    page.get_by_role("link", name="文明新风志愿服务队").click()
    page.get_by_role("link", name="登录后加入").click()
    check_page(page)
    page.get_by_role("link", name="注册成为志愿者").click()
    number = f"137{next(_numbers):08d}"
    page.get_by_label("手机号", exact=True).fill(number)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码").fill(sms_log.code_for(number))
    page.get_by_label("真实姓名").fill("刘志愿")
    page.get_by_label("密码", exact=True).fill("browser-pass-1")
    page.get_by_label("再次输入密码").fill("browser-pass-1")
    page.get_by_label(re.compile("我已阅读隐私说明")).check()
    check_page(page)
    page.get_by_role("button", name="注册").click()
    # The number is proven: registering logs in and goes back to the team.
    expect(page).to_have_url(re.compile(r"/teams/\d+$"))
    page.get_by_role("button", name="加入本队").click()
    expect(page.get_by_text("您已是队员")).to_be_visible()
    check_page(page)


def test_a_bad_registration_shows_the_message_next_to_the_field(phone):
    phone.goto("/register")
    phone.get_by_label("手机号", exact=True).fill("12345")
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.get_by_text("请输入有效的中国大陆手机号")).to_be_visible()
    check_page(phone)


def test_switching_to_english_and_back_keeps_the_user_on_the_same_page(phone):
    phone.goto("/departments")
    path = "/departments"
    phone.get_by_role("button", name="English").click()
    expect(phone).to_have_url(re.compile(path + "$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Departments")
    assert phone.evaluate("document.documentElement.lang") == "en"
    check_page(phone)
    phone.get_by_role("button", name="中文").click()
    expect(phone).to_have_url(re.compile(path + "$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("部门")
    assert phone.evaluate("document.documentElement.lang") == "zh-CN"


def test_the_admin_pages_work_on_a_desktop(desktop):
    desktop.goto("/login")
    desktop.get_by_label("手机号").fill("13800000001")
    desktop.get_by_label("密码").fill("xinfeng-demo")
    desktop.get_by_role("button", name="登录").click()
    desktop.goto("/admin/directory/communities")
    check_page(desktop)
    desktop.get_by_role("link", name="新增").click()
    desktop.get_by_role("button", name="保存").click()
    expect(desktop.get_by_text("此项为必填项").first).to_be_visible()
    check_page(desktop)


def test_the_main_menu_folds_on_a_phone_and_opens_with_one_tap(phone, desktop):
    phone.goto("/")
    menu_link = phone.locator("nav.main-nav").get_by_role("link", name="知识竞赛")
    expect(menu_link).to_be_hidden()
    phone.get_by_text("菜单").click()
    expect(menu_link).to_be_visible()
    check_page(phone)
    desktop.goto("/")
    expect(desktop.locator("nav.main-nav").get_by_role("link", name="知识竞赛")).to_be_visible()
    expect(desktop.locator("summary.nav-toggle")).to_be_hidden()
