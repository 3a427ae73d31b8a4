"""The page cache for visitors who are not signed in (planner/pagecache.py)."""

from __future__ import annotations

import re

import pytest

from planner import cache, pagecache
from planner.extensions import db
from planner.timeutil import utcnow


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PLANNER_PAGE_CACHE_SECONDS": 30, "WTF_CSRF_ENABLED": True}


@pytest.fixture(autouse=True)
def _empty_cache():
    pagecache.clear()
    yield
    pagecache.clear()


def token_in(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_visitor_gets_the_listing_and_an_event_page_from_the_cache(client, make_event):
    event = make_event(title="凤凰山百家宴")
    for url in ("/events", f"/events/{event.id}"):
        first, second = client.get(url), client.get(url)
        assert first.headers["X-Page-Cache"] == "miss" and second.headers["X-Page-Cache"] == "hit"
        assert "凤凰山百家宴" in second.get_data(as_text=True)


def test_an_edit_shows_at_once(client, make_event):
    event = make_event(title="旧标题")
    client.get(f"/events/{event.id}")
    client.get("/events")
    event.title = "新标题"
    event.updated_at = utcnow()  # what every edit does (planner/events/workflow.py: touch)
    db.session.commit()
    for url in (f"/events/{event.id}", "/events"):
        response = client.get(url)
        assert response.headers["X-Page-Cache"] == "miss"
        text = response.get_data(as_text=True)
        assert "新标题" in text and "旧标题" not in text


def test_each_visitor_gets_a_csrf_token_of_their_own_that_works(app, make_event):
    event = make_event()
    first, second = app.test_client(), app.test_client()
    mine = token_in(first.get(f"/events/{event.id}").get_data(as_text=True))
    page = second.get(f"/events/{event.id}")
    theirs = token_in(page.get_data(as_text=True))
    assert page.headers["X-Page-Cache"] == "hit" and theirs != mine
    assert "xinfeng-csrf" not in page.get_data(as_text=True)
    switched = second.post(
        "/language", data={"csrf_token": theirs, "locale": "en", "next": "/events"}
    )
    assert switched.status_code == 302
    assert first.post("/language", data={"csrf_token": theirs, "locale": "en"}).status_code == 400


def test_each_language_has_its_own_page(client, make_event):
    make_event()
    chinese = client.get("/events").get_data(as_text=True)
    english = client.get("/events", headers={"Accept-Language": "en"})
    assert english.headers["X-Page-Cache"] == "miss"
    assert "Upcoming events" in english.get_data(as_text=True) and "Upcoming events" not in chinese


def test_each_query_string_has_its_own_page(client, make_event, make_community):
    community = make_community()
    make_event(title="社区里的活动", community=community)
    make_event(title="别处的活动")
    assert "别处的活动" in client.get("/events").get_data(as_text=True)
    filtered = client.get(f"/events?community={community.id}")
    assert filtered.headers["X-Page-Cache"] == "miss"
    assert "别处的活动" not in filtered.get_data(as_text=True)


def test_signed_in_people_never_get_the_visitors_page(client, make_event, make_user):
    # They get a copy of their own kind, with their parts filled in (test_pagecache_members.py);
    # pages without such a copy are always fresh for them.
    event = make_event()
    client.get(f"/events/{event.id}")
    client.get("/departments")
    with client.session_transaction() as session:
        session["_user_id"] = make_user("已登录的人").get_id()
    response = client.get(f"/events/{event.id}")
    assert response.headers["X-Page-Cache"] == "miss"
    assert "已登录的人" in response.get_data(as_text=True)
    assert "X-Page-Cache" not in client.get("/departments").headers


def test_a_waiting_message_is_shown_not_cached(client, make_event):
    event = make_event()
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "一条提示")]
    response = client.get(f"/events/{event.id}")
    assert "一条提示" in response.get_data(as_text=True) and "X-Page-Cache" not in response.headers
    assert "一条提示" not in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_missing_and_draft_events_are_not_cached(client, make_event):
    from planner.events.models import EventStatus

    draft = make_event(status=EventStatus.DRAFT)
    for url in (f"/events/{draft.id}", "/events/999999"):
        assert client.get(url).status_code == 404
        assert client.get(url).status_code == 404
    assert len(pagecache.pages) == 0


def test_entries_age_out(client, make_event, monkeypatch):
    event = make_event()
    client.get(f"/events/{event.id}")
    now = cache.time.monotonic()
    monkeypatch.setattr(cache.time, "monotonic", lambda: now + 31)
    assert client.get(f"/events/{event.id}").headers["X-Page-Cache"] == "miss"


def test_a_remember_cookie_counts_as_signed_in(client, make_event):
    event = make_event()
    client.get(f"/events/{event.id}")
    client.set_cookie("remember_token", "1|abc")
    assert "X-Page-Cache" not in client.get(f"/events/{event.id}").headers


def test_the_cache_can_be_turned_off(app, client, make_event):
    app.config["PLANNER_PAGE_CACHE_SECONDS"] = 0
    event = make_event()
    client.get(f"/events/{event.id}")
    assert "X-Page-Cache" not in client.get(f"/events/{event.id}").headers


class FakeRedis:
    def __init__(self):
        self.store: dict[str, tuple[bytes, int]] = {}

    def get(self, key):
        return self.store.get(key, (None, 0))[0]

    def set(self, key, value, ex=None):
        self.store[key] = (value, ex)


def test_pages_live_in_redis_when_redis_url_is_set(app, client, make_event):
    app.config["REDIS_URL"] = "redis://pages.invalid:6379/0"
    fake = FakeRedis()
    cache._clients["redis://pages.invalid:6379/0"] = fake
    try:
        event = make_event()
        client.get(f"/events/{event.id}")
        assert [
            key.startswith("xinfeng:page:") and ex == 30 for key, (_, ex) in fake.store.items()
        ] == [True]
        assert client.get(f"/events/{event.id}").headers["X-Page-Cache"] == "hit"
        # Another site on the same Redis (its own prefix) neither reads nor overwrites these.
        app.config["PLANNER_REDIS_PREFIX"] = "other-site:"
        assert client.get(f"/events/{event.id}").headers["X-Page-Cache"] == "miss"
        assert sorted(key.partition(":")[0] for key in fake.store) == ["other-site", "xinfeng"]
    finally:
        cache._clients.pop("redis://pages.invalid:6379/0")


def test_an_unreachable_redis_only_costs_a_render(app, client, make_event):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        event = make_event(title="照常显示")
        for _ in range(2):
            response = client.get(f"/events/{event.id}")
            assert response.status_code == 200 and "照常显示" in response.get_data(as_text=True)
    finally:
        cache._clients.pop("redis://127.0.0.1:1/0", None)


def test_the_home_page_and_directory_pages_are_cached_for_visitors_and_follow_event_edits(
    client, make_event, make_community, make_team, make_department
):
    community, team, department = make_community(), make_team(), make_department()
    event = make_event(title="首页上的活动", community=community, hosts=(team, department))
    urls = [
        "/",
        "/districts",
        f"/communities/{community.id}",
        f"/streets/{community.street_id}",
        f"/districts/{community.street.district_id}",
        "/teams",
        f"/teams/{team.id}",
        "/departments",
        f"/departments/{department.id}",
    ]
    for url in urls:
        assert client.get(url).headers["X-Page-Cache"] == "miss", url
        assert client.get(url).headers["X-Page-Cache"] == "hit", url
    event.title = "改过的活动"
    event.updated_at = utcnow()
    db.session.commit()
    for url in (
        f"/communities/{community.id}",
        f"/teams/{team.id}",
        f"/departments/{department.id}",
    ):
        response = client.get(url)
        assert response.headers["X-Page-Cache"] == "miss" and "改过的活动" in response.get_data(
            as_text=True
        )
