"""One aggregation function per 数读 measure, each a GROUP BY in the database.

Every function takes ``where``, a SQL condition on Event naming the scope's events
(``planner.events.scopes.events_of``, or true for the whole city), and a Period. The statistics
page, the ledger's summary sheet and the exports all read these, so they always agree.

- Events held: published or completed (not drafts, not cancelled), starting in the period.
- Service hours and volunteers: service records dated in the period, at the scope's events
  (the same records the hours report and certificates read).
- Sign-ups, fill rate, no-shows, late cancellations: on the shifts of the events held.
- Quiz results: finished attempts in the period, at quizzes of the scope's events (or owned by
  the scope's organisation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func

from planner.accounts.models import User
from planner.directory.models import Community, District, Street, VolunteerTeam
from planner.events.models import Event, EventKind, EventStatus, Shift
from planner.extensions import db
from planner.quizzes.models import Attempt, Quiz
from planner.signups.models import PLACE_STATUSES, ServiceRecord, Signup, SignupStatus
from planner.stats.periods import Period

HELD = (EventStatus.PUBLISHED, EventStatus.COMPLETED)


def share(part: float, whole: float) -> float:
    """A share in per cent, to 0.1 (0 of nothing is 0)."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def held(where, period: Period):
    """SQL condition on Event: one of the scope's events, held, starting in the period."""
    return db.and_(
        where,
        Event.status.in_(HELD),
        Event.starts_at >= period.starts_at,
        Event.starts_at < period.ends_at,
    )


def _held_ids(where, period: Period):
    return db.select(Event.id).where(held(where, period))


def _scope_ids(where):
    return db.select(Event.id).where(where)


def _month_bucket(column, bounds: Sequence):
    """The index of the month a value falls in, given each month's first value and the end."""
    inner = bounds[1:-1]
    if not inner:
        return db.literal(0)
    return case(*((column < b, i) for i, b in enumerate(inner)), else_=len(inner))


def _by_month(period: Period, rows) -> list[tuple[date, int]]:
    counts = {int(bucket): int(value or 0) for bucket, value in rows}
    return [(m, counts.get(i, 0)) for i, m in enumerate(period.months())]


# ---------------------------------------------------------------- events


def events_by_kind(where, period: Period) -> dict[EventKind, int]:
    """Events held, by kind (kinds with none are left out)."""
    rows = db.session.execute(
        db.select(Event.kind, func.count(Event.id)).where(held(where, period)).group_by(Event.kind)
    ).all()
    return {kind: count for kind, count in rows}


def events_by_month(where, period: Period) -> list[tuple[date, int]]:
    """Events held, per month of the period (every month listed, empty ones as 0)."""
    bounds = [Period(day, day).starts_at for day in period.month_bounds()]
    bucket = _month_bucket(Event.starts_at, bounds).label("bucket")
    rows = db.session.execute(
        db.select(bucket, func.count(Event.id)).where(held(where, period)).group_by(bucket)
    ).all()
    return _by_month(period, rows)


def seats_taken(where, period: Period) -> int:
    """Audience seats taken (confirmed bookings' party sizes) at the events held."""
    return int(
        db.session.scalar(
            db.select(func.coalesce(func.sum(Event.seats_confirmed), 0)).where(held(where, period))
        )
        or 0
    )


def compared(where, period: Period, level: str) -> list[tuple[str, int]]:
    """Events held per district, street or community (``level``) where they took place, most
    first."""
    column = {"district": District, "street": Street, "community": Community}[level]
    rows = db.session.execute(
        db.select(column.name, func.count(Event.id))
        .join(Community, Community.id == Event.community_id)
        .join(Street, Street.id == Community.street_id)
        .join(District, District.id == Street.district_id)
        .where(held(where, period))
        .group_by(column.id, column.name)
        .order_by(func.count(Event.id).desc(), column.name)
    ).all()
    return [(name, count) for name, count in rows]


@dataclass(frozen=True)
class EventRow:
    id: int
    title: str
    kind: EventKind
    starts_at: object
    places_taken: int
    capacity: int
    minutes: int


def per_event(where, period: Period, limit: int = 200) -> list[EventRow]:
    """Each event held, in start order: places taken of its capacity and service minutes (the
    organisers' detail of a statistics page)."""
    ids = _held_ids(where, period)
    taken = (
        db.select(Shift.event_id, func.count(Signup.id).label("n"))
        .join(Signup, Signup.shift_id == Shift.id)
        .where(Shift.event_id.in_(ids), Signup.status.in_(PLACE_STATUSES))
        .group_by(Shift.event_id)
        .subquery()
    )
    capacity = (
        db.select(Shift.event_id, func.sum(Shift.capacity).label("n"))
        .where(Shift.event_id.in_(ids))
        .group_by(Shift.event_id)
        .subquery()
    )
    served = (
        db.select(ServiceRecord.event_id, func.sum(ServiceRecord.minutes).label("n"))
        .where(ServiceRecord.event_id.in_(ids))
        .group_by(ServiceRecord.event_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(
            Event.id,
            Event.title,
            Event.kind,
            Event.starts_at,
            func.coalesce(taken.c.n, 0),
            func.coalesce(capacity.c.n, 0),
            func.coalesce(served.c.n, 0),
        )
        .outerjoin(taken, taken.c.event_id == Event.id)
        .outerjoin(capacity, capacity.c.event_id == Event.id)
        .outerjoin(served, served.c.event_id == Event.id)
        .where(held(where, period))
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    ).all()
    return [EventRow(*row[:4], *(int(n) for n in row[4:])) for row in rows]


# ---------------------------------------------------------------- service hours


def _dated(period: Period) -> tuple:
    return (ServiceRecord.service_date >= period.first, ServiceRecord.service_date <= period.last)


def _records(where, period: Period):
    """SQL condition on ServiceRecord: at one of the scope's events, dated in the period."""
    return db.and_(ServiceRecord.event_id.in_(_scope_ids(where)), *_dated(period))


@dataclass(frozen=True)
class Service:
    volunteers: int  # distinct volunteers with a record
    records: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def service(where, period: Period) -> Service:
    """Distinct volunteers, service records and minutes in the period."""
    volunteers, records, minutes = db.session.execute(
        db.select(
            func.count(func.distinct(ServiceRecord.volunteer_id)),
            func.count(ServiceRecord.id),
            func.coalesce(func.sum(ServiceRecord.minutes), 0),
        ).where(_records(where, period))
    ).one()
    return Service(int(volunteers), int(records), int(minutes or 0))


def minutes_by_month(where, period: Period) -> list[tuple[date, int]]:
    """Service minutes per month of the period."""
    bucket = _month_bucket(ServiceRecord.service_date, period.month_bounds()).label("bucket")
    rows = db.session.execute(
        db.select(bucket, func.sum(ServiceRecord.minutes))
        .where(_records(where, period))
        .group_by(bucket)
    ).all()
    return _by_month(period, rows)


def minutes_by_team(where, period: Period, limit: int = 10) -> list[tuple[str, int]]:
    """The teams whose volunteers served most minutes, most first."""
    total = func.sum(ServiceRecord.minutes)
    rows = db.session.execute(
        db.select(VolunteerTeam.name, total)
        .join(VolunteerTeam, VolunteerTeam.id == ServiceRecord.team_id)
        .where(_records(where, period))
        .group_by(VolunteerTeam.id, VolunteerTeam.name)
        .order_by(total.desc(), VolunteerTeam.name)
        .limit(limit)
    ).all()
    return [(name, int(minutes or 0)) for name, minutes in rows]


def minutes_by_volunteer(where, period: Period, records=None) -> list[tuple[User, int, int]]:
    """Per volunteer: (user, records, minutes), most minutes first (the ledger's hours sheet and
    the hours report). ``records``, a condition on ServiceRecord, replaces the scope's events."""
    total = func.sum(ServiceRecord.minutes)
    condition = _records(where, period) if records is None else db.and_(records, *_dated(period))
    rows = db.session.execute(
        db.select(ServiceRecord.volunteer_id, func.count(ServiceRecord.id), total)
        .where(condition)
        .group_by(ServiceRecord.volunteer_id)
    ).all()
    users = {
        u.id: u
        for u in db.session.scalars(db.select(User).where(User.id.in_([r[0] for r in rows])))
    }
    return sorted(
        ((users[uid], int(count), int(minutes or 0)) for uid, count, minutes in rows),
        key=lambda row: (-row[2], row[0].real_name),
    )


# ---------------------------------------------------------------- sign-ups


@dataclass(frozen=True)
class Signups:
    by_status: dict[SignupStatus, int]
    late_cancellations: int
    capacity: int  # volunteer places on the shifts of the events held

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def places_taken(self) -> int:
        """Confirmed, attended and no-show sign-ups: each took a place."""
        return sum(
            self.by_status.get(s, 0)
            for s in (SignupStatus.CONFIRMED, SignupStatus.ATTENDED, SignupStatus.NO_SHOW)
        )

    @property
    def fill_rate(self) -> float:
        return share(self.places_taken, self.capacity)

    @property
    def no_show_rate(self) -> float:
        """No-shows among the places taken."""
        return share(self.by_status.get(SignupStatus.NO_SHOW, 0), self.places_taken)

    @property
    def late_cancellation_rate(self) -> float:
        """Late cancellations among all sign-ups."""
        return share(self.late_cancellations, self.total)


def signups(where, period: Period) -> Signups:
    """Sign-ups on the shifts of the events held, by status; late cancellations; capacity."""
    rows = db.session.execute(
        db.select(
            Signup.status,
            func.count(Signup.id),
            func.sum(case((Signup.late_cancellation, 1), else_=0)),
        )
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id.in_(_held_ids(where, period)))
        .group_by(Signup.status)
    ).all()
    capacity = db.session.scalar(
        db.select(func.coalesce(func.sum(Shift.capacity), 0)).where(
            Shift.event_id.in_(_held_ids(where, period))
        )
    )
    return Signups(
        by_status={status: int(count) for status, count, _late in rows},
        late_cancellations=sum(int(late or 0) for _s, _c, late in rows),
        capacity=int(capacity or 0),
    )


# ---------------------------------------------------------------- quizzes


@dataclass(frozen=True)
class Quizzes:
    participants: int  # finished attempts
    average_percent: float
    passed: int

    @property
    def pass_rate(self) -> float:
        return share(self.passed, self.participants)


def quiz_condition(where, owner=None):
    """SQL condition on Quiz: a quiz of the scope's events, or owned by ``owner``."""
    tests = [Quiz.event_id.in_(_scope_ids(where))]
    if owner is not None and owner.organisation_kind in ("department", "street", "community"):
        tests.append(getattr(Quiz, f"{owner.organisation_kind}_id") == owner.id)
    return db.or_(*tests)


def quiz_attempts(where, period: Period, owner=None):
    """SQL condition on Attempt: finished in the period, at one of the scope's quizzes."""
    return db.and_(
        Attempt.finished_at >= period.starts_at,
        Attempt.finished_at < period.ends_at,
        Attempt.quiz_id.in_(db.select(Quiz.id).where(quiz_condition(where, owner))),
    )


def quizzes(where, period: Period, owner=None, city: bool = False) -> Quizzes:
    """Finished attempts, their average score (per cent) and how many passed."""
    condition = (
        db.and_(Attempt.finished_at >= period.starts_at, Attempt.finished_at < period.ends_at)
        if city
        else quiz_attempts(where, period, owner)
    )
    count, average, passed = db.session.execute(
        db.select(
            func.count(Attempt.id),
            func.avg(Attempt.percent),
            func.sum(case((Attempt.passed, 1), else_=0)),
        ).where(condition)
    ).one()
    return Quizzes(int(count), round(float(average or 0), 1), int(passed or 0))
