"""Demo sign-ups: volunteers on upcoming shifts, credited hours and a certificate for past ones.

Runs after the events seeder (it only uses events that exist) and is idempotent.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from planner.accounts.models import User
from planner.events.models import Event, EventStatus
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups import attendance, certificates, places
from planner.signups.models import Certificate, Signup, SignupStatus
from planner.timeutil import local_now, utcnow

VOLUNTEERS = ("13800000011", "13800000012", "13800000013")
ORGANISER = "13800000002"


def _user(phone: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.phone == "+86" + phone))


def seed() -> None:
    # Domain errors translate their message; outside a request the locale must be given.
    with force_locale("zh_Hans_CN"):
        _seed()


def _seed() -> None:
    volunteers = [u for u in map(_user, VOLUNTEERS) if u is not None]
    organiser = _user(ORGANISER)
    if not volunteers or organiser is None:
        return
    now = utcnow()
    events = db.session.scalars(
        db.select(Event)
        .where(Event.status.in_((EventStatus.PUBLISHED, EventStatus.COMPLETED)))
        .options(selectinload(Event.shifts), selectinload(Event.hosts))
        .order_by(Event.starts_at)
    ).all()
    for event in events:
        for shift in event.shifts[:1]:
            if shift.starts_at > now and event.status is EventStatus.PUBLISHED:
                for user in volunteers[:2]:
                    with suppress(DomainError):  # overlapping demo shifts: skip
                        places.sign_up(shift.id, user, now=now)
            elif shift.ends_at < now:
                _credit_past(shift, volunteers, organiser)
    db.session.flush()
    _issue_demo_certificate(volunteers[0], organiser)


def _credit_past(shift, volunteers, organiser) -> None:
    for arrival, user in enumerate(volunteers, start=1):
        signup = db.session.scalar(
            db.select(Signup).where(Signup.shift_id == shift.id, Signup.user_id == user.id)
        )
        if signup is not None:
            continue
        if shift.confirmed_count >= shift.capacity:
            return
        signup = Signup(shift=shift, user=user, status=SignupStatus.CONFIRMED, arrival=arrival)
        shift.confirmed_count += 1
        db.session.add(signup)
        db.session.flush()
        attendance.set_minutes(organiser, signup, attendance.computed_minutes(signup), "demo data")


def _issue_demo_certificate(volunteer: User, organiser: User) -> None:
    if db.session.scalar(db.select(Certificate.id).where(Certificate.volunteer_id == volunteer.id)):
        return
    for org in certificates.issuers_for(volunteer):
        try:
            certificate = certificates.request_certificate(
                volunteer, org, date(2024, 1, 1), local_now().date()
            )
        except DomainError:
            continue
        certificates.issue(organiser, certificate)
        return
