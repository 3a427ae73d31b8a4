"""Ten identical requests at once, over HTTP, against gunicorn with four workers: one effect.

Each action below must happen once (or at most N times); the requests that lose the race get
an ordinary answer (never a 5xx), and where the winner is redirected, so are they, to the same
place. The server and its database: ``race_server`` in tests/fixtures_http.py.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from planner.extensions import db
from planner.timeutil import utcnow

pytestmark = pytest.mark.http_race

_numbers = itertools.count(1)


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


class Seed:
    def user(self, name: str = "赛跑者"):
        from planner.accounts.models import User

        user = User(phone=f"+86136{next(_numbers):08d}", real_name=name, consented_at=utcnow())
        user.set_password("correct-horse-9")
        db.session.add(user)
        db.session.commit()
        return user

    def department(self):
        from planner.directory.models import Department

        department = Department(name=f"赛跑部门{next(_numbers)}")
        db.session.add(department)
        db.session.commit()
        return department

    def organiser(self, department):
        from planner.accounts.models import OrganiserGrant

        user = self.user("组织者")
        grant = OrganiserGrant(user=user)
        grant.organisation = department
        db.session.add(grant)
        db.session.commit()
        return user

    def event(self, department, status=None, days: float = 3, hours: float = 2, capacity=10):
        from planner.directory.models import Community, District, Street
        from planner.events.models import Event, EventHost, EventKind, EventStatus, Shift

        n = next(_numbers)
        street = Street(district=District(name=f"赛跑区{n}"), name=f"赛跑街道{n}")
        community = Community(street=street, name=f"赛跑社区{n}", address="测试路1号")
        starts_at = (utcnow() + timedelta(days=days)).replace(microsecond=0)
        ends_at = starts_at + timedelta(hours=hours)
        event = Event(
            title=f"赛跑活动{n}",
            kind=EventKind.CLEANUP,
            status=status or EventStatus.PUBLISHED,
            starts_at=starts_at,
            ends_at=ends_at,
            community=community,
            venue="社区广场",
        )
        host = EventHost()
        host.organisation = department
        event.hosts.append(host)
        event.shifts.append(
            Shift(role="清扫", starts_at=starts_at, ends_at=ends_at, capacity=capacity)
        )
        db.session.add(event)
        db.session.commit()
        return event

    def signup(self, shift, user, **fields):
        from planner.signups.models import Signup, SignupStatus

        fields.setdefault("status", SignupStatus.CONFIRMED)
        shift.confirmed_count += 1
        signup = Signup(shift=shift, user=user, arrival=shift.confirmed_count, **fields)
        db.session.add(signup)
        db.session.commit()
        return signup

    def served(self, volunteer, department):
        """A past event of ``department`` where ``volunteer`` served two confirmed hours."""
        from planner.signups import attendance
        from planner.signups.models import SignupStatus

        event = self.event(department, days=-2)
        signup = self.signup(event.shifts[0], volunteer, status=SignupStatus.ATTENDED)
        organiser = self.organiser(department)
        with race_server_request():
            attendance.set_minutes(organiser, signup, 120, "confirmed")
        db.session.commit()
        return event, signup, organiser

    def quiz(self, department=None, **settings):
        from planner.quizzes import bank, services
        from planner.quizzes.models import Question, QuestionType, Quiz, QuizQuestion

        draft = bank.QuestionDraft(
            type=QuestionType.SINGLE, text=f"赛跑题目{next(_numbers)}", explanation="解析"
        )
        draft.options = [bank.OptionDraft("对", True), bank.OptionDraft("错", False)]
        question = bank.apply_draft(Question(), draft, bank.get_or_create_category("婚事新办"))
        now = utcnow()
        settings.setdefault("published", True)
        settings.setdefault("opens_at", now - timedelta(hours=1))
        settings.setdefault("closes_at", now + timedelta(days=7))
        quiz = Quiz(title=f"赛跑竞赛{next(_numbers)}", **settings)
        quiz.owner = department
        db.session.add(question)
        db.session.flush()
        quiz.items.append(QuizQuestion(question_id=question.id, position=0))
        services.save_quiz(None, quiz)
        db.session.commit()
        return quiz


def race_server_request():
    """A request context of the seeding app: services translate their messages in one."""
    from flask import current_app

    return current_app.test_request_context("/")


# ---------------------------------------------------------------- the races


def test_a_quiz_allowing_three_attempts_records_three(race_server, seed):
    from planner.quizzes.models import Attempt

    quiz = seed.quiz(attempts_allowed=3)
    player = seed.user()
    race_server.race(f"/quizzes/{quiz.id}/start", phone=player.local_phone)
    assert _count(Attempt, Attempt.quiz_id == quiz.id) == 3


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

    team = VolunteerTeam(name=f"赛跑志愿服务队{next(_numbers)}", join_policy=JoinPolicy.OPEN)
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
