"""Which events a user manages is one rule: the query for all of them
(``managed_events_condition``) and the check on one (``can_manage_event``) read the same per-kind
definition in the organisation registry, so they cannot disagree."""

from __future__ import annotations

import pytest

from planner import permissions
from planner.directory.models import PartnerOrganisation, TeamRole
from planner.events.models import Event
from planner.extensions import db


@pytest.fixture
def hosted(
    make_community, make_department, make_team, make_event, make_user, grant, make_membership
):
    """Events hosted every way an event can be, and a user for each way of organising."""
    community = make_community("仰口路社区")
    sibling = make_community("天山社区", street=community.street)
    elsewhere = make_community("华泰社区", district_name="李沧区")
    department, other_department = make_department("市委编办"), make_department("市财政局")
    department_team = make_team("精编通政志愿服务队", department_id=department.id)
    community_team = make_team("仰口路社区文艺队", community_id=sibling.id)
    elsewhere_team = make_team("华泰社区志愿服务队", community_id=elsewhere.id)
    city_team = make_team("文明引导志愿服务队")
    partner = PartnerOrganisation(name="青岛鑫三利公司")
    db.session.add(partner)
    events = {
        "department": make_event(hosts=(department,)),
        "department_team": make_event(hosts=(department_team,)),
        "street": make_event(hosts=(community.street,), community=elsewhere),
        "community": make_event(hosts=(community,), community=elsewhere),
        "sibling_community": make_event(hosts=(sibling,), community=elsewhere),
        "community_team": make_event(hosts=(community_team,), community=elsewhere),
        "elsewhere_team": make_event(hosts=(elsewhere_team,)),
        "elsewhere": make_event(hosts=(elsewhere,)),
        "other_department": make_event(hosts=(other_department,), community=community),
        "partner": make_event(hosts=(partner,)),
        "city_team": make_event(hosts=(city_team,)),
        "co_hosted": make_event(hosts=(other_department, community_team)),
        "no_host": make_event(),
    }
    users = {
        "admin": make_user(admin=True),
        "department organiser": make_user(),
        "street organiser": make_user(),
        "community organiser": make_user(),
        "team leader": make_user(),
        "city team leader": make_user(),
        "team member": make_user(),
        "volunteer": make_user(),
    }
    grant(users["department organiser"], department)
    grant(users["street organiser"], community.street)
    grant(users["community organiser"], community)
    make_membership(community_team, users["team leader"], role=TeamRole.LEADER)
    make_membership(city_team, users["city team leader"], role=TeamRole.LEADER)
    make_membership(department_team, users["team member"])
    db.session.commit()
    return events, users


# What each user manages, by the names above: the rule as people state it.
EXPECTED = {
    "department organiser": {"department", "department_team"},
    "street organiser": {"street", "community", "sibling_community", "community_team", "co_hosted"},
    "community organiser": {"community"},
    "team leader": {"community_team", "co_hosted"},
    "city team leader": {"city_team"},
    "team member": set(),
    "volunteer": set(),
}


def _selected(user) -> set[int]:
    return set(
        db.session.scalars(db.select(Event.id).where(permissions.managed_events_condition(user)))
    )


@pytest.mark.parametrize("who", [*EXPECTED, "admin"])
def test_the_events_a_user_manages_are_those_they_may_manage_one_by_one(app, hosted, who):
    events, users = hosted
    user = users[who]
    allowed = {e.id for e in events.values() if permissions.can_manage_event(e, user)}
    assert _selected(user) == allowed
    expected = set(events) if who == "admin" else EXPECTED[who]
    assert allowed == {events[name].id for name in expected}


def test_nobody_signed_in_manages_no_event(app, hosted):
    from flask_login import AnonymousUserMixin

    assert _selected(AnonymousUserMixin()) == set()
