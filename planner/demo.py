"""Demo data from the Qingdao Daily page of 30 Sep 2024; every seeder is idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from planner.accounts.models import OrganiserGrant, User
from planner.banquets.demo import seed as seed_banquets
from planner.directory.models import (
    Community,
    ConventionItem,
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
from planner.events.demo import seed_events
from planner.extensions import db
from planner.points.demo import seed as seed_points
from planner.quizzes.demo import seed_quizzes
from planner.residents.demo import seed as seed_residents
from planner.signups.demo import seed as seed_signups
from planner.timeutil import utcnow

DEMO_PASSWORD = "xinfeng-demo"

# district → street → [(community, address)]
GEOGRAPHY = {
    "市南区": {
        "湛山街道": [("仰口路社区", "青岛市市南区仰口路")],
        "金门路街道": [("天山社区", "青岛市市南区天山路")],
        "金湖路街道": [("泰州路社区", "青岛市市南区泰州路")],
    },
    "李沧区": {
        "虎山街道": [("玉堂社区", "青岛市李沧区玉堂路")],
        "兴华路街道": [("华泰社区", "青岛市李沧区华泰路")],
    },
    "城阳区": {"城阳街道": [("凤凰山社区", "青岛市城阳区凤凰山路")]},
    "崂山区": {"中韩街道": [("株洲路社区", "青岛市崂山区株洲路")]},
    "市北区": {"台东街道": [("威海路社区", "青岛市市北区威海路")]},
}

CONVENTIONS = {
    "凤凰山社区": [
        "不往窗外抛撒物品",
        "开车进入社区不按喇叭",
        "公共区域不随意摆放物品",
        "为宠物办理合法证件",
    ],
}

DEPARTMENTS = [
    "市委编办",
    "市财政局",
    "市海洋发展局",
    "市文化和旅游局",
    "市市场监管局",
    "市行政审批局",
    "市民营经济局",
    "市委宣传部",
    "市文明办",
]

PARTNERS = ["青岛鑫三利公司"]

# department → the community it cleaned in late September 2024
PARTNERSHIPS = {
    "市委编办": "仰口路社区",
    "市财政局": "天山社区",
    "市文化和旅游局": "泰州路社区",
    "市市场监管局": "华泰社区",
    "市民营经济局": "玉堂社区",
}

# name → (owner kind, owner name, join policy, description)
TEAMS = {
    "精编通政志愿服务队": (
        "department",
        "市委编办",
        JoinPolicy.APPROVAL,
        "市委编办党员志愿服务队，常态化开展共建社区环境卫生志愿服务。",
    ),
    "文明引导志愿服务队": (
        "city",
        None,
        JoinPolicy.OPEN,
        "全市文明引导志愿服务队：在公共场所引导文明行为、宣传文明公约。",
    ),
    "文明婚嫁志愿服务队": (
        "city",
        None,
        JoinPolicy.OPEN,
        "全市文明婚嫁志愿服务队：倡导喜事新办、婚事简办，抵制高价彩礼。",
    ),
    "文明新风志愿服务队": (
        "city",
        None,
        JoinPolicy.OPEN,
        "全市文明新风志愿服务队：以宣传宣讲、热心服务推动新风尚浸润人心。",
    ),
    "凤凰山社区文艺社团": (
        "community",
        "凤凰山社区",
        JoinPolicy.APPROVAL,
        "凤凰山社区居民文艺社团：歌舞、太极、葫芦丝、双管巴乌。",
    ),
}

# phone, real name, role note
ACCOUNTS = [
    ("13800000001", "王文明", "admin"),
    ("13800000002", "李编办", "organiser:department:市委编办"),
    ("13800000003", "赵凤山", "organiser:community:凤凰山社区"),
    ("13800000004", "陈队长", "leader:精编通政志愿服务队"),
    ("13800000011", "张晓明", "volunteer"),
    ("13800000012", "刘海燕", "volunteer"),
    ("13800000013", "孙志强", "volunteer"),
    ("13800000014", "周丽华", "volunteer"),
    ("13800000015", "吴建国", "volunteer"),
]


def _get_or_create(model, defaults=None, **keys):
    obj = db.session.scalar(db.select(model).filter_by(**keys))
    if obj is None:
        obj = model(**keys, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
    return obj


def seed_directory() -> None:
    communities: dict[str, Community] = {}
    for district_name, streets in GEOGRAPHY.items():
        district = _get_or_create(District, name=district_name)
        for street_name, rows in streets.items():
            street = _get_or_create(Street, district_id=district.id, name=street_name)
            for community_name, address in rows:
                communities[community_name] = _get_or_create(
                    Community,
                    defaults={"address": address},
                    street_id=street.id,
                    name=community_name,
                )
    for community_name, items in CONVENTIONS.items():
        community = communities[community_name]
        for position, text in enumerate(items, start=1):
            _get_or_create(
                ConventionItem,
                defaults={"text": text},
                community_id=community.id,
                position=position,
            )
    departments = {name: _get_or_create(Department, name=name) for name in DEPARTMENTS}
    for name in PARTNERS:
        _get_or_create(PartnerOrganisation, name=name)
    for department_name, community_name in PARTNERSHIPS.items():
        _get_or_create(
            Partnership,
            defaults={"since": date(2023, 1, 1), "note": "党建共建社区"},
            department_id=departments[department_name].id,
            community_id=communities[community_name].id,
        )
    for team_name, (kind, owner, policy, description) in TEAMS.items():
        defaults = {"join_policy": policy, "description": description}
        if kind == "department":
            defaults["department_id"] = departments[owner].id
        elif kind == "community":
            defaults["community_id"] = communities[owner].id
        _get_or_create(VolunteerTeam, defaults=defaults, name=team_name)


def seed_accounts() -> None:
    for phone, name, role in ACCOUNTS:
        e164 = "+86" + phone
        user = db.session.scalar(db.select(User).where(User.phone == e164))
        if user is None:
            user = User(phone=e164, real_name=name, consented_at=utcnow(), is_admin=role == "admin")
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            db.session.flush()
        kind, _sep, rest = role.partition(":")
        if kind == "organiser":
            org_kind, _sep, org_name = rest.partition(":")
            model = {"department": Department, "community": Community}[org_kind]
            org = db.session.scalar(db.select(model).where(model.name == org_name))
            column = {
                "department": OrganiserGrant.department_id,
                "community": OrganiserGrant.community_id,
            }[org_kind]
            exists = db.session.scalar(
                db.select(OrganiserGrant.id).where(
                    OrganiserGrant.user_id == user.id, column == org.id
                )
            )
            if exists is None:
                grant = OrganiserGrant(user=user)
                grant.organisation = org
                db.session.add(grant)
        if kind == "leader":
            team = db.session.scalar(db.select(VolunteerTeam).where(VolunteerTeam.name == rest))
            _get_or_create(
                TeamMembership,
                defaults={"role": TeamRole.LEADER, "status": MembershipStatus.ACTIVE},
                team_id=team.id,
                user_id=user.id,
            )
    # Two volunteers already belong to the department's team.
    team = db.session.scalar(
        db.select(VolunteerTeam).where(VolunteerTeam.name == "精编通政志愿服务队")
    )
    for phone in ("13800000011", "13800000012"):
        user = db.session.scalar(db.select(User).where(User.phone == "+86" + phone))
        _get_or_create(
            TeamMembership,
            defaults={"role": TeamRole.MEMBER, "status": MembershipStatus.ACTIVE},
            team_id=team.id,
            user_id=user.id,
        )


# Features append their seeders; they run in this order (sign-ups need the events; the shop
# comes before the sign-ups, whose demo hours earn points; the banquets need the seat bookings).
SEEDERS = [
    seed_directory,
    seed_accounts,
    seed_events,
    seed_points,
    seed_signups,
    seed_quizzes,
    seed_banquets,
    seed_residents,
]

# What ``flask seed-demo`` says while each seeder works.
SEEDER_LABELS = {
    seed_directory: "districts, streets, communities, departments and teams",
    seed_accounts: "demo accounts",
    seed_events: "events, campaigns and shifts",
    seed_signups: "sign-ups, hours and certificates",
    seed_quizzes: "questions, quizzes and the live round",
    seed_points: "the kindness shop, its items and earning rules",
    seed_banquets: "banquet menus, dishes and tables",
    seed_residents: "residents registered by their community",
}


def seed_all(progress: Callable[[str], None] | None = None) -> None:
    """Runs every seeder in order, telling ``progress`` (if given) what each one loads."""
    for seeder in SEEDERS:
        if progress is not None:
            progress(SEEDER_LABELS.get(seeder, seeder.__name__.removeprefix("seed_")))
        seeder()
