"""SMS codes: hashed, 5 minutes, 5 tries, re-sent after 60 s, limited per number, address and day;
asking never tells whether a number has an account; registering, a forgotten password, a new
number, and the gateway adapter's request checked over HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from planner.accounts import codes, services
from planner.accounts.models import CodePurpose, PhoneCode, User
from planner.extensions import db
from planner.notifications import services as notifications
from planner.notifications.models import Channel, Notification, NotificationStatus
from planner.timeutil import utcnow
from tests.conftest import PASSWORD

PHONE = "+8613912345678"

pytestmark = pytest.mark.usefixtures("sms_log")


def _send(now=None, phone=PHONE, purpose=CodePurpose.REGISTER):
    note_id = codes.send_code(phone, purpose, now=now)
    db.session.commit()
    notifications.send_now(note_id)
    return note_id


def _check(code, now=None, phone=PHONE, purpose=CodePurpose.REGISTER):
    try:
        codes.check_code(phone, purpose, code, now=now)
    finally:
        db.session.commit()  # as the views do: every try counts


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# ---------------------------------------------------------------- the code itself


def test_a_code_is_six_digits_stored_only_as_a_keyed_hash(app, in_request, sms_log):
    note_id = _send()
    code = sms_log.code_for(PHONE)
    row = db.session.scalar(db.select(PhoneCode))
    assert len(code) == 6 and code.isdigit()
    assert code not in row.code_hash and row.code_hash != hashlib.sha256(code.encode()).hexdigest()
    # Once sent, the outbox keeps that a code went to the number, never the code.
    note = db.session.get(Notification, note_id)
    assert note.status is NotificationStatus.SENT and note.channel is Channel.SMS
    assert code not in note.body and note.sms_params is None and note.phone == PHONE


def test_the_right_code_works_once(app, in_request, sms_log):
    _send()
    code = sms_log.code_for(PHONE)
    _check(code)
    with pytest.raises(codes.NoCode):
        _check(code)


def test_five_wrong_tries_lock_the_code_even_the_right_one_after(app, in_request, sms_log):
    _send()
    code = sms_log.code_for(PHONE)
    for _ in range(4):
        with pytest.raises(codes.WrongCode):
            _check(_wrong(code))
    with pytest.raises(codes.CodeLocked):
        _check(_wrong(code))
    with pytest.raises(codes.CodeLocked):
        _check(code)
    assert db.session.scalar(db.select(PhoneCode.attempts)) == codes.MAX_ATTEMPTS


def test_a_code_expires_after_five_minutes(app, in_request, sms_log):
    sent_at = utcnow()
    _send(now=sent_at)
    code = sms_log.code_for(PHONE)
    with pytest.raises(codes.CodeExpired):
        _check(code, now=sent_at + timedelta(minutes=5))
    _check(code, now=sent_at + timedelta(minutes=4, seconds=59))


def test_a_new_code_can_be_asked_for_after_sixty_seconds_and_replaces_the_old(
    app, in_request, sms_log
):
    sent_at = utcnow()
    _send(now=sent_at)
    first = sms_log.code_for(PHONE)
    with pytest.raises(codes.TooSoon, match="50"):
        _send(now=sent_at + timedelta(seconds=10))
    db.session.rollback()
    _send(now=sent_at + timedelta(seconds=60))
    second = sms_log.code_for(PHONE)
    if first != second:
        with pytest.raises(codes.WrongCode):
            _check(first, now=sent_at + timedelta(seconds=61))
    _check(second, now=sent_at + timedelta(seconds=62))


def test_a_code_proves_the_number_for_its_purpose_only(app, in_request, sms_log):
    _send(purpose=CodePurpose.RESET)
    with pytest.raises(codes.NoCode):
        _check(sms_log.code_for(PHONE), purpose=CodePurpose.REGISTER)


# ---------------------------------------------------------------- nobody learns whose number it is


def _outbox_shape():
    return [
        (n.channel, n.status, n.subject, n.recipient_id)
        for n in db.session.scalars(db.select(Notification).order_by(Notification.id))
    ]


@pytest.mark.parametrize("path", ["/register/code", "/password/forgot/code", "/takeover/code"])
def test_asking_for_a_code_answers_the_same_whether_or_not_the_number_has_an_account(
    app, make_user, sms_log, path
):
    make_user(phone="13912345678")
    taken, new = app.test_client(), app.test_client()
    replies = [
        client.post(path, data={"phone": phone}, follow_redirects=True)
        for client, phone in ((taken, "139 1234 5678"), (new, "13912345679"))
    ]
    pages = [
        re.sub(r'name="csrf_token" [^>]*>', "", r.get_data(as_text=True)).replace("5678", "5679")
        for r in replies
    ]
    assert replies[0].status_code == replies[1].status_code == 200
    assert pages[0] == pages[1]
    shape = _outbox_shape()
    assert shape[0] == shape[1] and shape[0][3] is None
    assert len(sms_log.texts_to("13912345678")) == len(sms_log.texts_to("13912345679")) == 1


def test_registering_a_taken_number_needs_its_code_and_then_says_so_only_to_its_owner(
    app, make_user, register_account
):
    owner = make_user(phone="13912345678")
    client = app.test_client()
    # A stranger without the code gets nowhere, and learns nothing.
    client.post("/register/code", data={"phone": "13912345678"})
    guess = client.post(
        "/register",
        data={
            "code": "000000",
            "real_name": "陌生人",
            "password": "strangers-pass-1",
            "confirm": "strangers-pass-1",
            "consent": "y",
        },
    )
    assert "验证码不正确" in guess.get_data(as_text=True) or "验证码" in guess.get_data(
        as_text=True
    )
    # The owner, with the code, is told the number already has an account.
    owned = register_account(app.test_client(), phone="13912345678", password="owners-pass-12")
    assert "这个手机号已有账号" in owned.get_data(as_text=True)
    db.session.refresh(owner)
    assert owner.check_password(PASSWORD)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_an_unverified_number_reserves_nothing(app, register_account, sms_log):
    app.test_client().post("/register/code", data={"phone": "13912345678"})  # never finished
    assert register_account(app.test_client(), phone="13912345678").status_code == 302
    assert db.session.scalar(db.select(User.phone)) == PHONE


def test_registering_one_number_at_once_with_its_code_makes_one_account(
    app, in_request, sms_log, at_once
):
    _send()
    code = sms_log.code_for(PHONE)
    results = at_once(
        lambda: services.register_with_code(PHONE, code, "并发", "correct-horse-9").id
    )
    assert sum(isinstance(r, int) for r in results) == 1
    assert all(isinstance(r, (int, services.DomainError)) for r in results), results
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


# ---------------------------------------------------------------- limits


@pytest.fixture
def code_limits(app_config):
    app_config.update(
        RATELIMIT_ENABLED=True,
        PLANNER_CODE_NUMBER_LIMIT="3 per hour;4 per day",
        PLANNER_CODE_ADDRESS_LIMIT="5 per hour;6 per day",
    )
    return app_config


def _ask(client, phone, address="10.0.0.1", path="/register/code"):
    return client.post(path, data={"phone": phone}, environ_base={"REMOTE_ADDR": address})


def test_codes_are_limited_per_number_across_addresses_and_purposes(code_limits, app):
    client = app.test_client()
    statuses = [
        _ask(client, "13912345678", address=f"10.0.0.{i}", path=path).status_code
        for i, path in enumerate(
            ["/register/code", "/password/forgot/code", "/takeover/code", "/register/code"]
        )
    ]
    assert statuses == [302, 302, 302, 429]
    assert _ask(client, "13912345679").status_code == 302  # another number is not held back


def test_codes_are_limited_per_address_across_numbers(code_limits, app):
    client = app.test_client()
    assert [_ask(client, f"1391234{n:04d}").status_code for n in range(6)] == [302] * 5 + [429]
    assert _ask(client, "13912349999", address="10.0.0.2").status_code == 302


def test_the_limits_count_per_day_too():
    from limits import parse_many

    from planner.config import DEFAULTS

    for setting in ("PLANNER_CODE_NUMBER_LIMIT", "PLANNER_CODE_ADDRESS_LIMIT"):
        windows = {item.GRANULARITY.name for item in parse_many(DEFAULTS[setting])}
        assert "day" in windows


# ---------------------------------------------------------------- forgotten password


def test_a_forgotten_password_is_reset_with_a_code_and_old_sessions_end(app, make_user, sms_log):
    user = make_user(phone="13912345678")
    laptop, phone = app.test_client(), app.test_client()
    laptop.post("/login", data={"phone": "13912345678", "password": PASSWORD})
    assert laptop.get("/account").status_code == 200
    phone.post("/password/forgot/code", data={"phone": "13912345678"})
    response = phone.post(
        "/password/forgot",
        data={
            "code": sms_log.code_for(PHONE),
            "password": "brand-new-pass-7",
            "confirm": "brand-new-pass-7",
        },
    )
    assert response.status_code == 302
    assert phone.get("/account").status_code == 200  # this device is logged in
    assert laptop.get("/account").status_code == 302  # the old session has ended
    db.session.refresh(user)
    assert user.check_password("brand-new-pass-7") and not user.check_password(PASSWORD)


def test_a_reset_checks_the_new_password_and_a_number_without_account_is_told_only_with_its_code(
    client, sms_log
):
    client.post("/password/forgot/code", data={"phone": "13912345678"})
    weak = client.post(
        "/password/forgot",
        data={"code": sms_log.code_for(PHONE), "password": "password123", "confirm": "password123"},
    )
    assert "最常见的密码" in weak.get_data(as_text=True)
    none = client.post(
        "/password/forgot",
        data={
            "code": sms_log.code_for(PHONE),
            "password": "brand-new-pass-7",
            "confirm": "brand-new-pass-7",
        },
    )
    assert "没有账号使用这个手机号登录" in none.get_data(as_text=True)


def test_the_forgotten_password_page_speaks_english(client, sms_log):
    client.set_cookie("locale", "en")
    assert "Forgotten password" in client.get("/password/forgot").get_data(as_text=True)
    client.post("/password/forgot/code", data={"phone": "13912345678"})
    page = client.get("/password/forgot").get_data(as_text=True)
    assert "Step 2 of 2" in page and "139****5678" in page


# ---------------------------------------------------------------- a new number


def test_changing_the_number_needs_a_code_to_the_new_one_and_tells_the_old(
    app, client, auth, make_user, sms_log
):
    user = make_user(phone="13912345678")
    auth.login(user)
    client.post("/account/phone/code", data={"phone": "13987654321"})
    response = client.post("/account/phone", data={"code": sms_log.code_for("13987654321")})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.phone == "+8613987654321"
    told = sms_log.texts_to("13912345678")
    assert len(told) == 1 and "139****4321" in told[0]


def test_a_number_with_an_account_cannot_be_taken_even_with_its_code(
    app, client, auth, make_user, sms_log
):
    user = make_user(phone="13912345678")
    make_user(phone="13987654321")
    auth.login(user)
    client.post("/account/phone/code", data={"phone": "13987654321"})
    response = client.post("/account/phone", data={"code": sms_log.code_for("13987654321")})
    assert "这个手机号已被其他账号用于登录" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.phone == PHONE


# ---------------------------------------------------------------- the gateway adapter


class _Gateway(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"code": "OK"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    _Gateway.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sms/send", _Gateway.received
    server.shutdown()
    server.server_close()


def test_the_gateway_adapter_posts_a_signed_request(app, app_config, gateway, in_request):
    url, received = gateway
    app.config.update(
        PLANNER_SMS_TRANSPORT="http",
        PLANNER_SMS_ENDPOINT=url,
        PLANNER_SMS_KEY="key-1",
        PLANNER_SMS_SECRET="secret-1",
        PLANNER_SMS_SIGN_NAME="新风",
        PLANNER_SMS_TEMPLATE="SMS_123",
    )
    note_id = _send()
    ((path, headers, body),) = received
    assert path == "/sms/send" and headers["X-Sms-Key"] == "key-1"
    payload = json.loads(body)
    assert payload["phone"] == PHONE and payload["sign_name"] == "新风"
    assert payload["template"] == "SMS_123" and len(payload["params"]["code"]) == 6
    expected = hmac.new(
        b"secret-1",
        headers["X-Sms-Timestamp"].encode()
        + b"\n"
        + headers["X-Sms-Nonce"].encode()
        + b"\n"
        + body,
        hashlib.sha256,
    ).hexdigest()
    assert headers["X-Sms-Signature"] == expected
    assert db.session.get(Notification, note_id).status is NotificationStatus.SENT
    # The code that reached the gateway is the one that works.
    _check(payload["params"]["code"])


def test_a_gateway_that_refuses_fails_the_message_without_failing_the_request(
    app, client, in_request
):
    app.config.update(
        PLANNER_SMS_TRANSPORT="http",
        PLANNER_SMS_ENDPOINT="http://127.0.0.1:9/none",
        PLANNER_SMS_KEY="k",
        PLANNER_SMS_SECRET="s",
    )
    response = client.post("/register/code", data={"phone": "13912345678"})
    assert response.status_code == 302
    note = db.session.scalar(db.select(Notification))
    assert note.status is NotificationStatus.FAILED and note.sms_params is None


def test_asking_again_within_a_minute_says_when_and_sends_nothing(client, sms_log):
    client.post("/register/code", data={"phone": "13912345678"})
    again = client.post("/register/code", data={"phone": "13912345678"}, follow_redirects=True)
    assert "秒后可再次获取" in again.get_data(as_text=True)
    assert len(sms_log.texts_to("13912345678")) == 1
    assert "第 2 步" in again.get_data(as_text=True)  # the code already sent still works


def test_codes_older_than_a_day_are_deleted_with_their_numbers(app, in_request):
    long_ago = utcnow() - timedelta(days=2)
    _send(now=long_ago, phone="+8613900000001")
    _send(phone=PHONE)
    assert list(db.session.scalars(db.select(PhoneCode.phone))) == [PHONE]


def test_deleting_an_account_deletes_its_codes(app, client, auth, make_user, sms_log):
    user = make_user(phone="13912345678")
    auth.login(user)
    client.post("/account/phone/code", data={"phone": "13987654321"})
    assert db.session.scalar(db.select(db.func.count(PhoneCode.id))) == 1
    from planner.signups import privacy

    with app.test_request_context("/"):
        privacy.delete_account(db.session.get(User, user.id))
        db.session.commit()
    assert db.session.scalar(db.select(db.func.count(PhoneCode.id))) == 0
