"""Rules that say "once" or "at most N" hold when the same call runs several times at once.

Each test runs one service from several threads at the same moment (``at_once``, with connections
of their own) and checks the database holds one effect and nobody got a database error. The
same races over HTTP against gunicorn: tests/races/test_http_races.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from planner.accounts.models import User
from planner.audit.models import AuditEntry
from planner.database import insert_once, lock_row, savepoint
from planner.directory.models import JoinPolicy, TeamMembership, VolunteerTeam
from planner.events.models import Event, EventStatus
from planner.exceptions import DomainError
from planner.extensions import db
from planner.quizzes.models import Attempt, Prize, PrizeWinner, Quiz
from planner.signups import attendance, certificates
from planner.signups.models import (
    Certificate,
    CorrectionStatus,
    HoursCorrection,
    ServiceRecord,
    Signup,
)
from planner.timeutil import utcnow


def _count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def _no_database_errors(results) -> None:
    errors = [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    assert not errors, errors


# ---------------------------------------------------------------- the helpers themselves


def test_a_savepoint_opened_first_stays_inside_the_requests_transaction(app, make_department):
    department = make_department()
    with savepoint():
        department.name = "改名"
        db.session.flush()
    db.session.rollback()  # the savepoint's release must not have committed the change
    assert db.session.get(type(department), department.id).name != "改名"


def test_insert_once_returns_the_existing_row_and_keeps_the_transaction_usable(
    app, make_team, make_user
):
    team, user = make_team(), make_user()
    first = TeamMembership(team=team, user=user)
    db.session.add(first)
    db.session.commit()
    found = insert_once(
        TeamMembership(team=team, user=user),
        lambda: db.session.scalar(db.select(TeamMembership).where(TeamMembership.id == first.id)),
    )
    assert found.id == first.id
    db.session.commit()
    assert _count(TeamMembership) == 1


def test_insert_once_raises_a_conflict_it_cannot_explain(app, make_team, make_user):
    team, user = make_team(), make_user()
    db.session.add(TeamMembership(team=team, user=user))
    db.session.commit()
    with pytest.raises(IntegrityError):
        insert_once(TeamMembership(team=team, user=user), lambda: None)


def test_lock_row_reloads_the_row_as_the_transaction_has_it(app, make_department):
    department = make_department()
    department.name = "未保存"
    db.session.flush()
    assert lock_row(type(department), department.id).name == "未保存"


# ---------------------------------------------------------------- the rules


@pytest.fixture
def served(app, make_user, make_department, make_event, grant, sign_up, in_request):
    """A volunteer with two confirmed hours at a past event of a department, and its organiser."""
    department = make_department()
    organiser = make_user("组织者")
    grant(organiser, department)
    volunteer = make_user("志愿者")
    event = make_event(hosts=(department,), shifts=(("清扫", 5),))
    signup = sign_up(event.shifts[0], volunteer)
    _move_to_the_past(event)
    attendance.set_minutes(organiser, signup, 120, "confirmed")
    db.session.commit()
    return volunteer, organiser, department, signup


def _move_to_the_past(event) -> None:
    """Five days earlier: signed up while it was ahead, now over (hours are for past service)."""
    for row in (event, *event.shifts):
        row.starts_at -= timedelta(days=5)
        row.ends_at -= timedelta(days=5)
    db.session.commit()


def _range(signup):
    day = signup.shift.starts_at.date()
    return day - timedelta(days=1), day + timedelta(days=1)


def test_one_pending_correction_a_signup_even_when_sent_at_once(served, at_once):
    volunteer, _organiser, _department, signup = served
    ids = (volunteer.id, signup.id)

    def ask():
        user, row = db.session.get(User, ids[0]), db.session.get(Signup, ids[1])
        return attendance.request_correction(user, row, 150, "提前到场").id

    results = at_once(ask)
    assert len(set(results)) == 1 and isinstance(results[0], int)
    pending = HoursCorrection.status == CorrectionStatus.PENDING
    assert _count(HoursCorrection, pending) == 1


def test_the_same_correction_sent_again_is_the_pending_one(served, in_request):
    volunteer, _organiser, _department, signup = served
    first = attendance.request_correction(volunteer, signup, 150, "提前到场")
    assert attendance.request_correction(volunteer, signup, 150, "提前到场") is first
    with pytest.raises(attendance.CorrectionNotAllowed):
        attendance.request_correction(volunteer, signup, 180, "又改了")


def test_a_correction_decided_by_two_organisers_at_once_is_decided_once(
    served, at_once, in_request
):
    volunteer, organiser, _department, signup = served
    correction_id = attendance.request_correction(volunteer, signup, 150, "提前到场").id
    db.session.commit()
    organiser_id = organiser.id

    def accept():
        actor = db.session.get(User, organiser_id)
        attendance.decide_correction(actor, db.session.get(HoursCorrection, correction_id), True)

    results = at_once(accept)
    _no_database_errors(results)
    assert sum(isinstance(r, attendance.CorrectionDecided) for r in results) == len(results) - 1
    assert _count(AuditEntry, AuditEntry.action == "set_hours") == 2  # confirmed, corrected


def test_one_pending_certificate_request_a_range_even_when_sent_at_once(served, at_once):
    volunteer, _organiser, department, signup = served
    starts_on, ends_on = _range(signup)
    ids = (volunteer.id, department.id)

    def ask():
        user, org = db.session.get(User, ids[0]), db.session.get(type(department), ids[1])
        return certificates.request_certificate(user, org, starts_on, ends_on).id

    results = at_once(ask)
    assert len(set(results)) == 1 and isinstance(results[0], int)
    assert _count(Certificate) == 1


def test_issuing_at_once_gives_one_number_and_one_audit_entry(served, at_once, in_request):
    volunteer, organiser, department, signup = served
    request = certificates.request_certificate(volunteer, department, *_range(signup))
    db.session.commit()
    ids = (organiser.id, request.id)

    def issue():
        actor, row = db.session.get(User, ids[0]), db.session.get(Certificate, ids[1])
        return certificates.issue(actor, row).number

    results = at_once(issue)
    assert len(set(results)) == 1 and results[0].startswith("XF")
    assert db.session.get(Certificate, request.id).number == results[0]
    assert _count(AuditEntry, AuditEntry.action == "issue_certificate") == 1


def test_publishing_at_once_publishes_once(app, make_event, at_once):
    event_id = make_event(status=EventStatus.DRAFT).id

    def publish():
        from planner.events import workflow

        workflow.publish(None, db.session.get(Event, event_id))

    _no_database_errors(at_once(publish))
    assert _count(AuditEntry, AuditEntry.action == "event.publish") == 1
    assert db.session.get(Event, event_id).revision == 1


def test_confirming_hours_at_once_credits_each_signup_once(
    app, make_event, make_user, make_volunteers, sign_up, at_once
):
    event = make_event(shifts=(("清扫", 5),))
    for volunteer in make_volunteers(3):
        sign_up(event.shifts[0], volunteer)
    _move_to_the_past(event)
    organiser_id, shift_id = make_user(admin=True).id, event.shifts[0].id

    def confirm():
        rows = db.session.scalars(db.select(Signup).where(Signup.shift_id == shift_id)).all()
        return attendance.confirm_hours(db.session.get(User, organiser_id), rows)

    results = at_once(confirm)
    _no_database_errors(results)
    assert sum(results) == 3
    assert _count(ServiceRecord) == 3
    assert _count(AuditEntry, AuditEntry.action == "set_hours") == 3


def test_joining_a_team_at_once_makes_one_membership(app, make_team, make_user, at_once):
    team_id = make_team(policy=JoinPolicy.OPEN).id
    user_id = make_user().id

    def join():
        from planner.directory import services

        team, user = db.session.get(VolunteerTeam, team_id), db.session.get(User, user_id)
        try:
            return services.request_membership(team, user).id
        except services.AlreadyMember as exc:
            db.session.scalar(db.select(User.id))  # the request goes on to render its page
            return exc

    results = at_once(join)
    _no_database_errors(results)
    assert len({r for r in results if isinstance(r, int)}) == 1
    assert _count(TeamMembership) == 1


def test_registering_one_phone_at_once_makes_one_account(app, at_once):
    from planner.accounts import services

    results = at_once(lambda: services.register_user("13900001234", "并发", "correct-horse-9").id)
    _no_database_errors(results)
    assert sum(isinstance(r, services.PhoneTaken) for r in results) == len(results) - 1
    assert _count(User, User.phone == "+8613900001234") == 1


def test_making_calendar_links_at_once_leaves_one_live_link(app, make_user, at_once):
    from planner.calendar import services
    from planner.calendar.models import CalendarToken

    user_id = make_user().id
    results = at_once(lambda: services.regenerate_token(db.session.get(User, user_id)).id)
    _no_database_errors(results)
    assert _count(CalendarToken, CalendarToken.revoked_at.is_(None)) == 1


def test_starts_at_once_are_one_attempt_that_every_start_returns(
    app, make_user, make_question, make_quiz, at_once
):
    from planner.quizzes import attempts

    quiz_id = make_quiz([make_question()], attempts_allowed=3).id
    user_id = make_user().id

    def start():
        quiz, user = db.session.get(Quiz, quiz_id), db.session.get(User, user_id)
        return attempts.start_attempt(quiz, user=user).id

    results = at_once(start)
    _no_database_errors(results)
    assert len(set(results)) == 1 and _count(Attempt) == 1


def test_a_quiz_allowing_three_attempts_takes_three_finished_ones_even_started_at_once(
    app, make_user, make_question, make_quiz, at_once
):
    from planner.quizzes import attempts

    quiz_id = make_quiz([make_question()], attempts_allowed=3).id
    user_id = make_user().id

    def start_and_finish():
        quiz, user = db.session.get(Quiz, quiz_id), db.session.get(User, user_id)
        attempt = attempts.start_attempt(quiz, user=user)
        attempts.finish(attempt)
        return attempt.id

    results = at_once(start_and_finish)
    _no_database_errors(results)
    assert sum(isinstance(r, attempts.NoAttemptsLeft) for r in results) == len(results) - 3
    assert _count(Attempt) == 3


def test_the_draw_run_at_once_draws_once_and_a_prize_is_claimed_once(
    app, make_user, make_question, make_quiz, make_department, at_once
):
    from planner.quizzes import draws

    quiz = make_quiz([make_question()], is_prize=True, owner=make_department())
    quiz.prizes.append(Prize(name="纪念奖", quantity=2, position=0))
    start = utcnow() - timedelta(hours=1)
    for i in range(3):
        user = make_user(f"参与者{i}")
        db.session.add(
            Attempt(
                quiz_id=quiz.id,
                user_id=user.id,
                prize_user_id=user.id,
                started_at=start,
                finished_at=start + timedelta(minutes=i + 1),
                score=1,
                max_score=1,
                percent=100,
            )
        )
    quiz.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    quiz_id = quiz.id

    def draw():
        return [w.attempt_id for w in draws.run_draw(None, db.session.get(Quiz, quiz_id))]

    results = at_once(draw)
    _no_database_errors(results)
    assert all(r == results[0] for r in results) and len(results[0]) == 2
    assert _count(PrizeWinner) == 2
    assert _count(AuditEntry, AuditEntry.action == "draw") == 1

    first = db.session.scalar(db.select(PrizeWinner.id).order_by(PrizeWinner.rank))
    claims = at_once(lambda: draws.mark_claimed(None, db.session.get(PrizeWinner, first)))
    _no_database_errors(claims)
    assert _count(AuditEntry, AuditEntry.action == "claim") == 1
