"""Numbers proven by SMS codes, on a 390 px phone: the code is read from the log transport (the
demo's transport: the server writes each text to its log)."""

from __future__ import annotations

import itertools
import re

from playwright.sync_api import expect

from tests.browser.checks import check_page

_numbers = itertools.count(1)


def test_a_newcomer_registers_with_the_code_then_resets_a_forgotten_password(phone, sms_log):
    number = f"135{next(_numbers):08d}"
    phone.goto("/register")
    check_page(phone)
    phone.get_by_label("手机号", exact=True).fill(number)
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.get_by_text("验证码已通过短信发送至")).to_be_visible()
    expect(phone.get_by_text(f"{number[:3]}****{number[-4:]}").first).to_be_visible()
    check_page(phone)
    phone.get_by_label("验证码").fill(sms_log.code_for(number))
    phone.get_by_label("真实姓名").fill("新居民")
    phone.get_by_label("密码", exact=True).fill("browser-pass-2")
    phone.get_by_label("再次输入密码").fill("browser-pass-2")
    phone.get_by_label(re.compile("我已阅读隐私说明")).check()
    phone.get_by_role("button", name="注册").click()
    expect(phone.get_by_text("欢迎！您的账号已注册成功。")).to_be_visible()
    # On another day, logged out and the password forgotten: a code to the number, a new password, logged in again.
    phone.context.clear_cookies()
    phone.goto("/login")
    phone.get_by_role("link", name="忘记密码？").click()
    phone.get_by_label("手机号", exact=True).fill(number)
    phone.get_by_role("button", name="获取验证码").click()
    phone.get_by_label("验证码").fill(sms_log.code_for(number))
    phone.get_by_label("新密码", exact=True).fill("browser-pass-3")
    phone.get_by_label("再次输入新密码").fill("browser-pass-3")
    check_page(phone)
    phone.get_by_role("button", name="设置新密码").click()
    expect(phone.get_by_text("密码已重设，您已登录。")).to_be_visible()
    check_page(phone)


def test_a_community_organiser_registers_a_resident_and_signs_them_up_on_a_phone(phone):
    page = phone
    page.goto("/login")
    page.get_by_label("手机号").fill("13800000003")  # 赵凤山, organiser of 凤凰山社区
    page.get_by_label("密码").fill("xinfeng-demo")
    page.get_by_role("button", name="登录").click()
    page.goto("/account")
    page.get_by_role("link", name="社区代注册的居民").click()
    check_page(page)
    page.get_by_role("link", name="代注册居民").click()
    page.get_by_label("真实姓名").fill("王奶奶")
    page.get_by_label("联系电话（选填）").fill("0532 8765 4321")
    page.get_by_label("号码归属及同意情况").fill("儿子王强的座机，电话确认同意")
    page.get_by_label(re.compile("居民本人同意")).check()
    check_page(page)
    page.get_by_role("button", name="代为注册").click()
    expect(page.get_by_text("已为王奶奶代注册账号。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("王奶奶")
    check_page(page)
    page.get_by_role("button", name="报名").click()
    expect(page.get_by_text("已为王奶奶报名。")).to_be_visible()
    expect(page.locator(".list-group-item").first).to_contain_text("已确认")
    check_page(page)
