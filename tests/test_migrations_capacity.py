"""The capacity checks (migration c4a1b2d3e5f6) go onto a database that already holds rows."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from planner import create_app
from planner.extensions import db
from tests.conftest import create_database

BEFORE = "3c1f0a9d2b7e"


def test_the_capacity_checks_migrate_a_database_with_rows_and_repair_those_that_break_them(
    tmp_path_factory,
):
    from flask_migrate import upgrade

    from planner.accounts.models import User
    from planner.events.models import Event, EventKind, EventStatus, Shift
    from planner.signups.models import Signup, SignupStatus
    from planner.timeutil import utcnow

    url, drop = create_database(tmp_path_factory, "capacity_checks")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            start = utcnow() + timedelta(days=3)
            # Seats edited below those booked, as the event form allowed before the rule.
            event = Event(
                title="百家宴",
                kind=EventKind.BANQUET,
                status=EventStatus.PUBLISHED,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                seats_capacity=2,
                seats_confirmed=5,
            )
            shift = Shift(role="引导", starts_at=start, ends_at=event.ends_at, capacity=1)
            shift.confirmed_count = 2
            event.shifts.append(shift)
            users = [User(phone=f"+8613700000{i:03d}", real_name=f"志愿者{i}") for i in range(2)]
            db.session.add_all([event, *users])
            db.session.flush()
            for arrival, user in enumerate(users, start=1):
                db.session.add(
                    Signup(
                        shift_id=shift.id,
                        user_id=user.id,
                        status=SignupStatus.CONFIRMED,
                        arrival=arrival,
                    )
                )
            db.session.commit()
            event_id, shift_id = event.id, shift.id
            db.session.remove()

            # Rebuilding a referenced table on SQLite must neither fail nor lose the rows.
            upgrade()

            event, shift = db.session.get(Event, event_id), db.session.get(Shift, shift_id)
            assert (event.seats_capacity, event.seats_confirmed) == (5, 5)
            assert (shift.capacity, shift.confirmed_count) == (2, 2)
            assert db.session.scalar(sa.select(sa.func.count(Signup.id))) == 2
            if db.engine.dialect.name == "sqlite":
                # The connection the migration used enforces foreign keys again.
                assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
