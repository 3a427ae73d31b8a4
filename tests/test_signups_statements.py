"""What signing up costs the database, and that every way it can end writes only what it says.

On PostgreSQL a sign-up is the user, the shift's lock and one statement that checks, takes the
place, writes the row and queues its notice (``places._SIGN_UP``); SQLite runs the same steps one
statement each. Both run every test here."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest

from planner.events.models import Shift
from planner.extensions import db
from planner.notifications.models import Notification
from planner.signups import places
from planner.signups.models import Signup, SignupStatus

ON_POSTGRES = bool(os.environ.get("DATABASE_URL"))


def _notices(user_id: int) -> list[tuple[str, dict, str]]:
    return [
        (n.kind, json.loads(n.params), n.dedupe_key)
        for n in db.session.scalars(
            db.select(Notification)
            .where(Notification.recipient_id == user_id)
            .order_by(Notification.id)
        )
    ]


def _confirmed(shift_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Shift, shift_id).confirmed_count


def test_a_sign_up_post_costs_a_fixed_number_of_statements(
    client, auth, make_user, make_event, count_queries
):
    event = make_event(shifts=(("清扫", 1),))
    url = f"/shifts/{event.shifts[0].id}/signup"
    for user, status in ((make_user(), "confirmed"), (make_user(), "waitlisted")):
        auth.login(user)
        with count_queries() as counter:
            assert client.post(url).status_code == 302
        auth.logout()
        assert _notices(user.id)[0][0] == f"signup_{status}"
        if ON_POSTGRES:
            # The user, the lock, then everything else in one statement.
            assert counter.count == 3, counter.statements
            assert "FOR UPDATE" in counter.statements[1]
            assert counter.statements[2].startswith("WITH mine AS")
        else:
            # The user, the write lock, the shift, mine, the place, the row, the notice (and
            # the waitlist position).
            assert counter.count == (7 if status == "confirmed" else 8), counter.statements


@pytest.mark.usefixtures("in_request")
def test_a_refused_overlap_takes_no_place_and_queues_nothing(make_event, make_volunteers):
    first = make_event(title="洁净家园", shifts=(("清扫", 5),))
    second = make_event(
        title="百家宴", starts_at=first.starts_at + timedelta(hours=1), shifts=(("引导", 5),)
    )
    user = make_volunteers(1)[0]
    places.sign_up_outcome(first.shifts[0].id, user)
    db.session.commit()
    with pytest.raises(places.ShiftOverlap):
        places.sign_up_outcome(second.shifts[0].id, user)
    db.session.commit()  # what the statement would have written stays written
    assert _confirmed(second.shifts[0].id) == 0
    assert [kind for kind, _, _ in _notices(user.id)] == ["signup_confirmed"]
    assert db.session.scalar(db.select(db.func.count(Signup.id))) == 1


@pytest.mark.usefixtures("in_request")
def test_signing_up_again_writes_nothing_and_answers_with_the_place_held(
    make_event, make_volunteers
):
    event = make_event(shifts=(("清扫", 1),))
    first, second = make_volunteers(2)
    places.sign_up_outcome(event.shifts[0].id, first)
    waiting = places.sign_up_outcome(event.shifts[0].id, second)
    db.session.commit()
    again = places.sign_up_outcome(event.shifts[0].id, second)
    db.session.commit()
    assert again == waiting and again.position == 1
    assert _confirmed(event.shifts[0].id) == 1
    assert len(_notices(second.id)) == 1


@pytest.mark.usefixtures("in_request")
def test_coming_back_after_cancelling_reuses_the_row_with_a_new_arrival_and_notice(
    make_event, make_volunteers
):
    event = make_event(shifts=(("清扫", 1),))
    volunteer, other = make_volunteers(2)
    shift_id = event.shifts[0].id
    first = places.sign_up(shift_id, volunteer)
    places.cancel(first, volunteer)
    places.sign_up(shift_id, other)
    db.session.commit()
    again = places.sign_up_outcome(shift_id, volunteer)
    db.session.commit()
    row = db.session.get(Signup, again.signup_id, populate_existing=True)
    assert (row.id, row.status, row.arrival, row.cancelled_at) == (
        first.id,
        SignupStatus.WAITLISTED,
        3,
        None,
    )
    assert again.position == 1
    assert _notices(volunteer.id) == [
        (
            "signup_confirmed",
            {"shift": shift_id, "position": None},
            f"signup:{first.id}:1:confirmed",
        ),
        (
            "signup_waitlisted",
            {"shift": shift_id, "position": 1},
            f"signup:{first.id}:3:waitlisted",
        ),
    ]
