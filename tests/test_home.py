"""The home page: what is on this week and next, then my community, then the directory."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner import pagecache
from planner.accounts.models import User
from planner.directory.models import ConventionItem
from planner.events.models import EventStatus
from planner.extensions import db
from planner.main.services import MY_COMMUNITY_COOKIE
from planner.timeutil import utcnow
from tests.conftest import AuthActions


def _pick(client, community_id):
    return client.post("/my-community", data={"community": str(community_id)})


def test_the_home_page_leads_with_the_events_of_this_week_and_next(client, make_event):
    soon = make_event(
        title="凤凰山大扫除", starts_at=utcnow() + timedelta(days=1), shifts=(("清扫", 5),)
    )
    make_event(title="一个月后的晚会", starts_at=utcnow() + timedelta(days=30))
    make_event(title="草稿活动", status=EventStatus.DRAFT, starts_at=utcnow() + timedelta(days=1))
    page = client.get("/").get_data(as_text=True)
    assert "凤凰山大扫除" in page and "一个月后的晚会" not in page and "草稿活动" not in page
    # kind, place and places left, from the listing's own card
    assert f"kind-{soon.kind.value}" in page and "社区广场" in page and "5" in page
    assert page.index("凤凰山大扫除") < page.index('id="h-districts"')


def test_a_visitor_picks_a_community_and_sees_it_first_next_time(
    client, make_event, make_community, make_team
):
    home, other = make_community("凤凰山社区"), make_community("仰口路社区")
    home.convention_items.append(ConventionItem(position=1, text="不高空抛物"))
    make_team("凤凰山志愿服务队", community=home)
    make_event(title="凤凰山百家宴", community=home, starts_at=utcnow() + timedelta(days=20))
    make_event(title="仰口路晚会", community=other, starts_at=utcnow() + timedelta(days=2))
    db.session.commit()
    assert "凤凰山百家宴" not in client.get("/").get_data(as_text=True)
    response = _pick(client, home.id)
    assert response.status_code == 302 and MY_COMMUNITY_COOKIE in response.headers["Set-Cookie"]
    page = client.get("/").get_data(as_text=True)
    mine = page.index('id="h-my-community"')
    assert mine < page.index("凤凰山百家宴") < page.index("h-whats-on") < page.index("仰口路晚会")
    assert "不高空抛物" in page and "凤凰山志愿服务队" in page
    assert f"/calendar/community/{home.id}" in page or "webcal://" in page
    client.post("/my-community", data={"community": ""})
    assert 'id="h-my-community"' not in client.get("/").get_data(as_text=True)


def test_a_member_s_community_is_kept_on_the_profile(app, client, auth, make_user, make_community):
    community = make_community("凤凰山社区")
    user = make_user("王阿姨")
    auth.login(user)
    _pick(client, community.id)
    assert db.session.get(User, user.id).community_id == community.id
    other = app.test_client()  # another device, logged in, without the cookie
    AuthActions(other).login(user)
    assert 'id="h-my-community"' in other.get("/").get_data(as_text=True)


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "99999999999"])
def test_a_community_that_does_not_exist_changes_nothing(client, value):
    response = client.post("/my-community", data={"community": value})
    assert response.status_code == 302
    assert MY_COMMUNITY_COOKIE not in response.headers.get("Set-Cookie", "")
    assert "没有这个社区" in client.get("/").get_data(as_text=True)


def test_an_archived_or_forged_cookie_shows_the_picker(client, make_community):
    community = make_community()
    community.archived_at = utcnow()
    db.session.commit()
    for value in (str(community.id), "x'; drop", "123456789"):
        client.set_cookie(MY_COMMUNITY_COOKIE, value)
        page = client.get("/")
        assert page.status_code == 200 and 'id="h-pick-community"' in page.get_data(as_text=True)


def test_the_home_page_runs_the_same_queries_with_few_or_many_events(
    client, make_event, make_community, make_team, count_queries
):
    community = make_community()
    client.set_cookie(MY_COMMUNITY_COOKIE, str(community.id))
    make_event(community=community, shifts=(("清扫", 3),))
    with count_queries() as few:
        client.get("/")
    for _ in range(6):
        make_event(community=community, shifts=(("清扫", 3),))
        make_event(shifts=(("摆桌", 3),))
        make_team(community=community)
    with count_queries() as many:
        client.get("/")
    assert few.count == many.count <= 14


@pytest.mark.usefixtures("_page_cache_on")
def test_the_visitor_page_cache_keys_the_home_page_by_the_chosen_community(
    app, make_community, make_event
):
    first, second = make_community("凤凰山社区"), make_community("仰口路社区")
    visitor = app.test_client()
    assert visitor.get("/").headers["X-Page-Cache"] == "miss"
    assert visitor.get("/").headers["X-Page-Cache"] == "hit"
    visitor.set_cookie(MY_COMMUNITY_COOKIE, str(first.id))
    page = visitor.get("/")
    assert page.headers["X-Page-Cache"] == "miss" and "凤凰山社区" in page.get_data(as_text=True)
    assert visitor.get("/").headers["X-Page-Cache"] == "hit"
    visitor.set_cookie(MY_COMMUNITY_COOKIE, str(second.id))
    page = visitor.get("/").get_data(as_text=True)
    assert "My community: 仰口路社区" in page or "我的社区：仰口路社区" in page


@pytest.fixture
def _page_cache_on(app):
    app.config["PLANNER_PAGE_CACHE_SECONDS"] = 30
    pagecache.clear()
    yield
    pagecache.clear()
    app.config["PLANNER_PAGE_CACHE_SECONDS"] = 0
