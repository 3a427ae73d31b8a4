"""The rush benchmark's data: sessions that work without a password, fair asks, honest checks."""

from __future__ import annotations

import random
import re

from planner import bench_rush
from planner.extensions import db
from planner.signups.models import Signup, SignupStatus


def test_each_volunteer_asks_for_distinct_shifts_and_hot_ones_three_times_their_places():
    shifts = [[e, s] for e, s in zip(range(100, 120), range(1, 21), strict=True)]
    hands = bench_rush._deal(40, 5, shifts, hot=4, places=10, rng=random.Random(1))
    assert all(len(hand) == 5 and len({s for _e, s in hand}) == 5 for hand in hands)
    asked = [s for hand in hands for _e, s in hand]
    assert all(asked.count(s) == 30 for s in range(1, 5))  # hot: 3 × 10 places
    assert len(asked) == 200


def test_prepared_sessions_sign_up_through_the_phone_path_and_the_check_counts_them(
    app, client, make_event, make_department
):
    make_event()  # a community for the rush's events
    make_department()
    app.config["WTF_CSRF_ENABLED"] = True
    prepared = bench_rush.prepare_rush(
        volunteers=3,
        shifts=2,
        per=2,
        hot=1,
        places=1,
        user_agent=client.environ_base.get("HTTP_USER_AGENT"),
    )
    answered = 0
    for volunteer in prepared["volunteers"]:
        client.set_cookie("session", volunteer["cookie"])
        for event, shift in volunteer["asks"]:
            event_page = client.get(f"/events/{event}")
            # As a phone's session after log-in: nothing in it changes, so no new cookie.
            assert event_page.status_code == 200 and "Set-Cookie" not in event_page.headers
            page = client.get(f"/shifts/{shift}/signup")
            assert page.status_code == 200  # signed in: the sign-up page, not the log-in page
            posted = client.post(f"/shifts/{shift}/signup", data={"csrf_token": volunteer["csrf"]})
            assert posted.status_code == 302 and re.search(r"done=1$", posted.location)
            answered += 1
        client.delete_cookie("session")
    check = bench_rush.check_rush(prepared["shifts"], answered)
    assert check["overbooked_shifts"] == 0 and check["duplicate_pairs"] == 0
    assert check["held_equals_answered"] and check["confirmed"] == 2
    assert check["waitlisted"] == 4


def test_the_check_finds_an_overbooked_shift(app, make_event, make_department):
    make_event()
    make_department()
    prepared = bench_rush.prepare_rush(volunteers=2, shifts=1, per=1, hot=1, places=1)
    users = db.session.scalars(
        db.select(Signup.user_id).where(Signup.shift_id == prepared["shifts"][0])
    ).all()
    assert users == []
    from planner.accounts.models import User

    people = db.session.scalars(
        db.select(User).where(User.phone.like(bench_rush.RUSH_PHONE_PREFIX + "%"))
    ).all()
    for arrival, person in enumerate(people, start=1):
        db.session.add(
            Signup(
                shift_id=prepared["shifts"][0],
                user_id=person.id,
                status=SignupStatus.CONFIRMED,
                arrival=arrival,
            )
        )
    db.session.flush()
    check = bench_rush.check_rush(prepared["shifts"], 2)
    assert check["overbooked_shifts"] == 1
