"""Sign-ups as the events and calendar features see them, through the hooks that connect them."""

from __future__ import annotations

from datetime import timedelta

from planner.events import services, workflow
from planner.extensions import db
from planner.notifications.models import Notification
from planner.signups import places
from planner.signups.models import Signup, SignupStatus


def test_cancelling_an_event_notifies_everyone_signed_up(app, make_event, make_user):
    organiser = make_user("组织者", admin=True)
    event = make_event(shifts=(("清扫", 1),))
    first, second = make_user("张一"), make_user("李二")
    places.sign_up(event.shifts[0].id, first)
    places.sign_up(event.shifts[0].id, second)  # waitlisted, and told too
    db.session.commit()
    before = db.session.scalar(db.select(db.func.count(Notification.id)))
    workflow.cancel(organiser, event, "天气原因")
    db.session.commit()
    notes = db.session.scalars(
        db.select(Notification).order_by(Notification.id).offset(before)
    ).all()
    assert {n.recipient_id for n in notes} == {first.id, second.id}


def test_raising_a_shifts_capacity_on_the_event_page_promotes_the_waitlist(
    app, make_event, make_user
):
    organiser = make_user("组织者", admin=True)
    event = make_event(shifts=(("清扫", 1),))
    shift = event.shifts[0]
    people = [make_user(f"志愿者{i}") for i in range(3)]
    for person in people:
        places.sign_up(shift.id, person)
    db.session.commit()
    services.save_shift(organiser, event, shift, shift.role, shift.starts_at, shift.ends_at, 2)
    db.session.commit()
    statuses = {s.user_id: s.status for s in db.session.scalars(db.select(Signup))}
    assert statuses == {
        people[0].id: SignupStatus.CONFIRMED,
        people[1].id: SignupStatus.CONFIRMED,
        people[2].id: SignupStatus.WAITLISTED,
    }
    assert db.session.get(type(shift), shift.id).confirmed_count == 2


def test_the_personal_feed_holds_the_events_a_volunteer_signed_up_for(
    client, make_event, make_user, make_calendar_token
):
    volunteer = make_user()
    mine = make_event(title="我报名的活动", shifts=(("清扫", 5),))
    make_event(
        title="别人的活动", shifts=(("清扫", 5),), starts_at=mine.starts_at + timedelta(days=1)
    )
    places.sign_up(mine.shifts[0].id, volunteer)
    db.session.commit()
    token = make_calendar_token(volunteer)
    body = client.get(f"/calendar/me/{token.token}.ics").get_data(as_text=True)
    assert mine.uuid in body and "别人的活动" not in body


def test_an_events_page_links_its_published_quizzes_and_the_quiz_links_back(client, make_event):
    from planner.quizzes.models import Quiz

    event = make_event(title="凤凰山社区联欢晚会")
    quiz = Quiz(title="晚会快问快答", event=event, published=True)
    hidden = Quiz(title="还没发布的竞赛", event=event, published=False)
    db.session.add_all([quiz, hidden])
    db.session.commit()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/quizzes/{quiz.id}" in page and "还没发布的竞赛" not in page
    assert f"/events/{event.id}" in client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)
