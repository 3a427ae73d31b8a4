"""The permission matrix over every route × anonymous / volunteer / team leader / organiser / admin."""

from __future__ import annotations

import pytest

from planner.directory.models import (
    Community,
    Department,
    District,
    JoinPolicy,
    MembershipStatus,
    PartnerOrganisation,
    Partnership,
    Street,
    TeamMembership,
    TeamRole,
    VolunteerTeam,
)
from planner.extensions import db
from tests.permission_rules import ROLES, all_rules, modules


@pytest.fixture
def world(app, seeded, make_user, make_team, make_membership, grant):
    """Demo directory, one user per role, and whatever each feature's ``build`` adds."""
    first = lambda model: db.session.scalar(db.select(model).order_by(model.id))  # noqa: E731
    community = db.session.scalar(db.select(Community).where(Community.name == "仰口路社区"))
    department = db.session.scalar(db.select(Department).where(Department.name == "市委编办"))
    team = db.session.scalar(
        db.select(VolunteerTeam).where(VolunteerTeam.name == "精编通政志愿服务队")
    )
    users = {
        "volunteer": make_user("志愿者"),
        "leader": make_user("队长"),
        "organiser": make_user("组织者"),
        "admin": make_user("管理员", admin=True),
    }
    make_membership(team, users["leader"], role=TeamRole.LEADER)
    organiser_grant = grant(users["organiser"], department)
    applicant = make_user("申请人")
    pending = make_membership(team, applicant, status=MembershipStatus.PENDING)
    open_team = make_team("开放志愿服务队", policy=JoinPolicy.OPEN)
    w = {
        "users": users,
        "district": first(District).id,
        "street": first(Street).id,
        "community": community.id,
        "department": department.id,
        "partner": first(PartnerOrganisation).id,
        "partnership": first(Partnership).id,
        "team": team.id,
        "open_team": open_team.id,
        "pending_membership": pending.id,
        "volunteer_id": users["volunteer"].id,
        "organiser_id": users["organiser"].id,
        "grant": organiser_grant.id,
    }
    for module in modules():
        if hasattr(module, "build"):
            module.build(w)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(TeamMembership.id))) >= 4
    return w


def test_every_route_has_a_rule(app):
    covered = {rule.endpoint for rule in all_rules()}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - covered == set(), "routes without a permission rule"
    assert covered - endpoints == set(), "rules for routes that do not exist"


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, world, client, auth):
    if role != "anonymous":
        assert auth.login(world["users"][role]).status_code == 302
    failures = []
    for rule in all_rules():
        path = rule.path.format(**world)
        response = client.get(path) if rule.method == "GET" else client.post(path, data=rule.data)
        response.close()
        if response.status_code not in rule.expected(role):
            failures.append(
                f"{rule.method} {path} ({rule.endpoint}): {response.status_code}, expected {sorted(rule.expected(role))}"
            )
        db.session.remove()
    assert not failures, "\n".join(failures)
