"""Check-ins from codes are the scanning person's own and name the device that scanned; the roster
flags one device scanning for several people within a minute (a flag, not a block)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from planner import create_app
from planner.extensions import db
from planner.signups import attendance, privacy
from planner.signups.models import CheckinMethod, Signup, SignupStatus
from planner.timeutil import utcnow
from tests.conftest import PASSWORD, create_database

DEVICE_COOKIE = "xf_device"


@pytest.fixture
def checkin_event(make_event):
    """An event whose one shift (5 places) starts in five minutes: codes check in now."""
    return make_event(shifts=(("清扫", 5),), starts_at=utcnow() + timedelta(minutes=5))


@pytest.fixture
def confirmed(checkin_event, make_user, sign_up):
    """``confirmed(name)``: a volunteer with a password, confirmed on ``checkin_event``."""

    def make(name: str):
        user = make_user(name)
        return user, sign_up(checkin_event.shifts[0], user)

    return make


def _login(client, user):
    return client.post("/login", data={"phone": user.local_phone, "password": PASSWORD})


def _scan(client, user, event):
    """``user`` logs in on ``client`` (one phone) and taps the venue's current code."""
    _login(client, user)
    response = client.post(f"/checkin/{attendance.make_token(event)}")
    assert response.status_code == 302
    client.post("/logout")
    return response


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _device_cookie(client) -> str:
    return client.get_cookie(DEVICE_COOKIE, path="/checkin/").value


# ---------------------------------------------------------------- whose check-in, which device


def test_a_forwarded_code_checks_in_the_volunteer_who_opens_it_with_their_own_phone(
    app, checkin_event, confirmed
):
    (_owner, owner_signup), (friend, friend_signup) = confirmed("张三明"), confirmed("李四")
    friends_phone = app.test_client()
    _login(friends_phone, friend)
    forwarded = attendance.make_token(checkin_event)  # the owner's photo of the venue screen
    assert friends_phone.post(f"/checkin/{forwarded}").status_code == 302
    db.session.expire_all()
    assert owner_signup.checked_in_at is None
    assert friend_signup.checked_in_at is not None
    assert friend_signup.checkin_method is CheckinMethod.CODE
    assert friend_signup.checkin_device == _sha256(_device_cookie(friends_phone))
    assert friend_signup.checkin_address == "127.0.0.1"


def test_the_device_cookie_is_long_lived_httponly_lax_and_secure_over_https(
    app, checkin_event, confirmed
):
    user, _signup = confirmed("王五")
    phone = app.test_client()
    _login(phone, user)
    response = phone.post(f"/checkin/{attendance.make_token(checkin_event)}")
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("xf_device=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/checkin/" in cookie
    assert "Max-Age=34560000" in cookie  # 400 days, the longest a browser keeps one
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back

    secure = app.test_client()
    _login(secure, user)
    token = attendance.make_token(checkin_event)
    response = secure.get(f"/checkin/{token}", base_url="https://localhost")
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("xf_device=")]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_phone_keeps_its_device_id_from_scan_to_scan(app, checkin_event, confirmed):
    (first, _), (second, _) = confirmed("甲"), confirmed("乙")
    phone = app.test_client()
    _scan(phone, first, checkin_event)
    kept = _device_cookie(phone)
    response = _scan(phone, second, checkin_event)
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("xf_device=")]
    assert _device_cookie(phone) == kept


def test_a_forged_device_cookie_is_replaced_by_a_random_one(app, checkin_event, confirmed):
    user, signup = confirmed("丙")
    phone = app.test_client()
    phone.set_cookie(DEVICE_COOKIE, "x" * 500, path="/checkin/")
    _scan(phone, user, checkin_event)
    assert _device_cookie(phone) != "x" * 500 and len(_device_cookie(phone)) == 43
    db.session.expire_all()
    assert signup.checkin_device == _sha256(_device_cookie(phone))


def test_the_data_download_holds_the_device_hash_not_the_cookie(app, checkin_event, confirmed):
    user, _signup = confirmed("赵六")
    phone = app.test_client()
    _scan(phone, user, checkin_event)
    raw = _device_cookie(phone)
    _login(phone, user)
    response = phone.get("/my/data.json")
    (row,) = response.get_json()["signups"]
    assert row["checkin_method"] == "code" and row["checkin_device"] == _sha256(raw)
    assert row["checkin_address"] == "127.0.0.1"
    assert raw not in response.get_data(as_text=True)


def test_an_organisers_check_in_by_hand_records_the_method_and_no_device(
    checkin_event, confirmed, make_user, in_request
):
    _user, signup = confirmed("孙七")
    attendance.check_in(make_user("组织者", admin=True), signup)
    assert signup.checkin_method is CheckinMethod.HAND
    assert signup.checkin_device is None and signup.checkin_address is None


def test_checking_out_by_code_records_the_device_and_by_hand_replaces_it(
    checkin_event, confirmed, make_user, in_request
):
    user, signup = confirmed("周八")
    start = signup.shift.starts_at
    phone = attendance.Device.of("p" * 43, "10.0.0.7")
    attendance.scan(user, attendance.make_token(checkin_event, start), start, device=phone)
    later = start + timedelta(minutes=30)
    attendance.scan(user, attendance.make_token(checkin_event, later), later, device=phone)
    assert signup.checkout_method is CheckinMethod.CODE
    assert (signup.checkout_device, signup.checkout_address) == (_sha256("p" * 43), "10.0.0.7")
    attendance.check_out(make_user("组织者", admin=True), signup, later + timedelta(minutes=5))
    assert signup.checkout_method is CheckinMethod.HAND
    assert signup.checkout_device is None and signup.checkout_address is None
    assert signup.checkin_method is CheckinMethod.CODE  # the check-in stays the volunteer's scan


def test_deleting_the_account_removes_its_devices_and_addresses(app, checkin_event, confirmed):
    user, signup = confirmed("吴九")
    _scan(app.test_client(), user, checkin_event)
    privacy.delete_account(user)
    db.session.commit()
    db.session.expire_all()
    assert signup.checked_in_at is not None and signup.checkin_method is CheckinMethod.CODE
    assert signup.checkin_device is None and signup.checkin_address is None


# ---------------------------------------------------------------- one device, several people


@pytest.fixture
def scans(checkin_event, in_request):
    """``scans((user, device_id, seconds_after_start, 'in'|'out'), …)`` through the service."""

    def run(*steps):
        start = checkin_event.shifts[0].starts_at
        for user, device_id, seconds, _direction in steps:
            now = start + timedelta(seconds=seconds)
            token = attendance.make_token(checkin_event, now)
            attendance.scan(user, token, now, device=attendance.Device.of(device_id, "10.0.0.1"))
        db.session.commit()
        return attendance.same_device_scans(checkin_event)

    return run


PHONE, OTHER_PHONE = "a" * 43, "b" * 43


def test_one_phone_checking_in_two_volunteers_within_a_minute_flags_both(confirmed, scans):
    (a, a_signup), (b, b_signup) = confirmed("张三明"), confirmed("李四")
    flagged = scans((a, PHONE, 0, "in"), (b, PHONE, 60, "in"))
    assert flagged == {a_signup.id: ["李四"], b_signup.id: ["张三明"]}


def test_two_phones_are_not_flagged(confirmed, scans):
    (a, _), (b, _) = confirmed("张三明"), confirmed("李四")
    assert scans((a, PHONE, 0, "in"), (b, OTHER_PHONE, 1, "in")) == {}


def test_one_phone_61_seconds_apart_is_not_flagged(confirmed, scans):
    (a, _), (b, _) = confirmed("张三明"), confirmed("李四")
    assert scans((a, PHONE, 0, "in"), (b, PHONE, 61, "in")) == {}


def test_one_phone_checking_three_people_in_names_the_other_two_on_each(confirmed, scans):
    (a, a_signup), (b, _), (c, _) = confirmed("甲"), confirmed("乙"), confirmed("丙")
    flagged = scans((a, PHONE, 0, "in"), (b, PHONE, 30, "in"), (c, PHONE, 80, "in"))
    assert flagged[a_signup.id] == ["乙"] and len(flagged) == 3  # 丙 is 80 s after 甲


def test_one_phone_checking_two_volunteers_out_within_a_minute_flags_both(confirmed, scans):
    (a, a_signup), (b, b_signup) = confirmed("张三明"), confirmed("李四")
    flagged = scans(
        (a, PHONE, 0, "in"),
        (b, OTHER_PHONE, 0, "in"),
        (a, PHONE, 3600, "out"),
        (b, PHONE, 3620, "out"),
    )
    assert flagged == {a_signup.id: ["李四"], b_signup.id: ["张三明"]}


def test_one_volunteer_scanning_in_and_out_on_one_phone_is_not_flagged(confirmed, scans):
    a, _ = confirmed("张三明")
    assert scans((a, PHONE, 0, "in"), (a, PHONE, 600, "out")) == {}


def test_an_organisers_check_in_by_hand_is_not_flagged(confirmed, scans, make_user):
    (a, _), (_b, b_signup), (_c, c_signup) = confirmed("甲"), confirmed("乙"), confirmed("丙")
    organiser = make_user("组织者", admin=True)
    for signup in (b_signup, c_signup):  # two people by hand, at the same second as 甲's scan
        attendance.check_in(organiser, signup, signup.shift.starts_at)
    assert scans((a, PHONE, 0, "in")) == {}


def test_the_roster_flags_one_phone_checking_in_two_volunteers_but_blocks_neither(
    app, client, auth, checkin_event, confirmed, make_user
):
    (a, a_signup), (b, b_signup), (c, _) = confirmed("张三明"), confirmed("李四"), confirmed("王五")
    phone = app.test_client()
    _scan(phone, a, checkin_event)
    _scan(phone, b, checkin_event)
    _scan(app.test_client(), c, checkin_event)
    db.session.expire_all()
    assert a_signup.status is b_signup.status is SignupStatus.ATTENDED
    auth.login(make_user("组织者", admin=True))
    page = client.get(f"/events/{checkin_event.id}/roster").get_data(as_text=True)
    assert page.count("一分钟内与") == 2
    assert "一分钟内与李四用同一部手机扫码" in page and "一分钟内与张三明用同一部手机扫码" in page
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/events/{checkin_event.id}/roster").get_data(as_text=True)
    assert "Same phone as 李四 within a minute" in page
    assert page.count("within a minute") == 2


def test_the_roster_runs_the_same_number_of_queries_whoever_shares_a_phone(
    client, auth, make_event, make_volunteers, make_user, count_queries
):
    event = make_event(shifts=(("清扫", 500),))
    auth.login(make_user("组织者", admin=True))
    start = event.shifts[0].starts_at
    counts = []
    for n in (10, 200):
        db.session.execute(db.delete(Signup))
        db.session.commit()
        for i, user in enumerate(make_volunteers(n, prefix=f"批{n}-")):
            db.session.add(
                Signup(
                    shift_id=event.shifts[0].id,
                    user_id=user.id,
                    status=SignupStatus.ATTENDED,
                    arrival=i + 1,
                    checked_in_at=start + timedelta(seconds=i),
                    checkin_method=CheckinMethod.CODE,
                    checkin_device=_sha256(str(i // 2)),  # two people a phone
                )
            )
        db.session.commit()
        with count_queries() as counter:
            page = client.get(f"/events/{event.id}/roster").get_data(as_text=True)
        assert page.count("一分钟内与") == n
        counts.append(counter.count)
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- migration


def test_the_checkin_devices_migration_goes_down_and_up_again(tmp_path_factory):
    from flask_migrate import downgrade, upgrade

    url, drop = create_database(tmp_path_factory, "checkin_devices")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade()
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("signup")}
            assert {"checkin_method", "checkin_device", "checkout_address"} <= columns
            downgrade(revision="e6c3d4f5a708")
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("signup")}
            assert not {c for c in columns if c.startswith(("checkin_", "checkout_"))}
            upgrade()
            db.engine.dispose()
    finally:
        drop()
