"""Changing how many places a shift has, or how many audience seats an event has.

One rule for both, whichever page or service changes it: never below what is taken (nothing
changes), and places added go to those waiting, in arrival order, who are told at once. The
database refuses more taken than there are.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from planner.events import capacity
from planner.events.models import Event, EventKind, EventStatus, Shift
from planner.events.status import EventClosed
from planner.extensions import db
from planner.notifications.models import Notification
from planner.signups import bookings, places
from planner.signups.models import SeatBooking, SeatStatus, Signup, SignupStatus
from planner.timeutil import to_local, utcnow


@pytest.fixture
def admin(make_user):
    return make_user("管理员", admin=True)


@pytest.fixture
def full_shift(make_event, make_volunteers, sign_up):
    """A shift of 2 places: 2 confirmed, 3 waiting. Returns (event, shift, signups in order)."""
    event = make_event(shifts=(("清扫", 2),))
    shift = event.shifts[0]
    rows = [sign_up(shift, user) for user in make_volunteers(5)]
    return event, shift, rows


@pytest.fixture
def full_banquet(make_event, make_volunteers):
    """6 seats: parties of 2 and 2 confirmed (4 taken), then 3, 2 and 1 waiting, in that order."""
    event = make_event(kind=EventKind.BANQUET, seats_capacity=6, max_party_size=4)
    parties = [
        bookings.book_seats(event.id, user, size)
        for user, size in zip(make_volunteers(5), (2, 2, 3, 2, 1), strict=True)
    ]
    db.session.commit()
    return event, parties


def _statuses(model, rows):
    db.session.expire_all()
    return [db.session.get(model, row.id).status for row in rows]


def _messages_to(user_id: int) -> list[str]:
    return db.session.scalars(
        db.select(Notification.subject)
        .where(Notification.recipient_id == user_id)
        .order_by(Notification.id)
    ).all()


C, W = SignupStatus.CONFIRMED, SignupStatus.WAITLISTED
SC, SW = SeatStatus.CONFIRMED, SeatStatus.WAITLISTED


# ---------------------------------------------------------------- services


def test_a_shift_cannot_get_fewer_places_than_are_confirmed_and_nothing_changes(
    app, in_request, full_shift, admin
):
    from planner.events import capacity, services

    event, shift, rows = full_shift
    with pytest.raises(capacity.CapacityBelowTaken) as info:
        capacity.change_shift_capacity(admin, shift, 1)
    assert info.value.field == "capacity"
    db.session.rollback()
    with pytest.raises(capacity.CapacityBelowTaken):
        services.save_shift(admin, event, shift, "新岗位", shift.starts_at, shift.ends_at, 1)
    db.session.rollback()
    refreshed = db.session.get(Shift, shift.id)
    assert (refreshed.capacity, refreshed.confirmed_count, refreshed.role) == (2, 2, "清扫")
    assert _statuses(Signup, rows) == [C, C, W, W, W]


def test_raising_a_shifts_places_promotes_the_waitlisted_in_arrival_order_and_tells_them(
    app, in_request, full_shift, admin
):
    from planner.events import capacity

    _event, shift, rows = full_shift
    promoted = capacity.change_shift_capacity(admin, shift, 4)
    db.session.commit()
    assert [s.id for s in promoted] == [rows[2].id, rows[3].id]
    assert _statuses(Signup, rows) == [C, C, C, C, W]
    assert db.session.get(Shift, shift.id).confirmed_count == 4
    assert len(_messages_to(rows[2].user_id)) == 2  # waitlisted, then promoted
    assert len(_messages_to(rows[4].user_id)) == 1


def test_raising_places_in_the_shift_form_service_promotes_too(app, in_request, full_shift, admin):
    from planner.events import services

    event, shift, rows = full_shift
    services.save_shift(admin, event, shift, shift.role, shift.starts_at, shift.ends_at, 3)
    db.session.commit()
    assert _statuses(Signup, rows) == [C, C, C, W, W]


def test_seats_cannot_go_below_those_booked_and_nothing_changes(
    app, in_request, full_banquet, admin
):
    from planner.events import capacity, services

    event, parties = full_banquet
    with pytest.raises(capacity.CapacityBelowTaken) as info:
        capacity.change_seats(admin, event, 3)
    assert info.value.field == "seats_capacity"
    db.session.rollback()
    for seats in (1, None):  # no seats at all while four are booked: refused too
        with pytest.raises(capacity.CapacityBelowTaken):
            services.update_event(admin, event, _details(event, seats_capacity=seats, title="新"))
        db.session.rollback()
    refreshed = db.session.get(Event, event.id)
    assert (refreshed.seats_capacity, refreshed.seats_confirmed, refreshed.title) == (
        6,
        4,
        event.title,
    )
    assert _statuses(SeatBooking, parties) == [SC, SC, SW, SW, SW]


def test_raising_seats_confirms_waiting_parties_that_fit_in_arrival_order_and_tells_them(
    app, in_request, full_banquet, admin
):
    from planner.events import capacity

    event, parties = full_banquet
    # 2 more seats free: the party of 3 fits, the party of 2 behind it does not, and the party
    # of 1 does not jump it.
    promoted = capacity.change_seats(admin, event, 8)
    db.session.commit()
    assert [p.id for p in promoted] == [parties[2].id]
    assert _statuses(SeatBooking, parties) == [SC, SC, SC, SW, SW]
    assert db.session.get(Event, event.id).seats_confirmed == 7
    assert len(_messages_to(parties[2].user_id)) == 1
    assert _messages_to(parties[3].user_id) == []
    capacity.change_seats(admin, db.session.get(Event, event.id), 10)
    db.session.commit()
    assert _statuses(SeatBooking, parties) == [SC] * 5


def test_raising_seats_in_the_event_form_service_promotes_the_waiting_parties(
    app, in_request, full_banquet, admin
):
    from planner.events import services

    event, parties = full_banquet
    services.update_event(admin, event, _details(event, seats_capacity=12))
    db.session.commit()
    assert _statuses(SeatBooking, parties) == [SC] * 5
    assert db.session.get(Event, event.id).seats_confirmed == 10


def test_cancelling_seats_tells_the_parties_it_confirms(app, in_request, full_banquet):
    _event, parties = full_banquet
    bookings.cancel_seats(parties[0])
    db.session.commit()
    assert _statuses(SeatBooking, parties)[2] is SC
    assert len(_messages_to(parties[2].user_id)) == 1


def test_editing_the_following_occurrences_refuses_seats_below_those_booked_in_any(
    app, in_request, make_event, make_volunteers, admin
):
    from planner.events import capacity, series, workflow

    event = make_event(kind=EventKind.BANQUET, seats_capacity=6)
    until = (to_local(event.starts_at) + timedelta(days=14)).date()
    later = series.make_series(admin, event, "weekly", until)
    db.session.commit()
    last = later[-1]
    workflow.publish(admin, last)
    bookings.book_seats(last.id, make_volunteers(1)[0], 4)
    db.session.commit()
    with pytest.raises(capacity.CapacityBelowTaken):
        series.update_following(admin, event, _details(event, seats_capacity=2))
    db.session.rollback()
    seats = db.session.scalars(db.select(Event.seats_capacity).where(Event.series_id.isnot(None)))
    assert set(seats) == {6}


def _details(event, **changes):
    from planner.events.services import EventDetails

    values = {
        name: getattr(event, name)
        for name in (
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "campaign_id",
            "community_id",
            "venue",
            "address",
            "latitude",
            "longitude",
            "description",
            "seats_capacity",
            "max_party_size",
        )
    }
    return EventDetails(**{**values, **changes})


# ---------------------------------------------------------------- the database


def test_the_database_refuses_more_confirmed_volunteers_than_places(app, make_event):
    shift = make_event(shifts=(("清扫", 2),)).shifts[0]
    with pytest.raises(IntegrityError):
        db.session.execute(db.update(Shift).where(Shift.id == shift.id).values(confirmed_count=3))
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_more_booked_seats_than_an_event_has(app, make_event):
    event = make_event(kind=EventKind.BANQUET, seats_capacity=4)
    with pytest.raises(IntegrityError):
        db.session.execute(db.update(Event).where(Event.id == event.id).values(seats_confirmed=5))
        db.session.flush()
    db.session.rollback()
    no_seats = make_event()
    with pytest.raises(IntegrityError):
        db.session.execute(
            db.update(Event).where(Event.id == no_seats.id).values(seats_confirmed=1)
        )
        db.session.flush()
    db.session.rollback()


# ---------------------------------------------------------------- the pages


@pytest.fixture
def organiser_in(client, auth, make_user, make_department, grant):
    """An organiser of a department, logged in; returns the department."""
    user = make_user("组织者")
    department = make_department()
    grant(user, department)
    auth.login(user)
    return department


def _whole_minute():
    """Three days ahead on a whole minute, as a form gives it back."""
    return (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)


def _local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def _shift_form(shift, capacity: int) -> dict:
    return {
        "role": shift.role,
        "starts_at": _local(shift.starts_at),
        "ends_at": _local(shift.ends_at),
        "capacity": str(capacity),
    }


def _event_form(event, seats) -> dict:
    return {
        "title": event.title,
        "kind": event.kind.value,
        "starts_at": _local(event.starts_at),
        "ends_at": _local(event.ends_at),
        "community_id": "None",
        "campaign_id": "None",
        "venue": event.venue,
        "seats_capacity": "" if seats is None else str(seats),
        "max_party_size": str(event.max_party_size),
    }


def _hosted_shift(make_event, make_volunteers, sign_up, department):
    event = make_event(hosts=(department,), shifts=(("清扫", 2),), starts_at=_whole_minute())
    shift = event.shifts[0]
    rows = [sign_up(shift, user) for user in make_volunteers(4)]
    return event, shift, rows


def test_the_roster_and_shift_forms_refuse_fewer_places_than_confirmed(
    client, organiser_in, make_event, make_volunteers, sign_up
):
    event, shift, rows = _hosted_shift(make_event, make_volunteers, sign_up, organiser_in)
    headers = {"Accept-Language": "en"}
    roster = client.post(
        f"/shifts/{shift.id}/capacity",
        data={"capacity": "1"},
        headers=headers,
        follow_redirects=True,
    )
    assert "Already taken: 2" in roster.get_data(as_text=True)
    edit = client.post(
        f"/events/{event.id}/shifts/{shift.id}/edit", data=_shift_form(shift, 1), headers=headers
    )
    assert edit.status_code == 200 and "Already taken: 2" in edit.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Shift, shift.id).capacity == 2
    assert _statuses(Signup, rows) == [C, C, W, W]


def test_the_roster_and_shift_forms_promote_the_waitlist_when_places_are_added(
    client, organiser_in, make_event, make_volunteers, sign_up
):
    event, shift, rows = _hosted_shift(make_event, make_volunteers, sign_up, organiser_in)
    assert f"/shifts/{shift.id}/capacity" in client.get(f"/events/{event.id}/roster").get_data(
        as_text=True
    )
    assert client.post(f"/shifts/{shift.id}/capacity", data={"capacity": "3"}).status_code == 302
    assert _statuses(Signup, rows) == [C, C, C, W]
    edit = client.post(f"/events/{event.id}/shifts/{shift.id}/edit", data=_shift_form(shift, 4))
    assert edit.status_code == 302
    assert _statuses(Signup, rows) == [C, C, C, C]


@pytest.mark.parametrize("status", [EventStatus.COMPLETED, EventStatus.CANCELLED])
def test_places_of_a_closed_event_no_longer_change_nor_promote(
    client, organiser_in, make_event, make_volunteers, sign_up, status
):
    event, shift, rows = _hosted_shift(make_event, make_volunteers, sign_up, organiser_in)
    event.status = status
    db.session.commit()
    roster = client.post(
        f"/shifts/{shift.id}/capacity",
        data={"capacity": "4"},
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    page = roster.get_data(as_text=True)
    assert "can no longer be changed" in page
    assert f"/shifts/{shift.id}/capacity" not in page  # the roster offers no form it would refuse
    db.session.expire_all()
    assert db.session.get(Shift, shift.id).capacity == 2
    assert _statuses(Signup, rows) == [C, C, W, W]
    with pytest.raises(EventClosed):
        capacity.change_seats(None, db.session.get(Event, event.id), 10)


def test_the_event_form_refuses_fewer_seats_than_booked(
    client, organiser_in, make_event, make_volunteers
):
    event = make_event(
        kind=EventKind.BANQUET, hosts=(organiser_in,), starts_at=_whole_minute(), seats_capacity=6
    )
    for user in make_volunteers(2):
        bookings.book_seats(event.id, user, 2)
    db.session.commit()
    for seats in (1, None):
        response = client.post(
            f"/events/{event.id}/edit",
            data=_event_form(event, seats),
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 200
        assert "Already taken: 4" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).seats_capacity == 6


def test_the_event_form_gives_added_seats_to_waiting_parties(
    client, organiser_in, make_event, make_volunteers
):
    event = make_event(
        kind=EventKind.BANQUET, hosts=(organiser_in,), starts_at=_whole_minute(), seats_capacity=4
    )
    parties = [bookings.book_seats(event.id, user, 2) for user in make_volunteers(4)]
    db.session.commit()
    assert _statuses(SeatBooking, parties) == [SC, SC, SW, SW]
    response = client.post(f"/events/{event.id}/edit", data=_event_form(event, 7))
    assert response.status_code == 302
    assert _statuses(SeatBooking, parties) == [SC, SC, SC, SW]
    assert db.session.get(Event, event.id).seats_confirmed == 6


def test_a_copied_event_starts_with_its_places_and_seats_free(app, in_request, full_banquet, admin):
    from planner.events import series

    event, _parties = full_banquet
    copy = series.duplicate(admin, event)
    db.session.commit()
    assert (copy.seats_capacity, copy.seats_confirmed) == (6, 0)
    assert copy.starts_at > utcnow()


# ---------------------------------------------------------------- under concurrency


def test_capacity_changes_racing_signups_leave_the_earliest_arrivals_confirmed(
    app, make_event, make_volunteers, make_user
):
    import threading

    from planner.accounts.models import User
    from planner.events import capacity

    shift_id = make_event(shifts=(("清扫", 5),)).shifts[0].id
    admin_id = make_user("管理员", admin=True).id
    user_ids = [u.id for u in make_volunteers(20)]
    start = threading.Barrier(len(user_ids) + 2)
    errors = []

    def worker(action):
        with app.app_context(), app.test_request_context("/"):
            try:
                start.wait(timeout=60)
                action()
                db.session.commit()
            except capacity.CapacityBelowTaken:
                db.session.rollback()
            except Exception as exc:  # reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    def sign_up(user_id):
        return lambda: places.sign_up(shift_id, db.session.get(User, user_id))

    def change(places):
        return lambda: capacity.change_shift_capacity(
            db.session.get(User, admin_id), db.session.get(Shift, shift_id), places
        )

    actions = [sign_up(uid) for uid in user_ids] + [change(12), change(3)]
    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    shift = db.session.get(Shift, shift_id)
    rows = db.session.scalars(
        db.select(Signup).where(Signup.shift_id == shift_id).order_by(Signup.arrival)
    ).all()
    confirmed = [r for r in rows if r.status is C]
    assert shift.confirmed_count == len(confirmed) == min(shift.capacity, 20)
    assert [r.arrival for r in confirmed] == list(range(1, len(confirmed) + 1))
