"""Ten identical requests at once, over HTTP, against gunicorn with four workers: one effect.

Each action below must happen once (or at most N times); the requests that lose the race get
an ordinary answer (never a 5xx), and where the winner is redirected, so are they, to the same
place. The server and its database: ``race_server`` in tests/fixtures_http.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.extensions import db
from planner.timeutil import utcnow
from tests.races.rows import Seed, numbers

pytestmark = pytest.mark.http_race


def _count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def _same_redirect(replies) -> str:
    """Every reply is the same redirect; returns where to."""
    assert {(r.status, r.location) for r in replies} == {(302, replies[0].location)}, [
        (r.status, r.location) for r in replies
    ]
    return replies[0].location


# ---------------------------------------------------------------- rows the races need


@pytest.fixture
def seed(race_server):
    """Committed rows in the race server's database (an app context stays open for the test)."""
    with race_server.app.app_context():
        yield Seed()
        db.session.remove()


# ---------------------------------------------------------------- the races


def test_ten_starts_of_a_three_attempt_quiz_are_one_attempt_and_everyone_gets_its_page(
    race_server, seed
):
    from planner.quizzes.models import Attempt

    quiz = seed.quiz(attempts_allowed=3)
    player = seed.user()
    replies = race_server.race(f"/quizzes/{quiz.id}/start", phone=player.local_phone)
    attempt = db.session.scalar(db.select(Attempt.id).where(Attempt.quiz_id == quiz.id))
    assert _same_redirect(replies) == f"/quizzes/{quiz.id}/attempts/{attempt}"
    assert _count(Attempt, Attempt.quiz_id == quiz.id) == 1


def test_one_pending_hours_correction_however_often_it_is_sent(race_server, seed):
    from planner.signups.models import CorrectionStatus, HoursCorrection

    volunteer = seed.user()
    _event, signup, _organiser = seed.served(volunteer, seed.department())
    replies = race_server.race(
        f"/signups/{signup.id}/correction",
        {"hours": "2.5", "reason": "提前半小时到场布置"},
        phone=volunteer.local_phone,
    )
    assert _same_redirect(replies) == "/my/volunteering"
    pending = HoursCorrection.status == CorrectionStatus.PENDING
    assert _count(HoursCorrection, HoursCorrection.signup_id == signup.id, pending) == 1


def test_ten_identical_certificate_requests_make_one_request(race_server, seed):
    from planner.signups.models import Certificate

    volunteer = seed.user()
    department = seed.department()
    event, _signup, _organiser = seed.served(volunteer, department)
    day = event.starts_at.date()
    replies = race_server.race(
        "/my/certificates",
        {
            "organisation": f"department:{department.id}",
            "starts_on": (day - timedelta(days=1)).isoformat(),
            "ends_on": (day + timedelta(days=1)).isoformat(),
        },
        phone=volunteer.local_phone,
    )
    assert _same_redirect(replies) == "/my/certificates"
    assert _count(Certificate, Certificate.volunteer_id == volunteer.id) == 1


def test_issuing_a_certificate_ten_times_gives_one_number_that_verifies(race_server, seed):
    from planner.audit.models import AuditEntry
    from planner.signups import certificates
    from planner.signups.models import Certificate

    volunteer = seed.user()
    department = seed.department()
    event, _signup, organiser = seed.served(volunteer, department)
    day = event.starts_at.date()
    request = certificates.request_certificate(
        volunteer, department, day - timedelta(days=1), day + timedelta(days=1)
    )
    db.session.commit()
    replies = race_server.race(f"/certificates/{request.id}/issue", phone=organiser.local_phone)
    _same_redirect(replies)
    db.session.expire_all()
    number = db.session.get(Certificate, request.id).number
    issued = AuditEntry.action == "issue_certificate"
    assert _count(AuditEntry, issued, AuditEntry.subject_id == request.id) == 1
    assert race_server.client().send("GET", f"/verify/{number}").status == 200


def test_publishing_ten_times_writes_one_audit_entry(race_server, seed):
    from planner.audit.models import AuditEntry
    from planner.events.models import Event, EventStatus

    department = seed.department()
    organiser = seed.organiser(department)
    event = seed.event(department, status=EventStatus.DRAFT)
    replies = race_server.race(f"/events/{event.id}/publish", phone=organiser.local_phone)
    assert _same_redirect(replies) == f"/events/{event.id}/manage"
    published = AuditEntry.action == "event.publish"
    assert _count(AuditEntry, published, AuditEntry.subject_id == event.id) == 1
    db.session.expire_all()
    assert db.session.get(Event, event.id).revision == 1


def test_starting_a_prize_quiz_ten_times_gives_one_entry_and_everyone_its_page(race_server, seed):
    from planner.quizzes.models import Attempt

    quiz = seed.quiz(seed.department(), is_prize=True)
    player = seed.user()
    replies = race_server.race(f"/quizzes/{quiz.id}/start", phone=player.local_phone)
    entry = db.session.scalar(db.select(Attempt.id).where(Attempt.quiz_id == quiz.id))
    assert _same_redirect(replies) == f"/quizzes/{quiz.id}/attempts/{entry}"
    assert _count(Attempt, Attempt.quiz_id == quiz.id) == 1


def test_joining_a_team_ten_times_makes_one_membership(race_server, seed):
    from planner.directory.models import JoinPolicy, TeamMembership, VolunteerTeam

    team = VolunteerTeam(name=f"赛跑志愿服务队{next(numbers)}", join_policy=JoinPolicy.OPEN)
    db.session.add(team)
    db.session.commit()
    member = seed.user()
    replies = race_server.race(f"/teams/{team.id}/join", phone=member.local_phone)
    assert _same_redirect(replies) == f"/teams/{team.id}"
    assert _count(TeamMembership, TeamMembership.team_id == team.id) == 1


def test_making_the_calendar_link_ten_times_leaves_one_live_link(race_server, seed):
    from planner.calendar.models import CalendarToken

    user = seed.user()
    replies = race_server.race("/calendar/mine/link", phone=user.local_phone)
    assert _same_redirect(replies) == "/calendar/mine"
    live = CalendarToken.revoked_at.is_(None)
    assert _count(CalendarToken, CalendarToken.user_id == user.id, live) == 1


def test_confirming_hours_ten_times_credits_each_volunteer_once(race_server, seed):
    from planner.audit.models import AuditEntry
    from planner.signups.models import ServiceRecord, Signup

    department = seed.department()
    organiser = seed.organiser(department)
    event = seed.event(department, days=-1)
    volunteers = [seed.user(f"志愿者{i}") for i in range(3)]
    signup_ids = [seed.signup(event.shifts[0], volunteer).id for volunteer in volunteers]
    # The second step of the two-step confirmation, naming the three, sent ten times at once.
    replies = race_server.race(
        f"/events/{event.id}/roster/confirm-hours",
        data={"confirm": "1", "signup_id": signup_ids},
        phone=organiser.local_phone,
    )
    _same_redirect(replies)
    assert _count(ServiceRecord, ServiceRecord.event_id == event.id) == 3
    signups = db.select(Signup.id).where(Signup.shift_id == event.shifts[0].id)
    credited = AuditEntry.action == "set_hours"
    assert _count(AuditEntry, credited, AuditEntry.subject_id.in_(signups)) == 3


def test_running_the_draw_ten_times_draws_once(race_server, seed):
    from planner.audit.models import AuditEntry
    from planner.notifications.models import Notification
    from planner.quizzes.models import Attempt, Prize, PrizeWinner

    department = seed.department()
    organiser = seed.organiser(department)
    quiz = seed.quiz(department, is_prize=True)
    quiz.prizes.append(Prize(name="纪念奖", quantity=2, position=0))
    players = [seed.user(f"参与者{i}") for i in range(3)]
    start = utcnow() - timedelta(minutes=30)
    for i, player in enumerate(players):
        db.session.add(
            Attempt(
                quiz_id=quiz.id,
                user_id=player.id,
                prize_user_id=player.id,
                started_at=start,
                finished_at=start + timedelta(minutes=i + 1),
                score=1,
                max_score=1,
                percent=100,
            )
        )
    quiz.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    replies = race_server.race(f"/quizzes/{quiz.id}/draw/run", phone=organiser.local_phone)
    assert _same_redirect(replies) == f"/quizzes/{quiz.id}/draw"
    assert _count(PrizeWinner, PrizeWinner.quiz_id == quiz.id) == 2
    drawn = AuditEntry.action == "draw"
    assert _count(AuditEntry, drawn, AuditEntry.subject_id == quiz.id) == 1
    recipients = Notification.recipient_id.in_([p.id for p in players])
    assert _count(Notification, recipients) == 2


def test_the_same_sign_up_ten_times_at_once_is_one_sign_up_and_every_page_says_so(
    race_server, seed
):
    from planner.signups.models import Signup

    event = seed.event(seed.department(), capacity=1)
    shift_id = event.shifts[0].id
    volunteer = seed.user()
    path = f"/shifts/{shift_id}/signup"
    replies = race_server.race(path, phone=volunteer.local_phone)
    assert _same_redirect(replies) == path  # to ?done=1: Reply.location is the path alone
    assert _count(Signup, Signup.shift_id == shift_id) == 1
    page = race_server.client(volunteer.local_phone).send("GET", f"{path}?done=1")
    assert page.status == 200 and "报名成功，到时见！" in page.body


def test_ten_volunteers_on_the_last_place_make_one_confirmed_and_nine_waiting(race_server, seed):
    from planner.signups.models import Signup

    event = seed.event(seed.department(), capacity=1)
    shift_id = event.shifts[0].id
    phones = [seed.user().local_phone for _ in range(10)]
    path = f"/shifts/{shift_id}/signup"
    replies = race_server.race_from([race_server.client(p) for p in phones], path)
    assert _same_redirect(replies) == path
    statuses = db.session.scalars(db.select(Signup.status).where(Signup.shift_id == shift_id))
    assert sorted(s.value for s in statuses) == ["confirmed"] + ["waitlisted"] * 9
