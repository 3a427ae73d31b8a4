"""Sessions that log-out and a password change end, weak passwords, per-address limits, a
registration that does not tell whose number it is, and the privacy notice."""

from __future__ import annotations

import pytest

from planner.accounts import services
from planner.accounts.models import User
from planner.extensions import db
from tests.conftest import PASSWORD

REMEMBER = "remember_token"


def _login(client, user, **kwargs):
    data = {"phone": user.local_phone, "password": PASSWORD, "remember": "y"}
    return client.post("/login", data=data, **kwargs)


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _with_only_the_remember_cookie(app, value):
    fresh = app.test_client()
    fresh.set_cookie(REMEMBER, value)
    return fresh


def _register(register_account, client, phone="13912345678", password="long-enough-1"):
    return register_account(client, phone=phone, password=password)


# ---------------------------------------------------------------- sessions


def test_two_log_ins_get_different_remember_cookies(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, user)
    _login(phone, user)
    assert laptop.get_cookie(REMEMBER).value != phone.get_cookie(REMEMBER).value


def test_logging_out_ends_every_session_of_the_account_and_its_remember_cookies(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, user)
    _login(phone, user)
    phone_cookie = phone.get_cookie(REMEMBER).value
    assert _signed_in(phone) and _signed_in(_with_only_the_remember_cookie(app, phone_cookie))
    laptop.post("/logout")
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert not _signed_in(_with_only_the_remember_cookie(app, phone_cookie))


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, user)
    _login(phone, user)
    phone_cookie = phone.get_cookie(REMEMBER).value
    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "new-password-1",
            "confirm": "new-password-1",
        },
    )
    assert response.status_code == 302
    assert _signed_in(laptop)
    # This device's remember cookie was renewed with the new token and still works on its own.
    assert _signed_in(_with_only_the_remember_cookie(app, laptop.get_cookie(REMEMBER).value))
    assert not _signed_in(phone)
    assert not _signed_in(_with_only_the_remember_cookie(app, phone_cookie))


def test_sessions_carry_the_session_token_not_the_account_id(app, make_user):
    user = make_user()
    client = app.test_client()
    client.post("/login", data={"phone": user.local_phone, "password": PASSWORD})
    with client.session_transaction() as session:
        assert session["_user_id"].split(".")[0] == user.session_token
        session["_user_id"] = str(user.id)  # what a session from before the change carried
    assert not _signed_in(client)


def test_the_remember_cookie_is_secure_over_https_only(client, make_user):
    user = make_user()
    secure = _login(client, user, base_url="https://localhost")
    remember = [c for c in secure.headers.getlist("Set-Cookie") if c.startswith(REMEMBER + "=")]
    assert remember and "Secure" in remember[0] and "HttpOnly" in remember[0]
    plain = _login(make_client := client.application.test_client(), user)
    remember = [c for c in plain.headers.getlist("Set-Cookie") if c.startswith(REMEMBER + "=")]
    assert remember and "Secure" not in remember[0]
    assert _signed_in(make_client)


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("woaini1314", "最常见的密码"),
        ("qwertyuiop", "最常见的密码"),
        ("88888888", "不能是同一个字符的重复"),
        ("PassWord1", "最常见的密码"),
        ("a1b2c3d4", "最常见的密码"),
        ("aaaaaaaaaa", "不能是同一个字符的重复"),
        ("13912345678", "不能是您的手机号"),
        ("+86 139 1234 5678", "不能是您的手机号"),
        ("8613912345678", "不能是您的手机号"),
    ],
)
def test_registration_refuses_common_passwords_the_own_number_and_one_repeated_character(
    client, register_account, password, message
):
    response = _register(register_account, client, password=password)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_a_new_password_may_not_be_the_accounts_own_number(client, auth, make_user):
    user = make_user(phone="13912345678")
    auth.login(user)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "139-1234-5678",
            "confirm": "139-1234-5678",
        },
    )
    assert "不能是您的手机号" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_the_reason_is_translated(client, register_account):
    client.set_cookie("locale", "en")
    response = _register(register_account, client, password="qwerty123")
    assert "among the most common" in response.get_data(as_text=True)


def test_a_password_that_is_none_of_these_is_accepted():
    services.check_new_password("zhang-xiaoming-2026", "+8613912345678")


def test_create_admin_refuses_a_common_password(runner):
    result = runner.invoke(
        args=["create-admin", "--phone", "13912345678", "--name", "王", "--password-stdin"],
        input="password123\n",
    )
    assert result.exit_code != 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


# ---------------------------------------------------------------- registration


def test_registration_records_the_privacy_notice_version_agreed_to(client, register_account):
    _register(register_account, client)
    user = db.session.scalar(db.select(User))
    assert user.consent_version == services.PRIVACY_NOTICE_VERSION
    assert user.consented_at is not None
    data = client.get("/my/data.json").get_json()
    assert data["account"]["consent_version"] == services.PRIVACY_NOTICE_VERSION


# ---------------------------------------------------------------- limits


@pytest.fixture
def limits(app_config):
    app_config.update(
        RATELIMIT_ENABLED=True,
        PLANNER_LOGIN_LIMIT="3 per minute",
        PLANNER_ADDRESS_LIMIT="8 per minute",
    )
    return app_config


def _fail(client, phone, address="10.0.0.1"):
    return client.post(
        "/login",
        data={"phone": phone, "password": "wrong-pass"},
        environ_base={"REMOTE_ADDR": address},
    )


def _succeed(client, user, address="10.0.0.1"):
    return client.post(
        "/login",
        data={"phone": user.local_phone, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_accounts_lock_out_does_not_lock_the_other_accounts_of_the_same_address(
    limits, app, make_user
):
    locked, colleague = make_user(), make_user()
    client = app.test_client()
    statuses = [_fail(client, locked.local_phone).status_code for _ in range(40)]
    assert statuses[:3] == [200] * 3 and set(statuses[3:]) == {429}
    assert _succeed(client, locked).status_code == 429
    # The colleague on the same network, and the same account from elsewhere, still log in.
    colleague_status = _succeed(app.test_client(), colleague).status_code
    elsewhere_status = _succeed(app.test_client(), locked, address="10.0.0.2").status_code
    assert (colleague_status, elsewhere_status) == (302, 302)


def test_an_address_has_a_looser_limit_over_all_its_accounts(limits, app, make_user):
    client = app.test_client()
    for number in range(8):
        assert _fail(client, f"1391234{number:04d}").status_code == 200
    assert _fail(client, "13912349999").status_code == 429
    assert _succeed(app.test_client(), make_user(), address="10.0.0.2").status_code == 302


# ---------------------------------------------------------------- privacy notice


@pytest.mark.parametrize(
    ("locale", "heading", "phrase"),
    [("zh_Hans_CN", "隐私说明", "保存多久"), ("en", "Privacy notice", "How long")],
)
def test_the_privacy_notice_is_public_in_both_languages(client, locale, heading, phrase):
    client.set_cookie("locale", locale)
    page = client.get("/privacy").get_data(as_text=True)
    assert heading in page and phrase in page
    assert services.PRIVACY_NOTICE_VERSION in page
    assert 'href="/my/data.json"' in page and 'href="/my/account/delete"' in page
    assert "138****1234" in page


def test_registration_and_the_footer_link_to_the_privacy_notice(client, sms_log):
    client.post("/register/code", data={"phone": "13912345678"})
    page = client.get("/register").get_data(as_text=True)
    consent = page.split('for="consent"')[1].split("</label>")[0]
    assert 'href="/privacy"' in consent
    assert page.count('href="/privacy"') == 2  # the consent label and the footer
    assert 'href="/privacy"' in client.get("/").get_data(as_text=True)
