"""Cancellation cut-off, team sign-up, audience seats and who counts as a participant."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.directory.models import MembershipStatus, TeamRole
from planner.events.models import Event, EventKind
from planner.extensions import db
from planner.signups import bookings, places, reports
from planner.signups.models import SeatStatus, Signup, SignupStatus

pytestmark = pytest.mark.usefixtures("in_request")


def test_cancelling_before_the_cutoff_is_not_late(make_event, make_volunteers, sign_up):
    event = make_event(shifts=(("清扫", 5),))
    user = make_volunteers(1)[0]
    signup = sign_up(event.shifts[0], user)
    now = event.shifts[0].starts_at - timedelta(minutes=121)
    assert places.cancel(signup, user, now=now).late_cancellation is False


def test_cancelling_after_the_cutoff_is_recorded_as_late(make_event, make_volunteers, sign_up):
    event = make_event(shifts=(("清扫", 5),), cancellation_cutoff_minutes=60)
    user = make_volunteers(1)[0]
    signup = sign_up(event.shifts[0], user)
    now = event.shifts[0].starts_at - timedelta(minutes=59)
    cancelled = places.cancel(signup, user, now=now)
    assert cancelled.status is SignupStatus.CANCELLED and cancelled.late_cancellation is True


def test_a_volunteer_cannot_cancel_once_the_shift_has_started(make_event, make_volunteers, sign_up):
    event = make_event(shifts=(("清扫", 5),))
    user = make_volunteers(1)[0]
    signup = sign_up(event.shifts[0], user)
    with pytest.raises(places.AlreadyStarted):
        places.cancel(signup, user, now=event.shifts[0].starts_at + timedelta(minutes=1))
    db.session.rollback()


def test_leaving_the_waitlist_is_never_late(make_event, make_volunteers, sign_up):
    event = make_event(shifts=(("清扫", 1),))
    a, b = make_volunteers(2)
    sign_up(event.shifts[0], a)
    waiting = sign_up(event.shifts[0], b)
    cancelled = places.cancel(waiting, b, now=event.shifts[0].starts_at - timedelta(minutes=5))
    assert cancelled.late_cancellation is False


def test_a_team_leader_signs_up_several_members_each_taking_a_place(
    make_event, make_team, make_membership, make_volunteers
):
    team = make_team()
    leader, *members = make_volunteers(4)
    make_membership(team, leader, role=TeamRole.LEADER)
    for m in members:
        make_membership(team, m)
    event = make_event(shifts=(("清扫", 2),))
    done, refused = places.sign_up_members(
        leader, team, event.shifts[0].id, [m.id for m in members]
    )
    db.session.commit()
    assert refused == []
    assert sorted(s.status.value for s in done) == ["confirmed", "confirmed", "waitlisted"]
    assert all(s.team_id == team.id and s.signed_up_by_id == leader.id for s in done)


def test_a_team_leader_cannot_sign_up_someone_outside_the_team(
    make_event, make_team, make_membership, make_volunteers
):
    team = make_team()
    leader, pending, stranger = make_volunteers(3)
    make_membership(team, leader, role=TeamRole.LEADER)
    make_membership(team, pending, status=MembershipStatus.PENDING)
    event = make_event(shifts=(("清扫", 5),))
    for user in (pending, stranger):
        with pytest.raises(places.NotActiveMember):
            places.sign_up_members(leader, team, event.shifts[0].id, [user.id])
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Signup.id))) == 0


def test_team_signup_reports_a_member_busy_elsewhere_by_name(
    make_event, make_team, make_membership, make_volunteers, sign_up
):
    team = make_team()
    leader, busy, free = make_volunteers(3)
    for m in (leader, busy, free):
        make_membership(team, m)
    other = make_event(title="别的活动", shifts=(("引导", 5),))
    sign_up(other.shifts[0], busy)
    event = make_event(starts_at=other.starts_at, shifts=(("清扫", 5),))
    done, refused = places.sign_up_members(leader, team, event.shifts[0].id, [busy.id, free.id])
    assert [s.user_id for s in done] == [free.id]
    assert busy.real_name in str(refused[0].message) and "别的活动" in str(refused[0].message)


def _banquet(make_event, seats=10, party=4):
    return make_event(kind=EventKind.BANQUET, seats_capacity=seats, max_party_size=party)


def test_seat_bookings_confirm_while_parties_fit_then_wait(make_event, make_volunteers):
    event = _banquet(make_event, seats=10)
    a, b, c = make_volunteers(3)
    assert bookings.book_seats(event.id, a, 4).status is SeatStatus.CONFIRMED
    assert bookings.book_seats(event.id, b, 4).status is SeatStatus.CONFIRMED
    assert bookings.book_seats(event.id, c, 3).status is SeatStatus.WAITLISTED
    db.session.commit()
    assert db.session.get(Event, event.id).seats_confirmed == 8


def test_a_small_party_does_not_jump_a_waiting_one(make_event, make_volunteers):
    event = _banquet(make_event, seats=5)
    a, b, c = make_volunteers(3)
    bookings.book_seats(event.id, a, 4)
    assert bookings.book_seats(event.id, b, 3).status is SeatStatus.WAITLISTED
    assert bookings.book_seats(event.id, c, 1).status is SeatStatus.WAITLISTED


def test_cancelling_seats_confirms_waiting_parties_in_order(make_event, make_volunteers):
    event = _banquet(make_event, seats=5)
    a, b, c = make_volunteers(3)
    first = bookings.book_seats(event.id, a, 4)
    second = bookings.book_seats(event.id, b, 3)
    third = bookings.book_seats(event.id, c, 2)
    promoted = bookings.cancel_seats(first)
    db.session.commit()
    assert [p.id for p in promoted] == [second.id, third.id]
    assert db.session.get(Event, event.id).seats_confirmed == 5


def test_a_party_larger_than_allowed_is_refused(make_event, make_volunteers):
    event = _banquet(make_event, party=4)
    with pytest.raises(bookings.PartyTooLarge):
        bookings.book_seats(event.id, make_volunteers(1)[0], 5)
    db.session.rollback()


def test_an_event_without_seats_takes_no_bookings(make_event, make_volunteers):
    event = make_event()
    with pytest.raises(bookings.NoSeats):
        bookings.book_seats(event.id, make_volunteers(1)[0], 1)
    db.session.rollback()


def test_participants_are_everyone_holding_or_waiting_for_a_place(
    make_event, make_volunteers, sign_up
):
    event = make_event(kind=EventKind.BANQUET, seats_capacity=10, shifts=(("引导", 1),))
    a, b, c, d = make_volunteers(4)
    sign_up(event.shifts[0], a)
    sign_up(event.shifts[0], b)
    gone = sign_up(event.shifts[0], d)
    places.cancel(gone, d)
    bookings.book_seats(event.id, c, 2)
    db.session.commit()
    assert {u.id for u in reports.participants(event)} == {a.id, b.id, c.id}
