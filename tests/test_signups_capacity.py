"""Capacity under concurrency, the waitlist and its order, duplicates and overlaps."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from planner.accounts.models import User
from planner.events import capacity
from planner.events.models import Shift
from planner.extensions import db
from planner.notifications.models import Notification
from planner.signups import bookings, places
from planner.signups.models import Signup, SignupStatus

pytestmark = pytest.mark.usefixtures("in_request")


def _signups(shift_id):
    return db.session.scalars(
        db.select(Signup).where(Signup.shift_id == shift_id).order_by(Signup.arrival)
    ).all()


def test_a_hundred_and_twenty_concurrent_signups_fill_twenty_places_exactly(
    app, make_event, make_volunteers
):
    event = make_event(shifts=(("清扫", 20),))
    shift_id = event.shifts[0].id
    user_ids = [u.id for u in make_volunteers(120)]
    start = threading.Barrier(len(user_ids))
    errors = []

    def worker(user_id):
        with app.app_context():
            try:
                start.wait(timeout=60)
                places.sign_up(shift_id, db.session.get(User, user_id))
                db.session.commit()
            except Exception as exc:  # reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = _signups(shift_id)
    assert len(rows) == 120
    assert len({r.user_id for r in rows}) == 120
    confirmed = [r for r in rows if r.status is SignupStatus.CONFIRMED]
    waitlisted = [r for r in rows if r.status is SignupStatus.WAITLISTED]
    assert len(confirmed) == 20 and len(waitlisted) == 100
    # Arrival order: the first twenty to arrive hold the places, the rest wait behind them.
    assert [r.arrival for r in rows] == list(range(1, 121))
    assert {r.arrival for r in confirmed} == set(range(1, 21))
    assert [places.waitlist_position(r) for r in waitlisted] == list(range(1, 101))
    assert db.session.get(Shift, shift_id).confirmed_count == 20


def test_concurrent_double_signups_by_one_volunteer_make_one_signup(
    app, make_event, make_volunteers
):
    event = make_event(shifts=(("清扫", 5),))
    shift_id = event.shifts[0].id
    user_id = make_volunteers(1)[0].id
    start = threading.Barrier(10)
    errors = []

    def worker():
        with app.app_context():
            try:
                start.wait(timeout=60)
                places.sign_up(shift_id, db.session.get(User, user_id))
                db.session.commit()
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(_signups(shift_id)) == 1
    assert db.session.get(Shift, shift_id).confirmed_count == 1


def test_signing_up_twice_returns_the_same_signup(make_event, make_volunteers, sign_up):
    event = make_event(shifts=(("清扫", 5),))
    user = make_volunteers(1)[0]
    first = sign_up(event.shifts[0], user)
    second = sign_up(event.shifts[0], user)
    assert first.id == second.id
    assert db.session.get(Shift, event.shifts[0].id).confirmed_count == 1


def test_a_signup_leaves_no_stale_places_on_a_shift_already_loaded(make_event, make_volunteers):
    event = make_event(shifts=(("清扫", 1),))
    shift = db.session.get(Shift, event.shifts[0].id)
    assert shift.confirmed_count == 0
    outcome = places.sign_up_outcome(shift.id, make_volunteers(1)[0])
    assert outcome.status is SignupStatus.CONFIRMED and outcome.position is None
    assert shift.confirmed_count == 1 and shift.remaining == 0
    waiting = places.sign_up_outcome(shift.id, make_volunteers(1)[0])
    assert waiting.status is SignupStatus.WAITLISTED and waiting.position == 1
    db.session.commit()


def test_the_signup_table_refuses_a_second_row_for_the_same_shift_and_volunteer(
    make_event, make_volunteers
):
    from sqlalchemy.exc import IntegrityError

    event = make_event(shifts=(("清扫", 5),))
    user = make_volunteers(1)[0]
    for _ in range(2):
        db.session.add(
            Signup(shift_id=event.shifts[0].id, user_id=user.id, status=SignupStatus.CONFIRMED)
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_full_shift_puts_newcomers_on_the_waitlist_with_their_position(
    make_event, make_volunteers, sign_up
):
    event = make_event(shifts=(("引导", 1),))
    a, b, c = make_volunteers(3)
    assert sign_up(event.shifts[0], a).status is SignupStatus.CONFIRMED
    sb = sign_up(event.shifts[0], b)
    sc = sign_up(event.shifts[0], c)
    assert sb.status is SignupStatus.WAITLISTED
    assert places.waitlist_position(sb) == 1
    assert places.waitlist_position(sc) == 2


def test_cancelling_a_confirmed_signup_promotes_the_first_waitlisted(
    make_event, make_volunteers, sign_up
):
    event = make_event(shifts=(("引导", 1),))
    a, b, c = make_volunteers(3)
    sa = sign_up(event.shifts[0], a)
    sb = sign_up(event.shifts[0], b)
    sc = sign_up(event.shifts[0], c)
    places.cancel(sa, a)
    db.session.commit()
    assert db.session.get(Signup, sb.id).status is SignupStatus.CONFIRMED
    assert db.session.get(Signup, sc.id).status is SignupStatus.WAITLISTED
    assert places.waitlist_position(db.session.get(Signup, sc.id)) == 1
    subjects = db.session.scalars(
        db.select(Notification.subject).where(Notification.recipient_id == b.id)
    ).all()
    assert len(subjects) == 2  # waitlisted, then promoted
    assert db.session.get(Shift, event.shifts[0].id).confirmed_count == 1


def test_raising_capacity_promotes_waitlisted_in_arrival_order(
    make_event, make_volunteers, make_user, sign_up
):
    event = make_event(shifts=(("引导", 1),))
    users = make_volunteers(4)
    rows = [sign_up(event.shifts[0], u) for u in users]
    capacity.change_shift_capacity(make_user("管理员", admin=True), event.shifts[0], 3)
    db.session.commit()
    statuses = [db.session.get(Signup, r.id).status for r in rows]
    assert statuses == [SignupStatus.CONFIRMED] * 3 + [SignupStatus.WAITLISTED]


def test_capacity_cannot_drop_below_the_confirmed_places(
    make_event, make_volunteers, make_user, sign_up
):
    event = make_event(shifts=(("引导", 3),))
    for u in make_volunteers(2):
        sign_up(event.shifts[0], u)
    with pytest.raises(capacity.CapacityBelowTaken):
        capacity.change_shift_capacity(make_user("管理员", admin=True), event.shifts[0], 1)
    db.session.rollback()


def test_a_cancelled_volunteer_who_signs_up_again_joins_the_end_of_the_queue(
    make_event, make_volunteers, sign_up
):
    event = make_event(shifts=(("引导", 1),))
    a, b = make_volunteers(2)
    sa = sign_up(event.shifts[0], a)
    sign_up(event.shifts[0], b)
    places.cancel(sa, a)
    db.session.commit()
    again = sign_up(event.shifts[0], a)
    assert again.id == sa.id
    assert again.status is SignupStatus.WAITLISTED
    assert places.waitlist_position(again) == 1


def test_overlapping_shifts_are_refused_naming_the_other_shift(
    make_event, make_volunteers, sign_up
):
    first = make_event(title="洁净家园", shifts=(("清扫", 5),))
    second = make_event(
        title="百家宴", starts_at=first.starts_at + timedelta(hours=1), shifts=(("引导", 5),)
    )
    user = make_volunteers(1)[0]
    sign_up(first.shifts[0], user)
    with pytest.raises(places.ShiftOverlap) as info:
        places.sign_up(second.shifts[0].id, user)
    assert "清扫" in str(info.value.message) and "洁净家园" in str(info.value.message)
    db.session.rollback()


def test_back_to_back_shifts_do_not_overlap(make_event, make_volunteers, sign_up):
    first = make_event(shifts=(("清扫", 5),), hours=2)
    second = make_event(starts_at=first.ends_at, shifts=(("引导", 5),))
    user = make_volunteers(1)[0]
    sign_up(first.shifts[0], user)
    assert sign_up(second.shifts[0], user).status is SignupStatus.CONFIRMED


def test_a_draft_event_takes_no_signups(make_event, make_volunteers):
    from planner.events.models import EventStatus

    event = make_event(status=EventStatus.DRAFT, shifts=(("清扫", 5),))
    with pytest.raises(places.SignupClosed):
        places.sign_up(event.shifts[0].id, make_volunteers(1)[0])
    db.session.rollback()


def test_a_started_shift_takes_no_signups(make_event, make_volunteers):
    from planner.timeutil import utcnow

    event = make_event(starts_at=utcnow() - timedelta(minutes=5), shifts=(("清扫", 5),))
    with pytest.raises(places.AlreadyStarted):
        places.sign_up(event.shifts[0].id, make_volunteers(1)[0])
    db.session.rollback()


def test_concurrent_seat_bookings_never_exceed_the_seats(app, make_event, make_volunteers):
    from planner.events.models import Event, EventKind
    from planner.signups.models import SeatBooking, SeatStatus

    event = make_event(kind=EventKind.BANQUET, seats_capacity=20, max_party_size=4)
    user_ids = [u.id for u in make_volunteers(30)]
    start = threading.Barrier(len(user_ids))
    errors = []

    def worker(user_id):
        with app.app_context():
            try:
                start.wait(timeout=60)
                bookings.book_seats(event.id, db.session.get(User, user_id), 3)
                db.session.commit()
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    statuses = db.session.scalars(db.select(SeatBooking.status)).all()
    assert statuses.count(SeatStatus.CONFIRMED) == 6 and statuses.count(SeatStatus.WAITLISTED) == 24
    assert db.session.get(Event, event.id).seats_confirmed == 18
