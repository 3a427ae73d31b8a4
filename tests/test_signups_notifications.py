"""Notifications (confirmation, reminders), hours reports, and a volunteer's own data."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest

from planner import exports
from planner.accounts.models import User
from planner.extensions import db
from planner.notifications.models import Notification
from planner.signups import attendance
from planner.signups.models import ServiceRecord, Signup, SignupStatus
from planner.timeutil import from_local, local_now


def _notes(user):
    return db.session.scalars(
        db.select(Notification).where(Notification.recipient_id == user.id)
    ).all()


def _send(runner):
    result = runner.invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def test_signing_up_queues_a_notice_the_sender_writes_in_the_volunteers_language(
    client, auth, make_user, make_event, runner
):
    english, chinese = make_user(locale="en"), make_user(locale="zh_Hans_CN")
    event = make_event(title="Clean-up", shifts=(("Sweeping", 1),))
    for user in (english, chinese):
        auth.login(user)
        client.post(f"/shifts/{event.shifts[0].id}/signup")
        auth.logout()
    (confirmed,), (waiting,) = _notes(english), _notes(chinese)
    # The request wrote the kind and its arguments; nothing is written in any language yet.
    assert (confirmed.kind, json.loads(confirmed.params), confirmed.subject) == (
        "signup_confirmed",
        {"shift": event.shifts[0].id, "position": None},
        "",
    )
    assert (waiting.kind, json.loads(waiting.params)["position"]) == ("signup_waitlisted", 1)
    event.title = "Clean-up of the old town"  # the sender writes what the event says then
    db.session.commit()
    _send(runner)
    (confirmed,), (waiting,) = _notes(english), _notes(chinese)
    assert confirmed.status.value == waiting.status.value == "sent"
    assert confirmed.subject == "Sign-up confirmed: Clean-up of the old town"
    assert "Sweeping" in confirmed.body
    assert waiting.subject == "已候补：Clean-up of the old town"
    assert "候补第 1 位" in waiting.body


def test_a_notice_about_a_shift_that_is_gone_fails_with_its_reason_and_is_not_sent(
    app, make_user, runner
):
    from planner.notifications import services as notifications

    user = make_user()
    with app.test_request_context("/"):
        notifications.queue_notice(user, "signup_promoted", {"shift": 99999}, "gone:1")
        db.session.commit()
    _send(runner)
    (note,) = _notes(user)
    assert note.status.value == "failed" and "gone" in note.error and note.subject == ""


def test_the_outbox_names_a_notice_by_its_kind_until_the_sender_writes_it(
    client, auth, make_user, make_event, runner
):
    user = make_user("王小明", locale="en")
    event = make_event(title="Clean-up", shifts=(("Sweeping", 5),))
    auth.login(user)
    client.post(f"/shifts/{event.shifts[0].id}/signup")
    auth.logout()
    auth.login(make_user("管理员", admin=True))
    assert "报名成功" in client.get("/admin/outbox").get_data(as_text=True)
    _send(runner)
    assert "Sign-up confirmed: Clean-up" in client.get("/admin/outbox").get_data(as_text=True)


def test_send_reminders_queues_one_reminder_a_day_before_even_when_run_twice(
    runner, make_event, make_volunteers, sign_up, app
):
    tomorrow = from_local(datetime.combine(local_now().date() + timedelta(days=1), time(9)))
    event = make_event(starts_at=tomorrow, shifts=(("清扫", 1),))
    later = make_event(starts_at=tomorrow + timedelta(days=2), shifts=(("清扫", 5),))
    confirmed, waiting, other = make_volunteers(3)
    with app.test_request_context("/"):
        sign_up(event.shifts[0], confirmed)
        sign_up(event.shifts[0], waiting)
        sign_up(later.shifts[0], other)
    before = {u.id: len(_notes(u)) for u in (confirmed, waiting, other)}
    for _ in range(2):
        result = runner.invoke(args=["send-reminders"])
        assert result.exit_code == 0, result.output
    db.session.expire_all()
    after = {u.id: len(_notes(u)) for u in (confirmed, waiting, other)}
    assert after[confirmed.id] == before[confirmed.id] + 1
    assert after[waiting.id] == before[waiting.id] and after[other.id] == before[other.id]


@pytest.fixture
def credited(app, make_user, make_department, make_event, grant, make_team, sign_up, rewind):
    department = make_department()
    organiser = make_user("组织者")
    grant(organiser, department)
    event = make_event(hosts=(department,), shifts=(("清扫", 5),))
    volunteer = make_user("李小红")
    signup = sign_up(event.shifts[0], volunteer)
    rewind(event)  # hours are credited once the service is over
    with app.test_request_context("/"):
        attendance.set_minutes(organiser, signup, 90, "confirmed")
    db.session.commit()
    return organiser, department, volunteer, event


def test_the_hours_report_sums_a_departments_records_per_volunteer(client, auth, credited):
    organiser, department, volunteer, event = credited
    auth.login(organiser)
    month = event.starts_at.strftime("%Y-%m")
    page = client.get(f"/reports/hours?scope=department:{department.id}&month={month}").get_data(
        as_text=True
    )
    assert "李小红" in page and "1.5" in page
    csv_text = client.get(
        f"/reports/hours?scope=department:{department.id}&month={month}&format=csv"
    ).get_data(as_text=True)
    assert "李小红" in csv_text and exports.phone(volunteer.phone) in csv_text
    other_month = client.get(
        f"/reports/hours?scope=department:{department.id}&month=2020-01"
    ).get_data(as_text=True)
    assert "李小红" not in other_month
    bad = client.get(f"/reports/hours?scope=department:{department.id}&month=2024-13")
    assert bad.status_code == 200 and "李小红" not in bad.get_data(as_text=True)


def test_a_volunteer_downloads_their_own_data(client, auth, credited):
    _organiser, _department, volunteer, event = credited
    auth.login(volunteer)
    data = json.loads(client.get("/my/data.json").data)
    assert data["account"]["phone"] == volunteer.phone
    assert data["service_records"][0]["hours"] == 1.5 and data["signups"][0]["event"] == event.title


def test_deleting_an_account_anonymises_it_but_keeps_the_records(
    client, auth, credited, make_event, make_volunteers, sign_up, app
):
    _organiser, _department, volunteer, _event = credited
    upcoming = make_event(starts_at=_event.ends_at + timedelta(days=1), shifts=(("引导", 1),))
    with app.test_request_context("/"):
        mine = sign_up(upcoming.shifts[0], volunteer)
        waiting = sign_up(upcoming.shifts[0], make_volunteers(1)[0])
    auth.login(volunteer)
    assert (
        client.post("/my/account/delete", data={}).status_code == 200
    )  # not confirmed: nothing happens
    assert client.post("/my/account/delete", data={"confirm": "yes"}).status_code == 302
    user = db.session.get(User, volunteer.id)
    assert user.phone is None and user.real_name != "李小红" and user.deleted_at is not None
    assert (
        db.session.scalar(
            db.select(ServiceRecord).where(ServiceRecord.volunteer_id == user.id)
        ).minutes
        == 90
    )
    assert db.session.get(Signup, mine.id).status is SignupStatus.CANCELLED
    assert db.session.get(Signup, waiting.id).status is SignupStatus.CONFIRMED
    assert client.get("/my/volunteering").status_code == 302  # logged out


def test_the_demo_seeder_signs_up_credits_and_certifies_idempotently(app, seeded, make_event):
    from planner import demo
    from planner.directory.models import Department
    from planner.signups.models import Certificate
    from planner.timeutil import utcnow

    department = db.session.scalar(db.select(Department).where(Department.name == "市委编办"))
    make_event(hosts=(department,), shifts=(("清扫", 10),))
    past = make_event(
        hosts=(department,), shifts=(("引导", 10),), starts_at=utcnow() + timedelta(days=5)
    )
    for item in (past, past.shifts[0]):
        item.starts_at -= timedelta(days=30)
        item.ends_at -= timedelta(days=30)
    db.session.commit()

    def counts():
        return [
            db.session.scalar(db.select(db.func.count(model.id)))
            for model in (Signup, ServiceRecord, Certificate)
        ]

    demo.seed_all()
    db.session.commit()
    first = counts()
    assert first[0] >= 5 and first[1] >= 3 and first[2] == 1
    demo.seed_all()
    db.session.commit()
    assert counts() == first
