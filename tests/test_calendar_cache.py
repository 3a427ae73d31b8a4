"""Remembered feed versions: a 304 from one indexed look-up, and what moves them on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.calendar import cache
from planner.extensions import db
from planner.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("fresh_feed_cache")


def _etag(client, url: str) -> str:
    return client.get(url).headers["ETag"]


def _revalidate(client, url: str, etag: str) -> int:
    return client.get(url, headers={"If-None-Match": etag}).status_code


def test_any_event_edit_moves_every_remembered_version_on(client, make_event):
    event = make_event()
    other = make_event()
    url = f"/calendar/communities/{event.community_id}.ics"
    etag = _etag(client, url)
    assert _revalidate(client, url, etag) == 304
    other.title = "别处改了标题"
    other.updated_at = utcnow()
    db.session.commit()
    # The latest edit moved: the aggregate runs again and finds this feed unchanged.
    assert _revalidate(client, url, etag) == 304
    event.venue = "新会场"
    event.revision += 1
    event.updated_at = utcnow()
    db.session.commit()
    assert _revalidate(client, url, etag) == 200


def test_sign_ups_show_once_the_remembered_version_expires(client, make_event, monkeypatch):
    event = make_event(shifts=(("清扫", 10),))
    url = f"/calendar/communities/{event.community_id}.ics?lang=en"
    etag = _etag(client, url)
    event.shifts[0].confirmed_count = 4  # what a sign-up does: no event edit
    db.session.commit()
    assert _revalidate(client, url, etag) == 304  # remembered for at most VERSION_SECONDS
    later = cache.time.time() + cache.VERSION_SECONDS + 1
    monkeypatch.setattr(cache.time, "time", lambda: later)
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "6 places left of 10" in response.data.decode()


def test_a_version_is_remembered_no_longer_than_until_an_event_leaves_the_window(
    client, make_event, monkeypatch
):
    now = utcnow()
    # It ends thirty days and two minutes ago... less two minutes: it leaves in two minutes.
    starts_at = now - timedelta(days=30, hours=1) + timedelta(minutes=2)
    event = make_event(starts_at=starts_at.replace(microsecond=0), hours=1)
    url = f"/calendar/communities/{event.community_id}.ics"
    etag = _etag(client, url)
    (key,) = cache.versions._local
    assert cache.get_version(key, event.updated_at) is not None
    leaves = (event.ends_at + timedelta(days=30)).timestamp()
    assert leaves < cache.time.time() + cache.VERSION_SECONDS
    monkeypatch.setattr(cache.time, "time", lambda: leaves + 1)
    assert cache.get_version(key, event.updated_at) is None
    assert etag  # the aggregate runs again and finds the event gone (see test_calendar_http)


def test_renaming_the_scope_changes_its_feed_at_once(client, make_event):
    event = make_event()
    url = f"/calendar/communities/{event.community_id}.ics"
    etag = _etag(client, url)
    event.community.name = "改名社区"
    db.session.commit()  # directory renames stamp no event
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "改名社区" in response.data.decode()


def test_a_remembered_version_answers_304_with_one_query(client, count_queries, make_event):
    event = make_event()
    url = f"/calendar/communities/{event.community_id}.ics"
    etag = _etag(client, url)
    with count_queries() as counter:
        assert _revalidate(client, url, etag) == 304
    assert counter.count == 1
