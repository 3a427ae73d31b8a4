"""The pages: sign-up in three taps, my volunteering, the organiser's roster and its exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask import render_template_string
from flask_login import login_user
from openpyxl import load_workbook

from planner.events.models import Event, EventKind, Shift
from planner.extensions import db
from planner.signups import attendance, bookings, reports
from planner.signups.models import SeatBooking, Signup, SignupStatus
from planner.timeutil import utcnow
from tests.conftest import PASSWORD

CONFIRMED = {"confirmed": "yes"}
SHIFT_LOOP = (
    "{% for shift in event.shifts %}{{ personal('shift', shift.id, event.id, 1) }}{% endfor %}"
)


def test_a_logged_out_volunteer_logs_in_and_returns_to_the_same_shift(
    client, make_user, make_event
):
    user = make_user()
    event = make_event(shifts=(("清扫", 5),))
    path = f"/shifts/{event.shifts[0].id}/signup"
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.location
    login_page = client.get(response.location).get_data(as_text=True)
    assert f'href="/register?next={path}"' in login_page  # registering keeps the way back
    response = client.post(
        f"/login?next={path}", data={"phone": user.local_phone, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.location.endswith(path)


def test_signing_up_takes_one_page_and_one_button(client, auth, make_user, make_event):
    user = make_user()
    event = make_event(shifts=(("清扫", 5),))
    auth.login(user)
    path = f"/shifts/{event.shifts[0].id}/signup"
    page = client.get(path).get_data(as_text=True)
    assert 'method="post"' in page and "清扫" in page
    response = client.post(path)
    assert response.status_code == 302
    signup = db.session.scalar(db.select(Signup).where(Signup.user_id == user.id))
    assert signup.status is SignupStatus.CONFIRMED
    assert f"/signups/{signup.id}/cancel" in client.get(path).get_data(as_text=True)
    assert client.post(f"/signups/{signup.id}/cancel", data=CONFIRMED).status_code == 302
    assert db.session.get(Signup, signup.id).status is SignupStatus.CANCELLED


def test_the_signup_post_says_how_it_went_on_the_page_without_rewriting_the_session(
    client, auth, make_user, make_event
):
    event = make_event(shifts=(("清扫", 1),))
    path = f"/shifts/{event.shifts[0].id}/signup"
    auth.login(make_user("甲"))
    response = client.post(path)
    assert response.status_code == 302 and response.location == f"{path}?done=1"
    assert "Set-Cookie" not in response.headers
    assert "报名成功，到时见！" in client.get(response.location).get_data(as_text=True)
    assert "报名成功" not in client.get(path).get_data(as_text=True)
    auth.logout()
    auth.login(make_user("乙"))
    page = client.get(client.post(path).location).get_data(as_text=True)
    assert "该岗位已满：您已进入候补" in page and "候补第 1 位" in page


def test_a_refused_signup_post_flashes_the_reason(client, auth, make_user, make_event):
    first = make_event(title="洁净家园", shifts=(("清扫", 5),))
    second = make_event(title="百家宴", starts_at=first.starts_at, shifts=(("引导", 5),))
    auth.login(make_user())
    client.post(f"/shifts/{first.shifts[0].id}/signup")
    response = client.post(f"/shifts/{second.shifts[0].id}/signup")
    assert response.location == f"/shifts/{second.shifts[0].id}/signup"
    page = client.get(response.location).get_data(as_text=True)
    assert "洁净家园" in page and "清扫" in page
    assert (
        db.session.scalar(db.select(Signup).where(Signup.shift_id == second.shifts[0].id)) is None
    )


def test_signing_up_for_an_unknown_shift_is_not_found(client, auth, make_user):
    auth.login(make_user())
    assert client.post("/shifts/999999/signup").status_code == 404


def test_the_signup_post_runs_the_same_few_queries_however_busy_the_volunteer(
    client, auth, make_user, make_event, sign_up, count_queries
):
    busy, idle = make_user("忙"), make_user("闲")
    for day in range(1, 11):  # ten sign-ups on other days
        other = make_event(starts_at=utcnow() + timedelta(days=3 + day), shifts=(("清扫", 5),))
        sign_up(other.shifts[0], busy)
    counts = []
    for user in (idle, busy):
        path = f"/shifts/{make_event(shifts=(('引导', 5),)).shifts[0].id}/signup"
        auth.login(user)
        with count_queries() as counter:
            assert client.post(path).status_code == 302
        auth.logout()
        counts.append(counter.count)
    # The user, the shift's lock and row (one statement on PostgreSQL), the volunteer's rows, the
    # place, the new row with its arrival, the outbox's duplicate check and its row.
    assert counts[0] == counts[1] <= 8


def test_a_volunteer_cannot_cancel_someone_elses_signup(
    client, auth, make_user, make_event, sign_up
):
    event = make_event(shifts=(("清扫", 5),))
    signup = sign_up(event.shifts[0], make_user("甲"))
    auth.login(make_user("乙"))
    assert client.post(f"/signups/{signup.id}/cancel", data=CONFIRMED).status_code == 403
    assert client.post("/signups/9999/cancel", data=CONFIRMED).status_code == 404


def test_the_shift_partial_shows_places_and_the_users_waitlist_position(
    app, make_user, make_event, make_volunteers, sign_up, count_queries
):
    event = make_event(shifts=(("清扫", 1), ("引导", 3), ("后勤", 2)))
    other, me = make_volunteers(2)
    sign_up(event.shifts[0], other)
    sign_up(event.shifts[0], me)
    event = db.session.get(Event, event.id)
    with app.test_request_context("/"):
        login_user(me)
        _ = [s.capacity for s in event.shifts]
        with count_queries() as loading:
            reports.my_places(event.id)
        with count_queries() as rendering:
            html = render_template_string(SHIFT_LOOP, event=event)
    assert loading.count == 1  # the user's sign-ups for the whole event, in one query
    assert rendering.count == 0  # the view loads them; templates never query
    assert "/signups/" in html
    assert (
        f"/shifts/{event.shifts[1].id}/signup" in html
        and f"/shifts/{event.shifts[2].id}/signup" in html
    )


def test_my_volunteering_shows_waitlist_positions_and_hours(
    client, auth, make_user, make_event, make_volunteers, sign_up
):
    me = make_user("我")
    event = make_event(shifts=(("引导", 1),))
    sign_up(event.shifts[0], make_volunteers(1)[0])
    sign_up(event.shifts[0], me)
    done = make_event(
        title="上周的活动", shifts=(("清扫", 5),), starts_at=event.starts_at + timedelta(days=1)
    )
    signup = sign_up(done.shifts[0], me)
    for item in (done, done.shifts[0]):  # it took place last week
        item.starts_at -= timedelta(days=10)
        item.ends_at -= timedelta(days=10)
    with client.application.test_request_context("/"):
        attendance.set_minutes(make_user(admin=True), signup, 135, "test")
    db.session.commit()
    auth.login(me)
    page = client.get("/my/volunteering").get_data(as_text=True)
    assert "2.25" in page and event.title in page and "候补" in page


@pytest.fixture
def roster_world(make_user, make_department, make_event, make_volunteers, grant):
    department = make_department()
    organiser = make_user("组织者")
    grant(organiser, department)
    event = make_event(hosts=(department,), shifts=(("清扫", 500), ("引导", 500)))
    return event, organiser


def _fill(event, volunteers):
    for i, user in enumerate(volunteers):
        shift = event.shifts[i % 2]
        db.session.add(
            Signup(shift_id=shift.id, user_id=user.id, status=SignupStatus.CONFIRMED, arrival=i + 1)
        )
    db.session.commit()


def test_the_roster_runs_the_same_number_of_queries_for_10_and_300_signups(
    client, auth, roster_world, make_event, make_volunteers, count_queries
):
    event, organiser = roster_world
    auth.login(organiser)
    counts = []
    for n in (10, 300):
        db.session.execute(db.delete(Signup))
        db.session.commit()
        _fill(event, make_volunteers(n, prefix=f"批{n}-"))
        with count_queries() as counter:
            response = client.get(f"/events/{event.id}/roster")
        assert response.status_code == 200
        counts.append(counter.count)
        print(counter.statements)
    assert counts[0] == counts[1]


def test_the_roster_shows_organisers_full_phone_numbers(
    client, auth, roster_world, make_volunteers
):
    event, organiser = roster_world
    volunteer = make_volunteers(1)[0]
    _fill(event, [volunteer])
    auth.login(organiser)
    page = client.get(f"/events/{event.id}/roster").get_data(as_text=True)
    assert volunteer.local_phone in page and volunteer.real_name in page


def test_roster_exports_list_every_signup_with_full_numbers(
    client, auth, roster_world, make_volunteers
):
    event, organiser = roster_world
    volunteers = make_volunteers(3)
    _fill(event, volunteers)
    auth.login(organiser)
    response = client.get(f"/events/{event.id}/roster.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {v.real_name for v in volunteers}
    assert {r[2].replace(" ", "") for r in rows[1:]} == {v.local_phone for v in volunteers}
    book = load_workbook(io.BytesIO(client.get(f"/events/{event.id}/roster.xlsx").data))
    assert book.active.max_row == 4


def test_raising_capacity_on_the_roster_promotes_the_waitlist(
    client, auth, roster_world, make_event, make_volunteers, grant, sign_up
):
    event, organiser = roster_world
    shift = event.shifts[0]
    shift.capacity = 1
    db.session.commit()
    first, second = make_volunteers(2)
    sign_up(shift, first)
    waiting = sign_up(shift, second)
    auth.login(organiser)
    assert client.post(f"/shifts/{shift.id}/capacity", data={"capacity": "2"}).status_code == 302
    assert db.session.get(Signup, waiting.id).status is SignupStatus.CONFIRMED
    client.post(f"/shifts/{shift.id}/capacity", data={"capacity": "abc"})
    assert db.session.get(Shift, shift.id).capacity == 2


def test_bulk_confirm_credits_hours_to_everyone_attending(
    client, auth, roster_world, make_volunteers, sign_up, rewind
):
    event, organiser = roster_world
    a, b = make_volunteers(2)
    sa, sb = sign_up(event.shifts[0], a), sign_up(event.shifts[0], b)
    rewind(event)
    auth.login(organiser)
    client.post(f"/signups/{sb.id}/no_show")
    path = f"/events/{event.id}/roster/confirm-hours"
    page = client.post(path).get_data(as_text=True)  # first: whom it would credit
    assert db.session.get(Signup, sa.id).minutes is None
    client.post(
        path,
        data={"signup_id": re.findall(r'name="signup_id" value="(\d+)"', page), "confirm": "1"},
    )
    assert db.session.get(Signup, sa.id).minutes == 120
    assert db.session.get(Signup, sb.id).minutes is None


def test_a_correction_request_with_bad_hours_is_refused_with_a_message(
    client, auth, make_user, make_event, sign_up, rewind
):
    me = make_user()
    event = make_event(shifts=(("清扫", 5),))
    signup = sign_up(event.shifts[0], me)
    rewind(event)
    with client.application.test_request_context("/"):
        attendance.set_minutes(make_user(admin=True), signup, 120, "test")
    db.session.commit()
    auth.login(me)
    response = client.post(f"/signups/{signup.id}/correction", data={"hours": "2.1", "reason": "x"})
    assert response.status_code == 200 and "0.25" in response.get_data(as_text=True)
    response = client.post(
        f"/signups/{signup.id}/correction", data={"hours": "2.5", "reason": "提前到"}
    )
    assert response.status_code == 302


def test_a_team_leader_signs_up_members_from_the_page(
    client, auth, make_team, make_membership, make_volunteers, make_user, make_event
):
    from planner.directory.models import TeamRole

    team = make_team()
    leader = make_user("队长")
    make_membership(team, leader, role=TeamRole.LEADER)
    members = make_volunteers(2)
    for m in members:
        make_membership(team, m)
    event = make_event(shifts=(("清扫", 5),))
    auth.login(leader)
    path = f"/shifts/{event.shifts[0].id}/team-signup"
    assert members[0].real_name in client.get(path).get_data(as_text=True)
    response = client.post(
        path, data={"team_id": team.id, "user_ids": [m.id for m in members], "submit": "1"}
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Signup.id))) == 2


def test_booking_seats_with_a_bad_party_size_saves_nothing(client, auth, make_user, make_event):
    event = make_event(kind=EventKind.BANQUET, seats_capacity=20, max_party_size=4)
    auth.login(make_user())
    for bad in ("0", "9", "abc"):
        assert client.post(f"/events/{event.id}/seats", data={"party_size": bad}).status_code == 200
    assert db.session.scalar(db.select(db.func.count(SeatBooking.id))) == 0
    assert client.post(f"/events/{event.id}/seats", data={"party_size": "3"}).status_code == 302
    assert db.session.get(Event, event.id).seats_confirmed == 3


def test_the_seats_page_and_the_event_page_say_the_same_seats_free_and_booking(
    client, auth, make_user, make_event
):
    event = make_event(kind=EventKind.BANQUET, seats_capacity=10, max_party_size=4)
    other, me = make_user(), make_user()
    for user, size in ((other, 4), (me, 3)):
        auth.login(user)
        assert (
            client.post(f"/events/{event.id}/seats", data={"party_size": size}).status_code == 302
        )
        auth.logout()
    auth.login(me)
    seats_page = client.get(f"/events/{event.id}/seats").get_data(as_text=True)
    event_page = client.get(f"/events/{event.id}").get_data(as_text=True)
    for page in (seats_page, event_page):
        assert "余 3 个席位（共 10 个）" in page
    booking = db.session.scalar(db.select(SeatBooking).where(SeatBooking.user_id == me.id))
    assert "您已预约 3 个席位" in seats_page
    assert f"/seats/{booking.id}/cancel" in seats_page


def test_participants_is_exposed_for_the_events_service(make_event):
    assert callable(reports.participants)


def test_the_seat_partial_shows_seats_left_and_the_users_booking(
    app, make_event, make_volunteers, count_queries
):
    event = make_event(kind=EventKind.BANQUET, seats_capacity=10, max_party_size=4)
    me = make_volunteers(1)[0]
    with app.test_request_context("/"):
        bookings.book_seats(event.id, me, 3)
        db.session.commit()
        login_user(me)
        event = db.session.get(Event, event.id)
        with count_queries() as loading:
            reports.my_seat_places(event.id)
        with count_queries() as rendering:
            html = render_template_string("{{ personal('seats', event.id, 1) }}", event=event)
    assert loading.count == 1 and rendering.count == 0  # templates never query
    assert f"/events/{event.id}/seats" in html and "3" in html


def test_an_organiser_cancels_from_the_roster_and_returns_to_it(
    client, auth, roster_world, make_volunteers, sign_up
):
    event, organiser = roster_world
    signup = sign_up(event.shifts[0], make_volunteers(1)[0])
    auth.login(organiser)
    response = client.post(
        f"/signups/{signup.id}/cancel",
        data={"next": f"/events/{event.id}/roster", "confirmed": "yes"},
    )
    assert response.location.endswith(f"/events/{event.id}/roster")
    assert db.session.get(Signup, signup.id).status is SignupStatus.CANCELLED
