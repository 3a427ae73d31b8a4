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
