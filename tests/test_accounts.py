"""Registering, logging in and out, profiles, passwords, rate limits, CSRF and cookies."""

from __future__ import annotations

import pytest

from planner.accounts.models import User, mask_name, mask_phone
from planner.accounts.services import InvalidPhone, normalise_phone
from planner.extensions import db
from tests.conftest import PASSWORD


def _register(register_account, client, **overrides):
    data = {"nickname": "", "password": "long-enough-1", "confirm": "long-enough-1"}
    data.update(overrides)
    phone = data.pop("phone", "13912345678")
    return register_account(client, phone=phone, **data)


def _users() -> int:
    return db.session.scalar(db.select(db.func.count(User.id)))


@pytest.mark.parametrize(
    "raw",
    [
        "13912345678",
        "139 1234 5678",
        "+86 139-1234-5678",
        "+8613912345678",
        "８６１３９１２３４５６７８",
    ],
)
def test_mobile_numbers_are_normalised_to_e164(raw):
    if raw.startswith("８"):
        raw = "+" + raw
    assert normalise_phone(raw) == "+8613912345678"


@pytest.mark.parametrize(
    "raw", ["", "12345", "02584561234", "+14155550123", "abc", "1391234567890123"]
)
def test_invalid_or_foreign_numbers_are_refused(raw):
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)


def test_masking_keeps_three_and_four_digits_and_the_first_and_last_character():
    assert mask_phone("+8613812341234") == "138****1234"
    assert mask_name("张晓明") == "张*明"
    assert mask_name("李明") == "李*"
    assert mask_name("欧阳晓明") == "欧**明"


def test_registering_creates_a_verified_volunteer_who_is_logged_in_and_records_consent(
    client, register_account
):
    response = _register(register_account, client)
    assert response.status_code == 302
    user = db.session.scalar(db.select(User))
    assert user.phone == "+8613912345678"
    assert user.consented_at is not None and user.phone_verified_at is not None
    assert user.password_hash.startswith("pbkdf2:sha256:1$")  # the test configuration's method
    assert user.check_password("long-enough-1") and not user.check_password("long-enough-2")
    # The number is proven: registering logs in at once.
    assert "张晓明" in client.get("/").get_data(as_text=True)


def test_passwords_are_hashed_with_scrypt_unless_configured_otherwise(tmp_path, monkeypatch):
    from planner import config

    monkeypatch.delenv("PLANNER_PASSWORD_METHOD", raising=False)
    assert config.load(str(tmp_path))["PLANNER_PASSWORD_METHOD"] == "scrypt"


def test_registering_returns_to_the_page_that_asked(client, sms_log):
    sent = client.post("/register/code?next=/teams", data={"phone": "13912345678"})
    assert sent.headers["Location"] == "/register?next=/teams"
    response = client.post(
        "/register?next=/teams",
        data={
            "code": sms_log.code_for("13912345678"),
            "real_name": "张晓明",
            "password": "long-enough-1",
            "confirm": "long-enough-1",
            "consent": "y",
        },
    )
    assert response.headers["Location"] == "/teams"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone": ""}, "此项为必填项"),
        ({"phone": "12345"}, "有效的中国大陆手机号"),
        ({"code": ""}, "此项为必填项"),
        ({"real_name": ""}, "此项为必填项"),
        ({"real_name": "张" * 41}, "最多输入 40 个字符"),
        ({"password": "short", "confirm": "short"}, "8 到 128 个字符"),
        ({"confirm": "different-1"}, "两次输入的密码不一致"),
        ({"consent": ""}, "此项为必填项"),
    ],
)
def test_bad_registrations_say_why_next_to_the_field_and_create_nothing(
    client, register_account, overrides, message
):
    if overrides.get("code") == "":
        overrides["code"] = " "
    response = _register(register_account, client, **overrides)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert _users() == 0


def test_login_with_any_spelling_of_the_number(client, make_user):
    make_user(phone="13912345678")
    response = client.post("/login", data={"phone": "+86 139 1234 5678", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_phone_and_wrong_password_get_the_same_message(client, make_user):
    make_user(phone="13912345678")
    wrong_password = client.post("/login", data={"phone": "13912345678", "password": "nope-nope"})
    wrong_phone = client.post("/login", data={"phone": "13987654321", "password": PASSWORD})
    for response in (wrong_password, wrong_phone):
        assert response.status_code == 200
        assert "手机号或密码不正确" in response.get_data(as_text=True)


def test_inactive_users_cannot_log_in(client, make_user):
    make_user(phone="13912345678", active=False)
    response = client.post("/login", data={"phone": "13912345678", "password": PASSWORD})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/teams", "/teams"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_redirects_to_this_site(client, make_user, next_url, location):
    user = make_user()
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"phone": user.local_phone, "password": PASSWORD},
    )
    assert response.headers["Location"] == location


def test_logout_is_a_post(client, auth, make_user):
    auth.login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_profile_edit_saves_and_validates(client, auth, make_user):
    user = make_user()
    auth.login(user)
    bad = client.post("/account", data={"real_name": "", "email": "not-an-email", "locale": "en"})
    assert bad.status_code == 200
    db.session.refresh(user)
    assert user.real_name == "测试用户"
    good = client.post(
        "/account", data={"real_name": "王小红", "nickname": "小红", "email": "", "locale": "en"}
    )
    assert good.status_code == 302
    db.session.refresh(user)
    assert (user.real_name, user.nickname, user.locale) == ("王小红", "小红", "en")


def test_profile_refuses_an_unknown_language(client, auth, make_user):
    user = make_user()
    auth.login(user)
    response = client.post("/account", data={"real_name": "王小红", "locale": "fr"})
    assert response.status_code == 200
    db.session.refresh(user)
    assert user.locale is None


def test_changing_the_password_needs_the_current_one(client, auth, make_user):
    user = make_user()
    auth.login(user)
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "wrong-one",
            "password": "new-password-1",
            "confirm": "new-password-1",
        },
    )
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    right = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "new-password-1",
            "confirm": "new-password-1",
        },
    )
    assert right.status_code == 302
    db.session.refresh(user)
    assert user.check_password("new-password-1")


@pytest.fixture
def limited_app_config(app_config):
    app_config.update(RATELIMIT_ENABLED=True, PLANNER_LOGIN_LIMIT="3 per minute")
    return app_config


def test_login_is_rate_limited_per_account(limited_app_config, client, make_user):
    make_user(phone="13912345678")
    for _ in range(3):
        assert (
            client.post(
                "/login", data={"phone": "13912345678", "password": "wrong-pass"}
            ).status_code
            == 200
        )
    blocked = client.post("/login", data={"phone": "139 1234 5678", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "尝试次数过多" in blocked.get_data(as_text=True)
    # Another account from the same address is not blocked by this account's limit.
    make_user(phone="13912345679")
    assert (
        client.post("/login", data={"phone": "13912345679", "password": PASSWORD}).status_code
        == 302
    )


def test_csrf_token_is_required_when_protection_is_on(app_config, make_user, sms_log):
    from planner import create_app

    app_config["WTF_CSRF_ENABLED"] = True
    csrf_app = create_app(app_config)
    client = csrf_app.test_client()
    response = client.post("/register/code", data={"phone": "13912345678"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert sms_log.lines == []
    assert client.post("/logout").status_code == 400
    # With the token from the page, the same forms go through.
    page = client.get("/register").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/register/code", data={"csrf_token": token, "phone": "13912345678"})
    assert response.status_code == 302
    response = client.post(
        "/register",
        data={
            "csrf_token": token,
            "code": sms_log.code_for("13912345678"),
            "real_name": "张三",
            "password": "long-enough-1",
            "confirm": "long-enough-1",
            "consent": "y",
        },
    )
    assert response.status_code == 302
    assert _users() == 1
    with csrf_app.app_context():
        db.engine.dispose()


def test_session_cookie_is_httponly_lax_and_secure_over_https(client, make_user):
    user = make_user()
    response = client.post(
        "/login",
        data={"phone": user.local_phone, "password": PASSWORD},
        base_url="https://localhost",
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    plain = client.post("/login", data={"phone": user.local_phone, "password": PASSWORD})
    assert "Secure" not in plain.headers.get("Set-Cookie", "")


def test_create_admin_from_stdin(runner):
    result = runner.invoke(
        args=["create-admin", "--phone", "13912345678", "--name", "王管理", "--password-stdin"],
        input="strong-password-1\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User))
    assert user.is_admin and user.check_password("strong-password-1")


def test_create_admin_refuses_a_bad_phone_or_short_password(runner):
    bad_phone = runner.invoke(
        args=["create-admin", "--phone", "123", "--name", "王", "--password-stdin"],
        input="strong-password-1\n",
    )
    short = runner.invoke(
        args=["create-admin", "--phone", "13912345678", "--name", "王", "--password-stdin"],
        input="short\n",
    )
    assert bad_phone.exit_code != 0 and short.exit_code != 0
    assert _users() == 0


def test_the_app_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    from planner import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PLANNER_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
