"""The directory: public pages, administrator pages, team membership, demo data."""

from __future__ import annotations

import re

import pytest

from planner import demo
from planner.audit.models import AuditEntry
from planner.demo import DEPARTMENTS, GEOGRAPHY, PARTNERS, TEAMS
from planner.directory.models import (
    Community,
    Department,
    District,
    JoinPolicy,
    MembershipStatus,
    Street,
    TeamMembership,
    TeamRole,
    VolunteerTeam,
)
from planner.extensions import db


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="(/[^"]*)"', html))


def test_every_seeded_name_is_within_two_clicks_of_the_home_page(client, seeded):
    names = set(DEPARTMENTS) | set(PARTNERS) | set(TEAMS)
    for streets in GEOGRAPHY.values():
        names |= set(streets)
        for rows in streets.values():
            names |= {community for community, _address in rows}
    names |= set(GEOGRAPHY)
    home = client.get("/").get_data(as_text=True)
    seen = home
    for link in _links(home):
        if link.startswith(("/static", "/bootstrap", "/login", "/register")):
            continue
        seen += client.get(link).get_data(as_text=True)
    missing = {name for name in names if name not in seen}
    assert not missing


def test_community_page_shows_partner_departments_teams_and_convention(client, seeded):
    community = db.session.scalar(db.select(Community).where(Community.name == "凤凰山社区"))
    text = client.get(f"/communities/{community.id}").get_data(as_text=True)
    assert "凤凰山社区文艺社团" in text
    assert text.index("不往窗外抛撒物品") < text.index("为宠物办理合法证件")
    yangkou = db.session.scalar(db.select(Community).where(Community.name == "仰口路社区"))
    assert "市委编办" in client.get(f"/communities/{yangkou.id}").get_data(as_text=True)


def test_department_page_shows_partner_communities_and_teams(client, seeded):
    department = db.session.scalar(db.select(Department).where(Department.name == "市委编办"))
    text = client.get(f"/departments/{department.id}").get_data(as_text=True)
    assert "仰口路社区" in text and "精编通政志愿服务队" in text


@pytest.mark.parametrize(
    "path",
    [
        "/districts/999999",
        "/streets/999999",
        "/communities/999999",
        "/departments/999999",
        "/partners/999999",
        "/teams/999999",
        "/teams/999999/members",
        "/districts/abc",
    ],
)
def test_unknown_ids_are_404_with_a_translated_page(client, auth, make_user, path):
    auth.login(make_user())
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_seed_demo_is_idempotent_and_says_what_it_loads(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0
    lines = first.output.splitlines()
    # Progress while it works, in the order the seeders run, then the outcome.
    assert [line.split(",")[0] for line in lines[:2]] == [
        "Loading districts",
        "Loading demo accounts…",
    ]
    assert any(line.startswith("Loading events") for line in lines)
    assert any(line.startswith("Loading questions, quizzes") for line in lines)
    # Every seeder says what it loads, not its function's name.
    assert len(lines) == len(demo.SEEDERS) + 1 and "Loading seed…" not in lines
    assert lines[-1] == "Demo data is in place."
    counts = [
        _count(m) for m in (District, Street, Community, Department, VolunteerTeam, TeamMembership)
    ]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert [
        _count(m) for m in (District, Street, Community, Department, VolunteerTeam, TeamMembership)
    ] == counts
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has data" in result.output


# ---------------------------------------------------------------- administrator pages


@pytest.fixture
def admin(make_user, auth):
    user = make_user("管理员", admin=True)
    auth.login(user)
    return user


def test_admin_creates_a_district_street_and_community_with_a_convention(client, admin):
    assert client.post("/admin/directory/districts/new", data={"name": "黄岛区"}).status_code == 302
    district = db.session.scalar(db.select(District).where(District.name == "黄岛区"))
    client.post(
        "/admin/directory/streets/new", data={"name": "长江路街道", "district_id": district.id}
    )
    street = db.session.scalar(db.select(Street).where(Street.name == "长江路街道"))
    response = client.post(
        "/admin/directory/communities/new",
        data={
            "name": "长江社区",
            "street_id": street.id,
            "address": "长江中路",
            "convention": "爱护公共设施\n\n文明养犬\n",
        },
    )
    assert response.status_code == 302
    community = db.session.scalar(db.select(Community).where(Community.name == "长江社区"))
    assert [item.text for item in community.convention_items] == ["爱护公共设施", "文明养犬"]
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "communities.create"))


def test_editing_a_community_shows_and_replaces_its_convention(client, admin, seeded):
    community = db.session.scalar(db.select(Community).where(Community.name == "凤凰山社区"))
    page = client.get(f"/admin/directory/communities/{community.id}/edit").get_data(as_text=True)
    assert "开车进入社区不按喇叭" in page
    client.post(
        f"/admin/directory/communities/{community.id}/edit",
        data={"name": "凤凰山社区", "street_id": community.street_id, "convention": "只留一条"},
    )
    db.session.refresh(community)
    assert [item.text for item in community.convention_items] == ["只留一条"]


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("districts", {"name": ""}, "此项为必填项"),
        ("districts", {"name": "区" * 81}, "最多输入 80 个字符"),
        ("districts", {"name": "市南区"}, "该名称已被使用"),
        ("departments", {"name": "市委编办"}, "该名称已被使用"),
        ("streets", {"name": "新街道", "district_id": "999999"}, "Not a valid choice"),
        ("streets", {"name": "新街道", "district_id": "abc"}, ""),
        ("teams", {"name": "新队", "owner_key": "department:999999", "join_policy": "open"}, ""),
        ("teams", {"name": "新队", "owner_key": "city", "join_policy": "everyone"}, ""),
    ],
)
def test_bad_directory_input_gets_a_message_and_changes_nothing(
    client, admin, seeded, kind, data, message
):
    before = [_count(m) for m in (District, Street, Department, VolunteerTeam)]
    response = client.post(f"/admin/directory/{kind}/new", data=data)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "invalid-feedback" in text
    if message and message != "Not a valid choice":
        assert message in text
    assert [_count(m) for m in (District, Street, Department, VolunteerTeam)] == before


def test_the_same_street_name_is_allowed_in_another_district(client, admin, seeded):
    other = db.session.scalar(db.select(District).where(District.name == "李沧区"))
    response = client.post(
        "/admin/directory/streets/new", data={"name": "湛山街道", "district_id": other.id}
    )
    assert response.status_code == 302


def test_unknown_directory_kinds_and_ids_are_404(client, admin):
    assert client.get("/admin/directory/planets").status_code == 404
    assert client.get("/admin/directory/districts/999999/edit").status_code == 404
    assert client.post("/admin/directory/districts/999999/archive").status_code == 404


def test_archiving_hides_from_public_lists_and_keeps_the_record(client, admin, seeded):
    department = db.session.scalar(db.select(Department).where(Department.name == "市行政审批局"))
    client.post(f"/admin/directory/departments/{department.id}/archive")
    assert "市行政审批局" not in client.get("/departments").get_data(as_text=True)
    db.session.refresh(department)
    assert department.is_archived
    client.post(f"/admin/directory/departments/{department.id}/restore")
    assert "市行政审批局" in client.get("/departments").get_data(as_text=True)


def test_team_owner_can_be_a_department_a_community_or_the_city(client, admin, seeded):
    department = db.session.scalar(db.select(Department).where(Department.name == "市财政局"))
    client.post(
        "/admin/directory/teams/new",
        data={
            "name": "财政志愿服务队",
            "owner_key": f"department:{department.id}",
            "join_policy": "open",
        },
    )
    team = db.session.scalar(db.select(VolunteerTeam).where(VolunteerTeam.name == "财政志愿服务队"))
    assert team.department_id == department.id and team.join_policy is JoinPolicy.OPEN
    client.post(
        f"/admin/directory/teams/{team.id}/edit",
        data={"name": "财政志愿服务队", "owner_key": "city", "join_policy": "approval"},
    )
    db.session.refresh(team)
    assert team.owner is None and team.join_policy is JoinPolicy.APPROVAL


def test_admin_grants_and_revokes_organiser_rights(client, admin, seeded, make_user):
    person = make_user("赵组织")
    department = db.session.scalar(db.select(Department).where(Department.name == "市财政局"))
    response = client.post(
        f"/admin/users/{person.id}", data={"organisation": f"department:{department.id}"}
    )
    assert response.status_code == 302
    again = client.post(
        f"/admin/users/{person.id}", data={"organisation": f"department:{department.id}"}
    )
    assert "此人已是该组织的组织者" in again.get_data(as_text=True)
    db.session.refresh(person)
    assert [g.department_id for g in person.grants] == [department.id]
    client.post(f"/admin/users/{person.id}/grants/{person.grants[0].id}/revoke")
    db.session.refresh(person)
    assert person.grants == []


def test_a_grant_for_an_unknown_organisation_is_refused(client, admin, make_user):
    person = make_user()
    response = client.post(f"/admin/users/{person.id}", data={"organisation": "department:999999"})
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)


def test_admin_user_search_finds_by_name_and_number(client, admin, make_user):
    make_user("欧阳晓明", phone="13955556666")
    assert "欧阳晓明" in client.get("/admin/users?q=晓明").get_data(as_text=True)
    assert "欧阳晓明" in client.get("/admin/users?q=5555").get_data(as_text=True)
    assert "欧阳晓明" not in client.get("/admin/users?q=王").get_data(as_text=True)


# ---------------------------------------------------------------- teams


def test_joining_an_open_team_is_immediate(client, auth, make_user, make_team):
    team = make_team(policy=JoinPolicy.OPEN)
    user = make_user()
    auth.login(user)
    client.post(f"/teams/{team.id}/join")
    membership = db.session.scalar(db.select(TeamMembership))
    assert membership.status is MembershipStatus.ACTIVE


def test_joining_an_approval_team_waits_for_the_leader_who_approves(
    client, auth, make_user, make_team, make_membership
):
    team = make_team(policy=JoinPolicy.APPROVAL)
    leader = make_user("队长")
    make_membership(team, leader, role=TeamRole.LEADER)
    applicant = make_user("申请人")
    auth.login(applicant)
    client.post(f"/teams/{team.id}/join")
    pending = db.session.scalar(
        db.select(TeamMembership).where(TeamMembership.user_id == applicant.id)
    )
    assert pending.status is MembershipStatus.PENDING
    assert "您已是本队队员，或申请正在等待审核" in client.post(
        f"/teams/{team.id}/join", follow_redirects=True
    ).get_data(as_text=True)
    assert client.post(f"/teams/{team.id}/members/{pending.id}/approve").status_code == 403
    auth.logout()
    auth.login(leader)
    client.post(f"/teams/{team.id}/members/{pending.id}/approve")
    db.session.refresh(pending)
    assert pending.status is MembershipStatus.ACTIVE


def test_a_leader_declines_a_request(client, auth, make_user, make_team, make_membership):
    team = make_team()
    leader = make_user("队长")
    make_membership(team, leader, role=TeamRole.LEADER)
    pending = make_membership(team, make_user("申请人"), status=MembershipStatus.PENDING)
    pending_id, team_id = pending.id, team.id
    auth.login(leader)
    client.post(f"/teams/{team_id}/members/{pending_id}/decline")
    assert db.session.get(TeamMembership, pending_id) is None


def test_the_last_leader_cannot_step_down_or_leave(
    client, auth, make_user, make_team, make_membership
):
    team = make_team()
    leader = make_user("队长")
    membership = make_membership(team, leader, role=TeamRole.LEADER)
    auth.login(leader)
    response = client.post(f"/teams/{team.id}/leave", follow_redirects=True)
    assert "每支队伍至少需要一名队长" in response.get_data(as_text=True)
    client.post(f"/teams/{team.id}/members/{membership.id}/unlead")
    db.session.refresh(membership)
    assert membership.role is TeamRole.LEADER


def test_a_membership_of_another_team_is_404(client, auth, make_user, make_team, make_membership):
    team, other = make_team(), make_team()
    leader = make_user()
    make_membership(team, leader, role=TeamRole.LEADER)
    foreign = make_membership(other, make_user(), status=MembershipStatus.PENDING)
    auth.login(leader)
    assert client.post(f"/teams/{team.id}/members/{foreign.id}/approve").status_code == 404


def test_archived_teams_take_no_members(client, auth, make_user, make_team):
    from planner.timeutil import utcnow

    team = make_team(policy=JoinPolicy.OPEN)
    team.archived_at = utcnow()
    db.session.commit()
    auth.login(make_user())
    client.post(f"/teams/{team.id}/join")
    assert _count(TeamMembership) == 0


def test_leaders_see_full_phone_numbers_and_members_see_them_masked(
    client, auth, make_user, make_team, make_membership
):
    team = make_team()
    leader = make_user("队长", phone="13911112222")
    member = make_user("张晓明", phone="13933334444")
    make_membership(team, leader, role=TeamRole.LEADER)
    make_membership(team, member)
    auth.login(leader)
    text = client.get(f"/teams/{team.id}/members").get_data(as_text=True)
    assert "13933334444" in text and "张晓明" in text
    auth.logout()
    auth.login(member)
    text = client.get(f"/teams/{team.id}/members").get_data(as_text=True)
    assert "13911112222" not in text and "139****2222" in text and "队*" in text


def test_the_owning_departments_organiser_manages_its_team(
    client, auth, make_user, make_team, make_department, grant, make_membership
):
    department = make_department()
    team = make_team(department_id=department.id)
    organiser = make_user()
    grant(organiser, department)
    pending = make_membership(team, make_user(), status=MembershipStatus.PENDING)
    auth.login(organiser)
    assert client.post(f"/teams/{team.id}/members/{pending.id}/approve").status_code == 302
    db.session.refresh(pending)
    assert pending.status is MembershipStatus.ACTIVE


# ---------------------------------------------------------------- constant queries


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/districts",
        "/districts/{district}",
        "/streets/{street}",
        "/departments",
        "/teams",
        "/communities/{community}",
        "/departments/{department}",
    ],
)
def test_directory_pages_run_the_same_number_of_queries_with_10_and_200_communities(
    client, count_queries, path
):
    district = District(name="压力区")
    street = Street(district=district, name="压力街道")
    department = Department(name="压力部门")
    db.session.add_all([district, street, department])
    db.session.commit()

    def grow_to(n: int):
        from planner.directory.models import ConventionItem, Partnership

        existing = _count(Community)
        for i in range(existing, n):
            community = Community(street=street, name=f"社区{i:04d}")
            community.convention_items = [ConventionItem(position=1, text="文明养犬")]
            db.session.add(community)
            db.session.add(Partnership(department=department, community=community))
            db.session.add(VolunteerTeam(name=f"队伍{i:04d}", community=community))
        db.session.commit()

    def queries() -> int:
        community = db.session.scalar(db.select(Community).order_by(Community.id))
        url = path.format(
            district=district.id, street=street.id, community=community.id, department=department.id
        )
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    grow_to(10)
    small = queries()
    grow_to(200)
    assert queries() == small


def test_a_street_name_is_unique_within_its_district_and_a_community_name_within_its_street(
    client, admin, seeded
):
    street = db.session.scalar(db.select(Street).where(Street.name == "湛山街道"))
    community = db.session.scalar(db.select(Community).where(Community.street_id == street.id))
    taken_street = client.post(
        "/admin/directory/streets/new",
        data={"name": street.name, "district_id": street.district_id},
    )
    taken_community = client.post(
        "/admin/directory/communities/new", data={"name": community.name, "street_id": street.id}
    )
    for response in (taken_street, taken_community):
        assert response.status_code == 200
        assert "该名称已被使用" in response.get_data(as_text=True)
    other_street = db.session.scalar(db.select(Street).where(Street.id != street.id))
    elsewhere = client.post(
        "/admin/directory/communities/new",
        data={"name": community.name, "street_id": other_street.id},
    )
    assert elsewhere.status_code == 302


def test_a_department_and_a_community_are_partners_once(client, admin, seeded):
    from planner.directory.models import Partnership

    existing = db.session.scalars(db.select(Partnership)).first()
    before = _count(Partnership)
    response = client.post(
        "/admin/partnerships/new",
        data={"department_id": existing.department_id, "community_id": existing.community_id},
    )
    assert response.status_code == 200
    assert "该部门与该社区已是共建关系" in response.get_data(as_text=True)
    assert _count(Partnership) == before
