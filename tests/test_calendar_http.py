"""Feeds over HTTP: content type, ETag and Last-Modified, 304 without rendering, caching, load."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from planner import cache as stores
from planner.calendar import cache, ics, services
from planner.events.models import Event, EventHost, EventKind, EventStatus, ProgrammeItem, Shift
from planner.extensions import db
from planner.timeutil import utcnow
from tests.fixtures_calendar import parse_feed, vevents

pytestmark = pytest.mark.usefixtures("fresh_feed_cache")


@pytest.fixture
def renders(monkeypatch):
    """Counts how often a feed body is rendered."""
    counter = itertools.count(1)
    calls = []
    real = ics.render

    def counting(*args, **kwargs):
        calls.append(next(counter))
        return real(*args, **kwargs)

    monkeypatch.setattr(ics, "render", counting)
    return calls


def test_feeds_are_text_calendar_in_utf8(client, make_event):
    event = make_event()
    for url in ("/calendar/all.ics", f"/events/{event.id}.ics"):
        response = client.get(url)
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")
    download = client.get(f"/events/{event.id}.ics")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="xinfeng-event-{event.id}.ics"'
    )


def test_a_conditional_request_gets_304_without_rendering_then_200_after_a_change(
    client, make_event, renders
):
    event = make_event()
    url = f"/calendar/communities/{event.community_id}.ics"
    first = client.get(url)
    assert first.status_code == 200 and len(renders) == 1
    etag = first.headers["ETag"]
    assert etag.startswith('"') and first.headers["Last-Modified"]

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert len(renders) == 1

    # A proxy may weaken the tag; it still matches.
    assert client.get(url, headers={"If-None-Match": "W/" + etag}).status_code == 304

    event.title = "改过标题的活动"
    event.updated_at = utcnow()
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "改过标题的活动" in changed.data.decode()
    assert len(renders) == 2


def test_if_modified_since_is_answered_from_last_modified(client, make_event):
    event = make_event()
    event.updated_at = event.created_at = event.modified_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    url = "/calendar/all.ics"
    first = client.get(url)
    since = first.headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304
    event.status = EventStatus.CANCELLED
    event.revision += 1
    event.updated_at = utcnow()
    db.session.commit()
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 200


def test_a_stale_etag_wins_over_a_fresh_if_modified_since(client, make_event):
    make_event()
    first = client.get("/calendar/all.ics")
    response = client.get(
        "/calendar/all.ics",
        headers={"If-None-Match": '"stale"', "If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert response.status_code == 200


def test_sign_ups_changing_remaining_places_change_the_version(client, make_event):
    event = make_event(shifts=(("清扫", 10),))
    url = f"/events/{event.id}.ics"
    etag = client.get(url).headers["ETag"]
    event.shifts[0].confirmed_count = 4
    db.session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "6 places left of 10" in client.get(url + "?lang=en").data.decode()


def test_an_event_leaving_the_window_changes_the_version(client, make_event):
    now = utcnow()
    event = make_event(starts_at=now - timedelta(days=29, hours=3))
    first = client.get("/calendar/all.ics")
    event.starts_at = now - timedelta(days=40)
    event.ends_at = now - timedelta(days=40) + timedelta(hours=2)
    db.session.commit()  # a silent data fix: no revision, no updated_at
    cache.clear()  # it shows once the remembered version expires (test_calendar_cache.py)
    second = client.get("/calendar/all.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert vevents(parse_feed(second.data)) == []


def test_the_language_and_the_kind_filter_have_their_own_versions(client, make_event):
    make_event()
    tags = {
        client.get(url).headers["ETag"]
        for url in (
            "/calendar/all.ics",
            "/calendar/all.ics?lang=en",
            "/calendar/all.ics?kind=cleanup",
        )
    }
    assert len(tags) == 3


def test_a_rendered_feed_is_served_from_the_cache_until_the_data_changes(
    client, make_event, renders
):
    event = make_event()
    url = f"/calendar/communities/{event.community_id}.ics"
    bodies = {client.get(url).data for _ in range(3)}
    assert len(bodies) == 1 and len(renders) == 1
    event.revision += 1
    event.venue = "新会场"
    event.updated_at = utcnow()
    db.session.commit()
    assert "新会场" in client.get(url).data.decode()
    assert len(renders) == 2


class FakeRedis:
    def __init__(self):
        self.store: dict[str, bytes] = {}

    def get(self, key):
        return self.store.get(key)

    def set(self, key, value, ex=None):
        assert ex and ex > 0
        self.store[key] = value


def test_the_cache_lives_in_redis_when_redis_url_is_set(app, client, make_event, renders):
    app.config["REDIS_URL"] = "redis://cache.invalid:6379/0"
    fake = FakeRedis()
    stores._clients["redis://cache.invalid:6379/0"] = fake
    try:
        make_event()
        first = client.get("/calendar/all.ics").data
        versions = "xinfeng:" + cache.versions.prefix
        bodies = {k: v for k, v in fake.store.items() if not k.startswith(versions)}
        assert list(bodies.values()) == [first]
        assert all(key.startswith("xinfeng:ics:") for key in bodies)
        assert len(fake.store) == 2  # and the feed's version
        assert client.get("/calendar/all.ics").data == first
        assert len(renders) == 1
    finally:
        stores._clients.pop("redis://cache.invalid:6379/0")


def test_an_unreachable_redis_only_costs_a_render(app, client, make_event):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        make_event()
        response = client.get("/calendar/all.ics")
        assert response.status_code == 200
        assert len(vevents(parse_feed(response.data))) == 1
    finally:
        stores._clients.pop("redis://127.0.0.1:1/0", None)


def _many_events(count: int, community, department, team) -> None:
    start = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    for n in range(count):
        event = Event(
            title=f"批量活动{n}",
            kind=EventKind.SHOW,
            status=EventStatus.PUBLISHED,
            community=community,
            venue="社区广场",
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n + 2),
        )
        for organisation in (department, team):
            host = EventHost()
            host.organisation = organisation
            event.hosts.append(host)
        event.programme.append(ProgrammeItem(position=1, title="节目", performer_team=team))
        event.shifts.append(
            Shift(role="引导", starts_at=event.starts_at, ends_at=event.ends_at, capacity=5)
        )
        db.session.add(event)
    db.session.commit()


def test_a_feed_of_1000_events_runs_as_many_queries_as_one_of_10(
    client, count_queries, make_community, make_department, make_team, make_calendar_campaign
):
    community = make_community()
    department = make_department()
    team = make_team(department_id=department.id)

    url = f"/calendar/communities/{community.id}.ics"

    def queries_for_feed() -> tuple[int, int]:
        cache.clear()
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        return counter.count, response.data.count(b"BEGIN:VEVENT")

    _many_events(10, community, department, team)
    small, small_events = queries_for_feed()
    _many_events(990, community, department, team)
    large, large_events = queries_for_feed()
    assert (small_events, large_events) == (10, 1000)
    assert small == large
    assert small <= 7

    url = f"/calendar/communities/{community.id}.ics"
    with count_queries() as counter:
        etag = client.get(url).headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # The first request remembered the version: each request is one query (the scope's row with
    # the latest event edit); it was four (the scope's row and one aggregate, for each).
    assert counter.count == 2


def test_window_and_version_helpers_agree_on_an_empty_personal_feed(
    app, make_user, make_calendar_token
):
    token = make_calendar_token(make_user())
    feed = services.personal_feed(token)
    window = services.Window.current()
    version = services.feed_version(feed, window)
    assert services.load_events(feed, window) == []
    assert version.last_modified == token.updated_at
