"""Sign-ups, seats, check-in, the roster and hours."""

from datetime import timedelta

from planner.directory.models import Department
from planner.events.models import Event, EventHost, EventKind, EventStatus, Shift
from planner.extensions import db
from planner.signups.models import (
    Certificate,
    CertificateStatus,
    HoursCorrection,
    SeatBooking,
    SeatStatus,
    Signup,
    SignupStatus,
)
from planner.timeutil import utcnow
from tests.permission_rules import Rule

LOGIN = 302
MANAGERS = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=200, admin=200)
MANAGER_POSTS = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=302, admin=302)
EVERYONE = dict(anonymous=LOGIN, volunteer=200, leader=200, organiser=200, admin=200)
EVERYONE_POSTS = dict(anonymous=LOGIN, volunteer=302, leader=302, organiser=302, admin=302)
OWNER_ONLY = dict(anonymous=LOGIN, volunteer=200, leader=403, organiser=403, admin=403)


def build(world):
    """An event of 市委编办 with two shifts; the volunteer attended the second and asks for a correction."""
    department = db.session.get(Department, world["department"])
    starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    event = Event(
        title="权限测试活动",
        kind=EventKind.CLEANUP,
        status=EventStatus.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    host = EventHost()
    host.organisation = department
    event.hosts.append(host)
    open_shift = Shift(
        role="清扫", starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=20
    )
    done_shift = Shift(
        role="引导",
        starts_at=starts + timedelta(days=1),
        ends_at=starts + timedelta(days=1, hours=2),
        capacity=5,
        confirmed_count=1,
    )
    event.shifts.extend([open_shift, done_shift])
    banquet = Event(
        title="百家宴",
        kind=EventKind.BANQUET,
        status=EventStatus.PUBLISHED,
        seats_capacity=50,
        seats_confirmed=2,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
    )
    db.session.add_all([event, banquet])
    volunteer = world["users"]["volunteer"]
    signup = Signup(
        shift=done_shift, user=volunteer, status=SignupStatus.ATTENDED, arrival=1, minutes=120
    )
    booking = SeatBooking(
        event=banquet, user=volunteer, party_size=2, status=SeatStatus.CONFIRMED, arrival=1
    )
    correction = HoursCorrection(signup=signup, requested_minutes=180, reason="来早了")
    requested = Certificate(volunteer=volunteer, starts_on=starts.date(), ends_on=starts.date())
    requested.organisation = department
    issued = Certificate(
        volunteer=volunteer,
        starts_on=starts.date(),
        ends_on=starts.date(),
        number="XF2024000001ABCDEF",
        status=CertificateStatus.ISSUED,
        issued_at=utcnow(),
        volunteer_name="张三明",
        records=[],
    )
    issued.organisation = department
    db.session.add_all([signup, booking, correction, requested, issued])
    db.session.flush()
    world.update(
        requested_certificate=requested.id,
        issued_certificate=issued.id,
        certificate_number=issued.number,
        signup_event=event.id,
        signup_shift=open_shift.id,
        banquet=banquet.id,
        vol_signup=signup.id,
        vol_booking=booking.id,
        correction=correction.id,
    )


RULES = [
    Rule("signups.confirm", "GET", "/shifts/{signup_shift}/signup", **EVERYONE),
    Rule("signups.sign_up", "POST", "/shifts/{signup_shift}/signup", **EVERYONE_POSTS),
    Rule("signups.mine", "GET", "/my/volunteering", **EVERYONE),
    Rule("signups.correction", "GET", "/signups/{vol_signup}/correction", **OWNER_ONLY),
    Rule(
        "signups.team_signup",
        "GET",
        "/shifts/{signup_shift}/team-signup",
        LOGIN,
        403,
        200,
        403,
        403,
    ),
    Rule("signups.seats", "GET", "/events/{banquet}/seats", **EVERYONE),
    Rule("signups.cancel_seats", "POST", "/seats/{vol_booking}/cancel", LOGIN, 302, 403, 403, 403),
    Rule("signups.scan", "GET", "/checkin/forged.token", LOGIN, 400, 400, 400, 400),
    Rule("signups.roster", "GET", "/events/{signup_event}/roster", **MANAGERS),
    Rule("signups.roster_export", "GET", "/events/{signup_event}/roster.xlsx", **MANAGERS),
    Rule("signups.checkin_screen", "GET", "/events/{signup_event}/checkin-screen", **MANAGERS),
    Rule("signups.set_hours", "GET", "/signups/{vol_signup}/hours", **MANAGERS),
    Rule("signups.mark", "POST", "/signups/{vol_signup}/check_out", **MANAGER_POSTS),
    Rule(
        "signups.confirm_hours",
        "POST",
        "/events/{signup_event}/roster/confirm-hours",
        **MANAGER_POSTS,
    ),
    Rule("signups.decide", "POST", "/corrections/{correction}/reject", **MANAGER_POSTS),
    Rule(
        "signups.capacity",
        "POST",
        "/shifts/{signup_shift}/capacity",
        **MANAGER_POSTS,
        data={"capacity": "30"},
    ),
    Rule("signups.my_certificates", "GET", "/my/certificates", **EVERYONE),
    Rule("signups.certificate_requests", "GET", "/certificates/requests", **MANAGERS),
    Rule(
        "signups.review_certificate",
        "GET",
        "/certificates/{requested_certificate}/review",
        **MANAGERS,
    ),
    Rule(
        "signups.decide_certificate",
        "POST",
        "/certificates/{requested_certificate}/reject",
        **MANAGER_POSTS,
    ),
    Rule(
        "signups.certificate",
        "GET",
        "/certificates/{issued_certificate}",
        LOGIN,
        200,
        403,
        200,
        200,
    ),
    Rule("signups.verify", "GET", "/verify/{certificate_number}", 200, 200, 200, 200, 200),
    Rule("signups.verify", "GET", "/verify/XF0000", 404, 404, 404, 404, 404),
    Rule("signups.verify_form", "GET", "/verify?number=xf0000", 302, 302, 302, 302, 302),
    Rule(
        "signups.hours_report",
        "GET",
        "/reports/hours?scope=department:{department}&month=2024-09",
        LOGIN,
        403,
        200,
        200,
        200,
    ),
    Rule("signups.my_data", "GET", "/my/data.json", **EVERYONE),
    Rule("signups.delete_account", "GET", "/my/account/delete", **EVERYONE),
    Rule(
        "signups.cancel",
        "POST",
        "/signups/{vol_signup}/cancel",
        LOGIN,
        302,
        403,
        302,
        302,
        data={"confirmed": "yes"},
    ),
]
