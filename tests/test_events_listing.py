"""The public listing's service (search escaping on both databases), and views and templates
that leave the querying to services."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.events.listing import ListingFilter, listing_page
from planner.events.models import EventKind
from planner.extensions import db
from planner.signups import bookings

ROOT = Path(__file__).resolve().parent.parent

# (query, the title it must find, a title it would find if the query were taken as a pattern)
SEARCHES = [
    ("100%", "满100%减20", "满100元减20"),
    ("a_b", "a_b 剧社演出", "axb 剧社演出"),
    ("\\", "路\\口清扫", "路口清扫"),
    ("路\\口", "路\\口清扫", "路口清扫"),
    ("1/2", "1/2 马拉松", "12 马拉松"),
    ("//", "斜杠//活动", "斜杠/活动"),
    ("%_\\/", "符号%_\\/活动", "符号活动"),
]


def titles(filters: ListingFilter) -> set[str]:
    return {event.title for event in listing_page(filters).items}


@pytest.mark.parametrize(("query", "wanted", "lookalike"), SEARCHES)
def test_search_takes_percent_underscore_backslash_and_slash_literally(
    client, make_event, query, wanted, lookalike
):
    make_event(wanted)
    make_event(lookalike)
    assert titles(ListingFilter(q=query)) == {wanted}
    page = client.get("/events", query_string={"q": query}).get_data(as_text=True)
    assert f">{wanted}<" in page
    assert f">{lookalike}<" not in page


def test_search_finds_chinese_and_ignores_latin_case_in_title_and_description(make_event):
    make_event("凤凰山邻里百家宴", kind=EventKind.BANQUET)
    make_event("环境卫生", description="Cleanup Day：移风易俗树新风")
    make_event("别的活动")
    assert titles(ListingFilter(q="邻里百家")) == {"凤凰山邻里百家宴"}
    assert titles(ListingFilter(q="移风易俗")) == {"环境卫生"}
    assert titles(ListingFilter(q="CLEANUP day")) == {"环境卫生"}
    assert titles(ListingFilter(q="新风 ")) == set()


def test_the_listing_service_combines_filters(make_event, make_community):
    here, there = make_community(), make_community()
    make_event("这里的晚会", kind=EventKind.GALA, community=here)
    make_event("这里的清扫", community=here)
    make_event("那里的晚会", kind=EventKind.GALA, community=there)
    both = ListingFilter(community=here.id, kind=EventKind.GALA)
    assert titles(both) == {"这里的晚会"}
    assert titles(ListingFilter(street=here.street_id, q="清扫")) == {"这里的清扫"}
    assert titles(ListingFilter(past=True)) == set()
    assert ListingFilter(kind=EventKind.GALA, past=True, q="晚会").active_count == 2


VIEW_MODULES = [
    "planner/events/views.py",
    "planner/calendar/views.py",
    "planner/directory/views.py",
]
QUERYING = re.compile(r"select\(|db\.session\.(get|scalars?|execute)\(|paginate\(|\.query\b")


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_event_and_calendar_views_leave_queries_to_services(module):
    source = (ROOT / module).read_text()
    assert [line.strip() for line in source.splitlines() if QUERYING.search(line)] == []


def _templates_calling(pattern: str, folder: str = "") -> list[str]:
    calls = re.compile(rf"\b({pattern})\(")
    return [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates" / folder).rglob("*.html")
        if calls.search(path.read_text())
    ]


def test_templates_call_no_services():
    assert _templates_calling("my_signups_for|my_seats_for|quizzes_for_event") == []


def test_event_templates_are_told_what_the_visitor_may_do():
    assert _templates_calling("can_manage_event|is_organiser|leads_any_team", "events") == []


def test_the_event_page_shows_my_place_my_seats_and_the_events_quizzes(
    client, auth, make_user, make_event, make_volunteers, sign_up, make_quiz
):
    event = make_event(kind=EventKind.BANQUET, shifts=(("迎宾", 1), ("后勤", 2)), seats_capacity=10)
    other, me = make_volunteers(1)[0], make_user("本人")
    sign_up(event.shifts[0], other)
    sign_up(event.shifts[0], me)
    make_quiz(title="百家宴知识竞答", event_id=event.id)
    make_quiz(title="未发布的竞答", event_id=event.id, published=False)
    bookings.book_seats(event.id, me, 3)
    db.session.commit()
    auth.login(me)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "候补第 1 位" in page and "您已预约 3 个席位" in page
    assert "百家宴知识竞答" in page and "未发布的竞答" not in page


@pytest.fixture
def places(make_community, make_department, make_team, make_event):
    """A district, street and community, and events that belong to them in every way: held there,
    or hosted by the street, the community or its team while held elsewhere."""
    community = make_community("仰口路社区", district_name="市南区")
    elsewhere = make_community("华泰社区", district_name="李沧区")
    stranger = make_department("市财政局")
    team = make_team("仰口路社区文艺队", community_id=community.id)
    make_event("社区里的清扫", hosts=(stranger,), community=community)
    make_event("街道办的宣讲", hosts=(community.street,), community=elsewhere)
    make_event("社区办的百家宴", hosts=(community,), community=elsewhere)
    make_event("社区队伍的晚会", hosts=(team,), community=elsewhere)
    make_event("别处无关的活动", hosts=(stranger,), community=elsewhere)
    return {
        "district": community.street.district,
        "street": community.street,
        "community": community,
    }


@pytest.mark.parametrize("place", ["district", "street", "community"])
def test_the_listing_filtered_by_a_place_lists_the_upcoming_events_of_its_page(
    client, places, place
):
    from planner.events.queries import upcoming_and_recent

    item = places[place]
    upcoming, _recent = upcoming_and_recent(item)
    on_page = {event.title for event in upcoming}
    assert "别处无关的活动" not in on_page and len(on_page) >= 3
    assert titles(ListingFilter(**{place: item.id})) == on_page
    listing = client.get("/events", query_string={place: item.id}).get_data(as_text=True)
    place_page = client.get(organisation_path(place, item.id)).get_data(as_text=True)
    every = {"社区里的清扫", "街道办的宣讲", "社区办的百家宴", "社区队伍的晚会", "别处无关的活动"}
    assert {t for t in every if f">{t}<" in listing} == {t for t in every if t in place_page}
    assert {t for t in every if f">{t}<" in listing} == on_page


def organisation_path(place: str, ident: int) -> str:
    return {"district": "/districts/{}", "street": "/streets/{}", "community": "/communities/{}"}[
        place
    ].format(ident)


def test_the_unfiltered_listing_walks_the_start_time_index(app, make_event):
    """Place filters are ``events_of`` conditions; the plain listing still reads events in start
    order from an index instead of scanning them all (checked where the plan is readable)."""
    from planner.events.listing import listing_query

    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    make_event()
    statement = listing_query(ListingFilter()).limit(20)
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = [row[3] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql))]
    event_steps = [step for step in plan if step.startswith(("SEARCH event ", "SCAN event"))]
    assert len(event_steps) == 1 and "starts_at" in event_steps[0], plan
    assert "USING INDEX ix_event_" in event_steps[0], plan
