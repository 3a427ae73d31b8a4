"""Hours only for service that has happened: records, corrections and certificates never cover the future.

One notion of time (``planner.events.timing.has_ended``) decides both when hours may be credited and
when an event may be marked as completed.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from planner.audit.models import AuditEntry
from planner.events import workflow
from planner.events.models import EventStatus
from planner.extensions import db
from planner.signups import attendance, certificates
from planner.signups.models import (
    Certificate,
    CertificateStatus,
    CorrectionStatus,
    HoursCorrection,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from planner.timeutil import to_local, utcnow

SOON_OVER = "只能为已经发生的服务记录时长"
NO_HOURS = "没有可确认的时长"
NOT_ON_ROSTER = "只能选择本活动名单上的志愿者"


def _records() -> int:
    return db.session.scalar(db.select(db.func.count(ServiceRecord.id)))


def _minutes(signup: Signup) -> int | None:
    return db.session.scalar(db.select(Signup.minutes).where(Signup.id == signup.id))


@pytest.fixture
def world(make_user, make_department, make_event, make_volunteers, sign_up, grant):
    """An organiser of a department and a factory for its events with two volunteers signed up."""
    department = make_department("市委编办")
    organiser = make_user("王组织")
    grant(organiser, department)

    def event_with_volunteers(n: int = 2, people=(), **kwargs):
        """``n`` volunteers (who cannot log in), or ``people`` (who can), on a new event's shift."""
        event = make_event(hosts=(department,), shifts=(("清扫", 10),), **kwargs)
        signups = [sign_up(event.shifts[0], v) for v in people or make_volunteers(n)]
        return event, signups

    return organiser, department, event_with_volunteers


# ---------------------------------------------------------------- the service


@pytest.mark.usefixtures("in_request")
def test_hours_for_a_shift_fifteen_days_away_are_refused(world):
    organiser, _department, event_with_volunteers = world
    _event, (signup, other) = event_with_volunteers(starts_at=utcnow() + timedelta(days=15))
    with pytest.raises(attendance.NotOverYet):
        attendance.set_minutes(organiser, signup, 120, "提前确认")
    assert attendance.confirm_hours(organiser, [signup, other]) == 0
    db.session.commit()
    assert _minutes(signup) is None and _minutes(other) is None and _records() == 0
    assert db.session.get(Signup, signup.id).status is SignupStatus.CONFIRMED


@pytest.mark.usefixtures("in_request")
def test_a_started_shift_is_not_credited_to_someone_who_has_not_checked_in_and_out(world, rewind):
    organiser, _department, event_with_volunteers = world
    event, (absent, still_there) = event_with_volunteers()
    rewind(event, timedelta(days=3, hours=1))  # started an hour ago, ends in an hour
    attendance.check_in(organiser, still_there)
    for signup in (absent, still_there):
        with pytest.raises(attendance.NotOverYet):
            attendance.set_minutes(organiser, signup, 60, "还在岗")
    assert attendance.confirm_hours(organiser, [absent, still_there]) == 0
    assert _records() == 0


@pytest.mark.usefixtures("in_request")
def test_someone_checked_in_and_out_of_a_started_shift_is_credited_their_time(world, rewind):
    organiser, _department, event_with_volunteers = world
    event, (signup, _other) = event_with_volunteers()
    rewind(event, timedelta(days=3, hours=1))
    shift = event.shifts[0]
    attendance.check_in(organiser, signup, shift.starts_at)
    attendance.check_out(organiser, signup, shift.starts_at + timedelta(minutes=30))
    assert attendance.service_is_over(signup)
    assert attendance.confirm_hours(organiser, [signup]) == 1
    db.session.commit()
    record = db.session.scalar(db.select(ServiceRecord))
    assert record.minutes == 30 and record.service_date <= to_local(utcnow()).date()


@pytest.mark.usefixtures("in_request")
def test_an_ended_shift_is_credited_and_its_record_is_not_dated_after_today(world, rewind):
    organiser, _department, event_with_volunteers = world
    event, signups = event_with_volunteers()
    rewind(event)
    assert attendance.confirm_hours(organiser, signups) == 2
    db.session.commit()
    dates = db.session.scalars(db.select(ServiceRecord.service_date)).all()
    assert len(dates) == 2 and max(dates) <= to_local(utcnow()).date()


@pytest.mark.usefixtures("in_request")
def test_confirming_the_same_hours_twice_credits_once_and_writes_one_record(world, rewind):
    organiser, _department, event_with_volunteers = world
    event, signups = event_with_volunteers()
    rewind(event)
    assert attendance.confirm_hours(organiser, signups) == 2
    db.session.commit()
    assert attendance.confirm_hours(organiser, signups) == 0
    db.session.commit()
    assert _records() == 2
    credited = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "set_hours")
    ).all()
    assert len(credited) == 2


@pytest.mark.usefixtures("in_request")
def test_the_guarded_credit_does_not_credit_a_row_another_request_credited_meanwhile(world, rewind):
    organiser, _department, event_with_volunteers = world
    event, (signup,) = event_with_volunteers(1)
    rewind(event)
    # Another request credited it after this one loaded the roster (the row says None here).
    db.session.execute(
        db.update(Signup)
        .where(Signup.id == signup.id)
        .values(minutes=45, status=SignupStatus.ATTENDED)
        .execution_options(synchronize_session=False)
    )
    assert signup.minutes is None
    assert attendance.confirm_hours(organiser, [signup]) == 0
    db.session.commit()
    assert _minutes(signup) == 45 and _records() == 0


@pytest.mark.usefixtures("in_request")
def test_a_correction_of_hours_for_a_future_shift_is_refused(world):
    organiser, _department, event_with_volunteers = world
    _event, (signup, _other) = event_with_volunteers(starts_at=utcnow() + timedelta(days=15))
    signup.minutes = 120  # credited before the rule existed
    db.session.commit()
    with pytest.raises(attendance.NotOverYet):
        attendance.request_correction(signup.user, signup, 150, "提前到")
    pending = HoursCorrection(signup=signup, requested_minutes=150, reason="旧请求")
    db.session.add(pending)
    db.session.commit()
    with pytest.raises(attendance.NotOverYet):
        attendance.decide_correction(organiser, pending, accept=True)
    db.session.rollback()
    assert _minutes(signup) == 120 and _records() == 0
    assert db.session.get(HoursCorrection, pending.id).status is CorrectionStatus.PENDING


@pytest.mark.usefixtures("in_request")
@pytest.mark.parametrize(
    ("since_start", "over"),
    [
        (timedelta(hours=-1), False),  # not started
        (timedelta(hours=1), False),  # under way
        (timedelta(hours=2), True),  # ends exactly now
        (timedelta(hours=5), True),  # over
    ],
)
def test_completing_an_event_and_crediting_its_hours_share_one_notion_of_time(
    world, since_start, over
):
    organiser, _department, event_with_volunteers = world
    event, (signup, _other) = event_with_volunteers()  # two hours long, shift = event
    now = event.starts_at + since_start
    assert attendance.service_is_over(signup, now) is over
    if over:
        workflow.complete(organiser, event, now=now)
        assert event.status is EventStatus.COMPLETED
    else:
        with pytest.raises(workflow.NotOverYet):
            workflow.complete(organiser, event, now=now)
        with pytest.raises(attendance.NotOverYet):
            attendance.set_minutes(organiser, signup, 60, "早了", now=now)


@pytest.mark.usefixtures("in_request")
def test_completing_and_crediting_both_ask_has_ended(monkeypatch, world):
    from planner.events import timing

    organiser, _department, event_with_volunteers = world
    event, (signup, _other) = event_with_volunteers()
    asked = []
    monkeypatch.setattr(timing, "has_ended", lambda item, now=None: asked.append(item) or True)
    assert attendance.service_is_over(signup)
    workflow.complete(organiser, event)
    assert asked == [signup.shift, event]


# ---------------------------------------------------------------- the roster over HTTP


def _ids(page: str) -> list[str]:
    return re.findall(r'name="signup_id" value="([^"]+)"', page)


def test_confirm_hours_on_an_event_fifteen_days_away_credits_nobody(client, auth, world):
    organiser, _department, event_with_volunteers = world
    event, signups = event_with_volunteers(starts_at=utcnow() + timedelta(days=15))
    auth.login(organiser)
    path = f"/events/{event.id}/roster/confirm-hours"
    page = client.post(path, follow_redirects=True).get_data(as_text=True)
    assert NO_HOURS in page
    ids = [str(s.id) for s in signups]
    client.post(path, data={"signup_id": ids, "confirm": "1"})
    assert all(_minutes(s) is None for s in signups) and _records() == 0


def test_bulk_confirmation_names_the_count_and_credits_only_on_the_second_post(
    client, auth, world, rewind, make_volunteers, sign_up
):
    organiser, _department, event_with_volunteers = world
    event, signups = event_with_volunteers(3)
    no_show = signups[2]
    rewind(event)
    auth.login(organiser)
    client.post(f"/signups/{no_show.id}/no_show")
    path = f"/events/{event.id}/roster/confirm-hours"
    first = client.post(path)
    page = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "为以下 2 名志愿者记录服务时长" in page
    assert signups[0].user.real_name in page and no_show.user.real_name not in page
    assert sorted(_ids(page)) == sorted(str(s.id) for s in signups[:2])
    assert 'name="confirm" value="1"' in page
    assert all(_minutes(s) is None for s in signups) and _records() == 0
    second = client.post(path, data={"signup_id": _ids(page), "confirm": "1"})
    assert second.status_code == 302 and second.location.endswith(f"/events/{event.id}/roster")
    assert [_minutes(s) for s in signups] == [120, 120, None] and _records() == 2


def test_the_second_post_credits_only_those_it_names(client, auth, world, rewind):
    organiser, _department, event_with_volunteers = world
    event, (named, unnamed) = event_with_volunteers()
    rewind(event)
    auth.login(organiser)
    path = f"/events/{event.id}/roster/confirm-hours"
    client.post(path, data={"signup_id": [str(named.id)], "confirm": "1"})
    assert _minutes(named) == 120 and _minutes(unnamed) is None


def test_confirming_twice_over_http_credits_once(client, auth, world, rewind):
    organiser, _department, event_with_volunteers = world
    event, signups = event_with_volunteers()
    rewind(event)
    auth.login(organiser)
    path = f"/events/{event.id}/roster/confirm-hours"
    data = {"signup_id": [str(s.id) for s in signups], "confirm": "1"}
    first = client.post(path, data=data)
    again = client.post(path, data=data)
    assert first.status_code == again.status_code == 302 and first.location == again.location
    assert _records() == 2
    assert (
        db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "set_hours")
        )
        == 2
    )
    assert NO_HOURS in client.get(again.location).get_data(as_text=True)


@pytest.mark.parametrize("bogus", ["-1", "abc", "1.5", "²", "0", "9" * 30, "other"])
@pytest.mark.parametrize("confirm", ["", "1"])
def test_a_bogus_signup_id_is_refused_and_never_means_everyone(
    client, auth, world, rewind, bogus, confirm, make_event, make_volunteers, sign_up
):
    organiser, _department, event_with_volunteers = world
    event, signups = event_with_volunteers()
    rewind(event)
    if bogus == "other":  # a sign-up of another event
        other = make_event(shifts=(("引导", 5),))
        bogus = str(sign_up(other.shifts[0], make_volunteers(1)[0]).id)
    auth.login(organiser)
    data = {"signup_id": [str(signups[0].id), bogus]}
    if confirm:
        data["confirm"] = confirm
    response = client.post(f"/events/{event.id}/roster/confirm-hours", data=data)
    assert response.status_code == 302
    assert NOT_ON_ROSTER in client.get(response.location).get_data(as_text=True)
    assert all(_minutes(s) is None for s in signups) and _records() == 0


def test_the_second_post_without_names_credits_nobody(client, auth, world, rewind):
    organiser, _department, event_with_volunteers = world
    event, signups = event_with_volunteers()
    rewind(event)
    auth.login(organiser)
    response = client.post(f"/events/{event.id}/roster/confirm-hours", data={"confirm": "1"})
    assert response.status_code == 302
    assert NOT_ON_ROSTER in client.get(response.location).get_data(as_text=True)
    assert all(_minutes(s) is None for s in signups)


def test_setting_hours_for_a_future_shift_is_refused_with_a_message(client, auth, world):
    organiser, _department, event_with_volunteers = world
    _event, (signup, _other) = event_with_volunteers(starts_at=utcnow() + timedelta(days=15))
    auth.login(organiser)
    response = client.post(f"/signups/{signup.id}/hours", data={"hours": "2", "why": "提前"})
    assert response.status_code == 200 and SOON_OVER in response.get_data(as_text=True)
    assert _minutes(signup) is None and _records() == 0


def test_a_volunteer_cannot_ask_to_correct_hours_of_a_future_shift(client, auth, world, make_user):
    _organiser, _department, event_with_volunteers = world
    _event, (signup,) = event_with_volunteers(
        people=[make_user("张三明")], starts_at=utcnow() + timedelta(days=15)
    )
    signup.minutes = 120  # credited before the rule existed
    db.session.commit()
    auth.login(signup.user)
    response = client.post(
        f"/signups/{signup.id}/correction", data={"hours": "2.5", "reason": "提前到"}
    )
    assert response.status_code == 200 and SOON_OVER in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(HoursCorrection.id))) == 0


def test_marking_an_event_completed_before_it_ends_is_refused(client, auth, world, rewind):
    organiser, _department, event_with_volunteers = world
    event, _signups = event_with_volunteers()
    rewind(event, timedelta(days=3, hours=1))  # under way
    auth.login(organiser)
    page = client.post(f"/events/{event.id}/complete", follow_redirects=True).get_data(as_text=True)
    assert "活动结束后才能标记为已完成" in page
    assert db.session.get(type(event), event.id).status is EventStatus.PUBLISHED


# ---------------------------------------------------------------- certificates


def _request(client, department, starts_on, ends_on):
    return client.post(
        "/my/certificates",
        data={
            "organisation": f"department:{department.id}",
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )


@pytest.fixture
def served_yesterday(app, world, rewind, make_user):
    """张三明 was credited for yesterday's event of the department."""
    organiser, department, event_with_volunteers = world
    event, (signup,) = event_with_volunteers(people=[make_user("张三明")])
    rewind(event)
    with app.test_request_context("/"):
        attendance.confirm_hours(organiser, [signup])
    db.session.commit()
    return organiser, department, signup


def test_a_certificate_cannot_be_requested_for_days_after_today(client, auth, served_yesterday):
    _organiser, department, signup = served_yesterday
    auth.login(signup.user)
    today = to_local(utcnow()).date()
    response = _request(client, department, today - timedelta(days=5), today + timedelta(days=1))
    assert response.status_code == 200
    assert "志愿服务证明只能证明截至今天的服务" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 0
    assert _request(client, department, today - timedelta(days=5), today).status_code == 302


def test_a_request_reaching_past_today_is_not_issued(client, auth, served_yesterday):
    organiser, department, signup = served_yesterday
    today = to_local(utcnow()).date()
    old = Certificate(
        volunteer=signup.user, starts_on=today - timedelta(days=5), ends_on=today + timedelta(1)
    )
    old.organisation = department
    db.session.add(old)
    db.session.commit()
    auth.login(organiser)
    page = client.post(f"/certificates/{old.id}/issue", follow_redirects=True).get_data(
        as_text=True
    )
    assert "志愿服务证明只能证明截至今天的服务" in page
    old = db.session.get(Certificate, old.id)
    assert old.status is CertificateStatus.REQUESTED and old.number is None


def test_a_record_dated_in_the_future_is_never_certified(app, world, served_yesterday):
    organiser, department, signup = served_yesterday
    _organiser, _department, event_with_volunteers = world
    future, (ahead,) = event_with_volunteers(1, starts_at=utcnow() + timedelta(days=15))
    with app.test_request_context("/"):
        # A record written before the rule existed: the service has not happened.
        ahead.minutes = 120
        attendance._record_service(organiser, ahead)
        db.session.commit()
        today = to_local(utcnow()).date()
        assert certificates.records_for(ahead.user, department, today, today + timedelta(30)) == []
        with pytest.raises(certificates.NoRecords):
            certificates.request_certificate(
                ahead.user, department, today - timedelta(days=30), today
            )
        mine = certificates.records_for(signup.user, department, today - timedelta(5), today)
        assert [r.signup_id for r in mine] == [signup.id]
