"""Personal feeds are rate-limited per token (the rest of the suite runs with limits off)."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "PLANNER_CALENDAR_PERSONAL_LIMIT": "2 per minute",
    }


def test_personal_feeds_are_rate_limited_per_token(app, client, make_user, make_calendar_token):
    from planner.extensions import limiter

    limiter.reset()
    one = make_calendar_token(make_user("甲"))
    two = make_calendar_token(make_user("乙"))
    statuses = [client.get(f"/calendar/me/{one.token}.ics").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get(f"/calendar/me/{two.token}.ics").status_code == 200
    # Public feeds are not limited this way.
    assert all(client.get("/calendar/all.ics").status_code == 200 for _ in range(3))
