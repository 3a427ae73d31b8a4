"""Fifty households claim the last five hot dishes at once, over HTTP against gunicorn: five
claims, and forty-five pages that say the category is full and what is still needed."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from planner.extensions import db
from planner.timeutil import utcnow
from tests.conftest import PASSWORD

pytestmark = pytest.mark.http_race

HOUSEHOLDS = 50
_numbers = itertools.count(1)


def _banquet(department, wanted_hot: int):
    from planner.banquets import plans
    from planner.directory.models import Community, District, Street
    from planner.events.models import Event, EventHost, EventKind, EventStatus

    n = next(_numbers)
    street = Street(district=District(name=f"宴区{n}"), name=f"宴街道{n}")
    starts_at = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    event = Event(
        title=f"赛跑百家宴{n}",
        kind=EventKind.BANQUET,
        status=EventStatus.PUBLISHED,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        community=Community(street=street, name=f"宴社区{n}", address="测试路1号"),
        venue="社区广场",
        seats_capacity=500,
        max_party_size=6,
    )
    host = EventHost()
    host.organisation = department
    event.hosts.append(host)
    db.session.add(event)
    db.session.flush()
    plan = plans.enable_dishes(event)
    hot = next(c for c in plan.categories if c.name_zh == "热菜")
    hot.wanted = wanted_hot
    db.session.commit()
    return event, hot


def _households(event, n: int):
    from planner.accounts.models import User
    from planner.signups.models import SeatBooking, SeatStatus

    users = []
    for i in range(n):
        user = User(
            phone=f"+86135{next(_numbers):08d}", real_name=f"住户{i:02d}", consented_at=utcnow()
        )
        user.set_password(PASSWORD)
        users.append(user)
    db.session.add_all(users)
    db.session.flush()
    for arrival, user in enumerate(users, start=1):
        db.session.add(
            SeatBooking(
                event=event,
                user=user,
                party_size=1,
                status=SeatStatus.CONFIRMED,
                arrival=arrival,
            )
        )
    event.seats_confirmed = n
    db.session.commit()
    return users


def test_fifty_households_claiming_the_last_five_hot_dishes_get_five(race_server):
    from planner.banquets.models import DishCategory, DishClaim
    from planner.directory.models import Department

    with race_server.app.app_context():
        department = Department(name=f"宴部门{next(_numbers)}")
        db.session.add(department)
        db.session.commit()
        event, hot = _banquet(department, wanted_hot=5)
        phones = [u.local_phone for u in _households(event, HOUSEHOLDS)]
        event_id, hot_id = event.id, hot.id
        db.session.remove()

    path = f"/events/{event_id}/dishes"
    data = {"category": str(hot_id), "name": "红烧肉", "plates": "1", "tags": "spicy"}
    replies = race_server.race_from([race_server.client(p) for p in phones], path, data)

    claimed = [r for r in replies if r.status == 302]
    refused = [r for r in replies if r.status == 200]
    assert len(claimed) == 5 and {r.location for r in claimed} == {path}
    assert len(refused) == HOUSEHOLDS - 5
    # Each refusal says so, and names the categories still needed.
    assert all("“热菜”已经认领满了" in r.body and "还需要：凉菜 (6)" in r.body for r in refused)

    with race_server.app.app_context():
        claims = db.session.scalar(
            db.select(db.func.count(DishClaim.id)).where(DishClaim.event_id == event_id)
        )
        assert claims == 5
        assert db.session.get(DishCategory, hot_id).claimed == 5
        db.session.remove()
