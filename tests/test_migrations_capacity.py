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

    from planner.events.models import Event, EventKind, EventStatus, Shift
    from planner.signups.models import Signup, SignupStatus
    from planner.timeutil import utcnow

    url, drop = create_database(tmp_path_factory, "capacity_checks")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            start = utcnow() + timedelta(days=3)
            # Rows written through the tables as they were at BEFORE (later migrations add columns
            # the models know of): seats edited below those booked, as the event form allowed then.
            with db.engine.begin() as conn:
                tables = sa.MetaData()
                tables.reflect(conn, only=["user", "event", "shift", "signup"])
                t = tables.tables
                event_id = conn.execute(
                    t["event"].insert().returning(t["event"].c.id),
                    {
                        "uuid": "c4a1b2d3-0000-4000-8000-000000000001",
                        "title": "百家宴",
                        "kind": EventKind.BANQUET.value,
                        "status": EventStatus.PUBLISHED.value,
                        "venue": "社区广场",
                        "address": "",
                        "description": "",
                        "cancel_reason": "",
                        "max_party_size": 10,
                        "cancellation_cutoff_minutes": 0,
                        "starts_at": start.replace(tzinfo=None),
                        "ends_at": (start + timedelta(hours=2)).replace(tzinfo=None),
                        "seats_capacity": 2,
                        "seats_confirmed": 5,
                        "revision": 0,
                        "created_at": start.replace(tzinfo=None),
                        "updated_at": start.replace(tzinfo=None),
                    },
                ).scalar_one()
                shift_id = conn.execute(
                    t["shift"].insert().returning(t["shift"].c.id),
                    {
                        "event_id": event_id,
                        "role": "引导",
                        "starts_at": start.replace(tzinfo=None),
                        "ends_at": (start + timedelta(hours=2)).replace(tzinfo=None),
                        "capacity": 1,
                        "confirmed_count": 2,
                        "requirements": "",
                    },
                ).scalar_one()
                for i in range(2):
                    user_id = conn.execute(
                        t["user"].insert().returning(t["user"].c.id),
                        {
                            "phone": f"+8613700000{i:03d}",
                            "real_name": f"志愿者{i}",
                            "nickname": "",
                            "password_hash": "",
                            "active": True,
                            "is_admin": False,
                            "created_at": start.replace(tzinfo=None),
                        },
                    ).scalar_one()
                    conn.execute(
                        t["signup"].insert(),
                        {
                            "shift_id": shift_id,
                            "user_id": user_id,
                            "status": SignupStatus.CONFIRMED.value,
                            "arrival": i + 1,
                            "late_cancellation": False,
                            "created_at": start.replace(tzinfo=None),
                        },
                    )

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
