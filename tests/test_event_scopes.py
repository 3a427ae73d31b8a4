"""One rule for "the events of" a district, street, community, department, partner, team or
campaign: its page, its calendar feed and its reports hold the same events."""

from __future__ import annotations

import pytest

from planner.events.models import ProgrammeItem
from planner.extensions import db
from tests.fixtures_calendar import parse_feed, vevents

pytestmark = pytest.mark.usefixtures("fresh_feed_cache")

# Each event's title, and the scopes (of the ``city`` fixture) whose events it is.
EXPECTED = {
    "社区里的清扫": {"community", "street", "district"},
    "街道办的宣讲": {"street", "district"},
    "社区办的百家宴": {"community", "street", "district"},
    "社区队伍的晚会": {"community", "street", "district", "community_team"},
    "部门办的义诊": {"department"},
    "部门队伍的清扫": {"department", "team"},
    "合作单位的捐赠": {"partner"},
    "队伍演出的节目": {"team"},
    "主题活动里的展演": {"campaign"},
    "别处无关的活动": set(),
}


@pytest.fixture
def city(
    make_community,
    make_department,
    make_team,
    make_event,
    make_calendar_campaign,
):
    """A district with a street and community, a department with its team, a community's team, a
    partner, a campaign, and one event for each way an event can belong to a scope."""
    from planner.directory.models import PartnerOrganisation

    community = make_community("仰口路社区", district_name="市南区")
    make_community("天山社区", street=community.street)
    elsewhere = make_community("华泰社区", district_name="李沧区")
    department = make_department("市委编办")
    stranger = make_department("市财政局")
    team = make_team("精编通政志愿服务队", department_id=department.id)
    community_team = make_team("仰口路社区文艺队", community_id=community.id)
    partner = PartnerOrganisation(name="青岛鑫三利公司")
    db.session.add(partner)
    campaign = make_calendar_campaign("洁净家园·喜迎国庆")

    def event(title, hosts, **fields):
        fields.setdefault("community", elsewhere)
        return make_event(title, hosts=hosts, **fields)

    event("社区里的清扫", (stranger,), community=community)
    event("街道办的宣讲", (community.street,))
    event("社区办的百家宴", (community,))
    event("社区队伍的晚会", (community_team,))
    event("部门办的义诊", (department,))
    event("部门队伍的清扫", (team,))
    event("合作单位的捐赠", (partner,))
    performed = event("队伍演出的节目", (stranger,))
    performed.programme.append(ProgrammeItem(position=1, title="快板", performer_team=team))
    event("主题活动里的展演", (stranger,), campaign=campaign)
    event("别处无关的活动", (stranger,))
    db.session.commit()
    return {
        "district": ("districts", community.street.district),
        "street": ("streets", community.street),
        "community": ("communities", community),
        "department": ("departments", department),
        "partner": ("partners", partner),
        "team": ("teams", team),
        "community_team": ("teams", community_team),
        "campaign": ("campaigns", campaign),
    }


def titles_on_page(client, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    text = response.get_data(as_text=True)
    return {title for title in EXPECTED if title in text}


def titles_in_feed(client, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return {str(vevent["SUMMARY"]) for vevent in vevents(parse_feed(response.data))}


PAGES = {
    "districts": "/districts/{}",
    "streets": "/streets/{}",
    "communities": "/communities/{}",
    "departments": "/departments/{}",
    "partners": "/partners/{}",
    "teams": "/teams/{}",
    "campaigns": "/campaigns/{}",
}


@pytest.mark.parametrize(
    "scope",
    ["district", "street", "community", "department", "partner", "team", "community_team"]
    + ["campaign"],
)
def test_a_scopes_page_and_feed_list_the_same_events(client, city, scope):
    segment, item = city[scope]
    expected = {title for title, scopes in EXPECTED.items() if scope in scopes}
    on_page = titles_on_page(client, PAGES[segment].format(item.id))
    in_feed = titles_in_feed(client, f"/calendar/{segment}/{item.id}.ics")
    assert on_page == expected
    assert in_feed == expected


def test_an_event_hosted_by_a_departments_team_is_on_the_departments_page(client, city):
    _segment, department = city["department"]
    assert "部门队伍的清扫" in titles_on_page(client, f"/departments/{department.id}")


def test_a_streets_event_is_on_its_districts_page(client, city):
    _segment, district = city["district"]
    assert "街道办的宣讲" in titles_on_page(client, f"/districts/{district.id}")


def test_the_events_of_a_scope_are_one_condition(app, city):
    """``events_of`` is what pages and feeds ask; it answers for every kind of scope."""
    from planner.events.models import Event
    from planner.events.scopes import events_of

    for scope, (_segment, item) in city.items():
        titles = set(db.session.scalars(db.select(Event.title).where(events_of(item))))
        assert titles == {t for t, scopes in EXPECTED.items() if scope in scopes}, scope


def test_a_departments_hours_report_counts_its_teams_events(app, city, make_user):
    from planner.events.models import Event
    from planner.signups.models import ServiceRecord
    from planner.signups.reports import hours_report
    from planner.timeutil import utcnow

    volunteer = make_user("李小红")
    for title in ("部门办的义诊", "部门队伍的清扫", "别处无关的活动"):
        event = db.session.scalar(db.select(Event).where(Event.title == title))
        db.session.add(
            ServiceRecord(
                volunteer_id=volunteer.id,
                event_id=event.id,
                activity=title,
                service_date=utcnow().date(),
                minutes=60,
            )
        )
    db.session.commit()
    _segment, department = city["department"]
    assert [(user.id, count, minutes) for user, count, minutes in hours_report(department)] == [
        (volunteer.id, 2, 120)
    ]
