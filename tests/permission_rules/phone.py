"""SMS-code flows (register, forgotten password, take-over, a new number) and 代注册 pages."""

from tests.permission_rules import Rule

LOGIN = 302
# The world's organiser organises for a department: no community's residents are theirs.
ORGANISERS_ONLY = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=200, admin=200)
COMMUNITY_ONLY = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=403, admin=200)

RULES = [
    # An empty number shows the form again with the reason, to anyone.
    Rule("accounts.register_code", "POST", "/register/code"),
    Rule("accounts.forgot_password", "GET", "/password/forgot"),
    Rule("accounts.forgot_password_code", "POST", "/password/forgot/code"),
    Rule("accounts.take_over", "GET", "/takeover", 200, 302, 302, 302, 302),
    Rule("accounts.take_over_code", "POST", "/takeover/code"),
    Rule("accounts.change_phone", "GET", "/account/phone", LOGIN),
    Rule("accounts.change_phone_code", "POST", "/account/phone/code", LOGIN),
    Rule("residents.index", "GET", "/residents", **ORGANISERS_ONLY),
    Rule("residents.new", "GET", "/residents/new", **COMMUNITY_ONLY),
    Rule("residents.resident", "GET", "/residents/{resident}", **COMMUNITY_ONLY),
    Rule("residents.sign_up", "POST", "/residents/{resident}/signup", **COMMUNITY_ONLY),
    Rule(
        "residents.request_certificate",
        "POST",
        "/residents/{resident}/certificate",
        **COMMUNITY_ONLY,
    ),
]


def build(world):
    from planner.accounts.models import User
    from planner.directory.models import Community
    from planner.extensions import db

    community = db.session.get(Community, world["community"])
    resident = User(phone=None, real_name="孙大娘", managed_by=community)
    db.session.add(resident)
    db.session.flush()
    world["resident"] = resident.id
