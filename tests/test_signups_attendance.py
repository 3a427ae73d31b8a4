"""Check-in tokens and scans, hours arithmetic, corrections with their audit trail, service records."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
import zxingcpp

from planner.audit.models import AuditEntry
from planner.extensions import db
from planner.signups import attendance
from planner.signups.models import CorrectionStatus, ServiceRecord, Signup, SignupStatus
from planner.timeutil import from_local, local_now, utcnow

pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture
def on_shift(make_event, make_volunteers, sign_up):
    """A volunteer confirmed on a shift that starts now (10:00–12:00 UTC-relative)."""
    start = utcnow().replace(microsecond=0) + timedelta(minutes=1)
    event = make_event(shifts=(("清扫", 5),), starts_at=start, hours=2)
    user = make_volunteers(1)[0]
    signup = sign_up(event.shifts[0], user)
    return event, user, signup


@pytest.fixture
def served(on_shift, rewind):
    """``on_shift`` three hours later: the shift ended an hour ago, so its hours can be credited."""
    rewind(on_shift[0], timedelta(hours=3))
    return on_shift


# ---------------------------------------------------------------- tokens


def test_a_fresh_token_names_its_event(make_event):
    event = make_event()
    assert attendance.read_token(attendance.make_token(event)) == event.id


def test_the_previous_window_token_still_works_but_an_older_one_has_expired(make_event):
    event = make_event()
    now = utcnow()
    step = timedelta(seconds=attendance.ROTATE_SECONDS)
    token = attendance.make_token(event, now)
    assert attendance.read_token(token, now + step) == event.id
    with pytest.raises(attendance.TokenExpired):
        attendance.read_token(token, now + 2 * step)


def test_the_code_shown_just_before_local_midnight_still_works_just_after(make_event):
    event = make_event()
    midnight = from_local(datetime.combine(local_now().date(), time.min))
    token = attendance.make_token(event, midnight - timedelta(seconds=30))
    assert attendance.read_token(token, midnight + timedelta(seconds=30)) == event.id
    with pytest.raises(attendance.TokenExpired):
        attendance.read_token(token, midnight + timedelta(seconds=2 * attendance.ROTATE_SECONDS))


def test_yesterdays_token_has_expired(make_event):
    event = make_event()
    now = utcnow()
    with pytest.raises(attendance.TokenExpired):
        attendance.read_token(attendance.make_token(event, now - timedelta(days=1)), now)


@pytest.mark.parametrize("token", ["forged", "WzEsIjIwMjQtMDktMzAiLDFd.bad", "", "a.b.c"])
def test_forged_tokens_are_invalid(token):
    with pytest.raises(attendance.TokenInvalid):
        attendance.read_token(token)


def test_a_token_signed_with_another_key_is_invalid(app, make_event):
    event = make_event()
    token = attendance.make_token(event)
    app.secret_key = "another-key"
    with pytest.raises(attendance.TokenInvalid):
        attendance.read_token(token)


# ---------------------------------------------------------------- scans


def test_first_scan_checks_in_and_a_scan_ten_minutes_later_checks_out(on_shift):
    event, user, signup = on_shift
    now = signup.shift.starts_at
    token = attendance.make_token(event, now)
    assert attendance.scan(user, token, now)[1] == "in"
    with pytest.raises(attendance.TooSoonToCheckOut):
        soon = now + timedelta(minutes=9)
        attendance.scan(user, attendance.make_token(event, soon), soon)
    later = now + timedelta(minutes=10)
    assert attendance.scan(user, attendance.make_token(event, later), later)[1] == "out"
    with pytest.raises(attendance.AlreadyCheckedOut):  # replay
        attendance.scan(user, attendance.make_token(event, later), later + timedelta(minutes=1))
    assert signup.status is SignupStatus.ATTENDED


def test_a_token_for_another_event_does_not_check_in(on_shift, make_event):
    _event, user, signup = on_shift
    other = make_event(starts_at=signup.shift.starts_at)
    with pytest.raises(attendance.NoCurrentShift):
        attendance.scan(user, attendance.make_token(other), signup.shift.starts_at)


def test_a_waitlisted_volunteer_cannot_check_in(make_event, make_volunteers, sign_up):
    event = make_event(shifts=(("清扫", 1),), starts_at=utcnow() + timedelta(minutes=5))
    a, b = make_volunteers(2)
    sign_up(event.shifts[0], a)
    sign_up(event.shifts[0], b)
    with pytest.raises(attendance.NoCurrentShift):
        attendance.scan(b, attendance.make_token(event), utcnow())


def test_the_checkin_page_explains_a_forged_code_without_an_error(client, auth, make_user):
    auth.login(make_user())
    response = client.get("/checkin/not-a-token")
    assert response.status_code == 400
    assert "签到码无效" in response.get_data(as_text=True)


def test_scanning_the_page_checks_in(client, auth, make_user, make_event):
    user = make_user()
    event = make_event(shifts=(("清扫", 5),), starts_at=utcnow() + timedelta(minutes=5))
    auth.login(user)
    client.post(f"/shifts/{event.shifts[0].id}/signup")
    token = attendance.make_token(event)
    assert client.get(f"/checkin/{token}").status_code == 200
    assert client.post(f"/checkin/{token}").status_code == 302
    signup = db.session.scalar(db.select(Signup).where(Signup.user_id == user.id))
    assert signup.checked_in_at is not None


def test_the_checkin_screen_qr_code_decodes_to_the_checkin_url(client, auth, make_user, make_event):
    event = make_event(shifts=(("清扫", 5),))
    auth.login(make_user(admin=True))
    text = client.get(f"/events/{event.id}/checkin-screen").get_data(as_text=True)
    url = re.search(r'data-url="([^"]+)"', text).group(1)
    assert re.fullmatch(r"http://localhost/checkin/[\w.-]+", url)
    qr = attendance.checkin_qr(url)
    assert qr.svg_inline(scale=8, dark="#000", light="#fff", omitsize=True) in text
    # Decode the code's modules as a greyscale image (no Pillow needed): zxing-cpp reads buffers.
    rows = [bytes(0 if dark else 255 for dark in row) for row in qr.matrix_iter(scale=4, border=4)]
    image = memoryview(b"".join(rows)).cast("B", shape=(len(rows), len(rows[0])))
    (barcode,) = zxingcpp.read_barcodes(image)
    assert barcode.text == url
    assert attendance.read_token(url.rsplit("/", 1)[1]) == event.id


# ---------------------------------------------------------------- hours


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [
        (0, 0),
        (-60, 0),
        (7 * 60 + 29, 0),
        (7 * 60 + 30, 15),
        (22 * 60 + 29, 15),
        (22 * 60 + 30, 30),
        (7200, 120),
    ],
)
def test_hours_round_to_the_nearest_quarter_hour_halves_up(seconds, minutes):
    assert attendance.round_to_quarter(seconds) == minutes


def _with_scans(signup, before_in=None, after_out=None, checked_out=True):
    shift = signup.shift
    signup.checked_in_at = shift.starts_at + (before_in or timedelta())
    signup.checked_out_at = (shift.ends_at + (after_out or timedelta())) if checked_out else None
    return attendance.computed_minutes(signup)


def test_checking_in_before_the_shift_counts_from_its_start(on_shift):
    assert _with_scans(on_shift[2], before_in=timedelta(minutes=-40)) == 120


def test_checking_out_after_the_shift_counts_to_its_end(on_shift):
    assert _with_scans(on_shift[2], after_out=timedelta(minutes=50)) == 120


def test_a_missing_checkout_counts_to_the_end_of_the_shift(on_shift):
    assert _with_scans(on_shift[2], before_in=timedelta(minutes=30), checked_out=False) == 90


def test_without_scans_the_shift_length_counts(on_shift):
    assert attendance.computed_minutes(on_shift[2]) == 120


def test_a_short_stay_is_rounded(on_shift):
    assert (
        _with_scans(on_shift[2], before_in=timedelta(minutes=50), after_out=timedelta(minutes=-62))
        == 15
    )


def test_confirming_hours_writes_a_service_record_with_the_national_fields(served, make_user):
    event, user, signup = served
    organiser = make_user("王组织", admin=True)
    assert attendance.confirm_hours(organiser, [signup]) == 1
    db.session.commit()
    record = db.session.scalar(db.select(ServiceRecord).where(ServiceRecord.signup_id == signup.id))
    assert record.volunteer_id == user.id and record.activity == event.title
    assert record.minutes == 120 and record.hours == 2
    assert record.place and record.content == "清扫" and record.service_date
    assert record.person_in_charge == "王组织" and record.recorder_id == organiser.id
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "set_hours"))
    assert entry.details["before"] is None and entry.details["after"] == 120


def test_a_no_show_gets_no_hours(served, make_user):
    _event, _user, signup = served
    organiser = make_user(admin=True)
    attendance.mark_no_show(organiser, signup)
    assert attendance.confirm_hours(organiser, [signup]) == 0
    assert signup.minutes is None


def test_an_accepted_correction_changes_the_hours_and_is_audited(served, make_user):
    _event, user, signup = served
    organiser = make_user(admin=True)
    attendance.confirm_hours(organiser, [signup])
    correction = attendance.request_correction(user, signup, 150, "提前半小时到场布置")
    with pytest.raises(attendance.CorrectionNotAllowed):  # one request at a time
        attendance.request_correction(user, signup, 180, "again")
    attendance.decide_correction(organiser, correction, accept=True, note="属实")
    db.session.commit()
    assert correction.status is CorrectionStatus.ACCEPTED
    assert signup.minutes == 150
    record = db.session.scalar(db.select(ServiceRecord).where(ServiceRecord.signup_id == signup.id))
    assert record.minutes == 150
    entries = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "set_hours").order_by(AuditEntry.id)
    ).all()
    assert [(e.details["before"], e.details["after"]) for e in entries] == [(None, 120), (120, 150)]
    assert (
        "提前半小时到场布置" in entries[-1].details["why"] and entries[-1].actor_id == organiser.id
    )
    with pytest.raises(attendance.CorrectionDecided):
        attendance.decide_correction(organiser, correction, accept=False)


def test_a_rejected_correction_leaves_the_hours(served, make_user):
    _event, user, signup = served
    organiser = make_user(admin=True)
    attendance.confirm_hours(organiser, [signup])
    correction = attendance.request_correction(user, signup, 240, "多算点")
    attendance.decide_correction(organiser, correction, accept=False, note="与签到不符")
    assert signup.minutes == 120 and correction.status is CorrectionStatus.REJECTED


def test_nobody_may_ask_to_correct_someone_elses_or_unconfirmed_hours(on_shift, make_volunteers):
    _event, user, signup = on_shift
    with pytest.raises(attendance.CorrectionNotAllowed):
        attendance.request_correction(user, signup, 60, "not yet confirmed")
    signup.minutes = 120
    with pytest.raises(attendance.CorrectionNotAllowed):
        attendance.request_correction(make_volunteers(1)[0], signup, 60, "not mine")


def test_the_checkin_screen_reloads_itself_without_a_timed_meta_refresh_when_scripts_run(
    client, auth, make_user, make_event
):
    event = make_event(shifts=(("清扫", 5),))
    auth.login(make_user(admin=True))
    text = client.get(f"/events/{event.id}/checkin-screen").get_data(as_text=True)
    # A bare timed refresh fails WCAG 2.2.1 (axe: meta-refresh); it stays only as the no-script fallback.
    assert '<noscript><meta http-equiv="refresh" content="60"></noscript>' in text
    assert text.count('http-equiv="refresh"') == 1
    assert 'data-refresh="60"' in text and "js/checkin_screen.js" in text


def test_the_manage_page_leads_to_the_roster_and_the_checkin_code(
    client, auth, make_user, make_event
):
    event = make_event(shifts=(("清扫", 5),))
    auth.login(make_user(admin=True))
    text = client.get(f"/events/{event.id}/manage").get_data(as_text=True)
    assert f'href="/events/{event.id}/roster"' in text
    assert f'href="/events/{event.id}/checkin-screen"' in text


def test_the_checkin_code_uses_the_public_address_when_configured(
    app, client, auth, make_user, make_event
):
    app.config["PLANNER_PUBLIC_URL"] = "https://xinfeng.example.cn/"
    event = make_event(shifts=(("清扫", 5),))
    auth.login(make_user(admin=True))
    text = client.get(f"/events/{event.id}/checkin-screen").get_data(as_text=True)
    assert 'data-url="https://xinfeng.example.cn/checkin/' in text
