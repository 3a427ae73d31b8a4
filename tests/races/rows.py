"""Committed rows for the tests that run against gunicorn (the race and the two-host tests)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from planner.extensions import db
from planner.timeutil import utcnow

numbers = itertools.count(1)


class Seed:
    def user(self, name: str = "赛跑者"):
        from planner.accounts.models import User

        user = User(phone=f"+86136{next(numbers):08d}", real_name=name, consented_at=utcnow())
        user.set_password("correct-horse-9")
        db.session.add(user)
        db.session.commit()
        return user

    def department(self):
        from planner.directory.models import Department

        department = Department(name=f"赛跑部门{next(numbers)}")
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

        n = next(numbers)
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
            type=QuestionType.SINGLE, text=f"赛跑题目{next(numbers)}", explanation="解析"
        )
        draft.options = [bank.OptionDraft("对", True), bank.OptionDraft("错", False)]
        question = bank.apply_draft(Question(), draft, bank.get_or_create_category("婚事新办"))
        now = utcnow()
        settings.setdefault("published", True)
        settings.setdefault("opens_at", now - timedelta(hours=1))
        settings.setdefault("closes_at", now + timedelta(days=7))
        quiz = Quiz(title=f"赛跑竞赛{next(numbers)}", **settings)
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
