"""What the desk shows, counted in a fixed number of queries whatever the number of events.

Upcoming events are those the user manages (``permissions.managed_events_condition``), each under
the organisations the user acts for that host it. The to-do list counts what waits for them, each
count linked to the page where it is handled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from planner import organisations, permissions
from planner.directory.models import MembershipStatus, TeamMembership, VolunteerTeam
from planner.events.models import Event, EventStatus, Shift
from planner.extensions import db
from planner.signups.models import (
    ACTIVE_STATUSES,
    Certificate,
    CertificateStatus,
    CorrectionStatus,
    HoursCorrection,
    Signup,
    SignupStatus,
)
from planner.timeutil import utcnow

AHEAD = timedelta(days=30)  # how far ahead the desk lists published events
SOON = timedelta(hours=48)  # events this close that still lack volunteers are flagged
LIMIT = 50  # events listed at most, per list


@dataclass
class ShiftLine:
    shift: Shift
    waitlisted: int

    @property
    def fill_rate(self) -> int:
        return round(100 * self.shift.confirmed_count / self.shift.capacity)


@dataclass
class EventLine:
    event: Event
    shifts: list[ShiftLine]
    needs_volunteers: bool  # within 48 hours and places still free


@dataclass
class Section:
    """One organisation the user acts for (None: events they manage through no listed one)."""

    organisation: object
    events: list[EventLine] = field(default_factory=list)

    @property
    def stats_scope(self) -> str | None:
        """The ``<scope>`` of the organisation's statistics page (/stats/<scope>/<id>)."""
        return organisations.feed_scope_of(self.organisation) if self.organisation else None

    @property
    def drafts(self) -> int:
        return sum(1 for line in self.events if line.event.status is EventStatus.DRAFT)


@dataclass
class Todo:
    """One line of the to-do list: how many items wait, and the page that handles them."""

    what: str  # the kind of item (the template words it)
    count: int
    endpoint: str
    values: dict
    label: str = ""  # which organisation or event


@dataclass
class Desk:
    sections: list[Section]
    todos: list[Todo]


def _acting_for(user) -> list:
    """The organisations the user has grants for, and the teams they lead, by kind and name."""
    keys = {grant.organisation_kind_and_id for grant in user.grants}
    found = []
    for kind in ("department", "street", "community"):
        ids = [ident for name, ident in keys if name == kind]
        if ids:
            model = organisations.KINDS[kind].model
            query = db.select(model).where(model.id.in_(ids)).order_by(model.name)
            found.extend(db.session.scalars(query))
    if permissions.leads_any_team(user):
        found.extend(
            db.session.scalars(
                db.select(VolunteerTeam)
                .where(VolunteerTeam.id.in_(permissions.led_team_ids(user)))
                .order_by(VolunteerTeam.name)
            )
        )
    return found


def _upcoming(user, now: datetime) -> list[Event]:
    return list(
        db.session.scalars(
            db.select(Event)
            .where(
                permissions.managed_events_condition(user),
                Event.ends_at >= now,
                db.or_(
                    Event.status == EventStatus.DRAFT,
                    db.and_(Event.status == EventStatus.PUBLISHED, Event.starts_at < now + AHEAD),
                ),
            )
            .options(selectinload(Event.shifts), selectinload(Event.hosts))
            .order_by(Event.starts_at, Event.id)
            .limit(LIMIT)
        )
    )


def _waitlists(events: list[Event]) -> dict[int, int]:
    """Waitlisted sign-ups per shift of ``events``."""
    shift_ids = [s.id for e in events for s in e.shifts]
    if not shift_ids:
        return {}
    rows = db.session.execute(
        db.select(Signup.shift_id, func.count(Signup.id))
        .where(Signup.shift_id.in_(shift_ids), Signup.status == SignupStatus.WAITLISTED)
        .group_by(Signup.shift_id)
    ).all()
    return dict(rows)


def _sections(user, events: list[Event], now: datetime) -> list[Section]:
    waitlists = _waitlists(events)
    sections = {organisations.key_of(o): Section(o) for o in _acting_for(user)}
    others = Section(None)
    for event in events:
        line = EventLine(
            event,
            [ShiftLine(s, waitlists.get(s.id, 0)) for s in event.shifts],
            event.status is EventStatus.PUBLISHED
            and event.starts_at < now + SOON
            and any(s.remaining for s in event.shifts),
        )
        keys = {organisations.format_key(*h.organisation_kind_and_id) for h in event.hosts}
        placed = [sections[k] for k in keys if k in sections]
        for section in placed or [others]:
            section.events.append(line)
    return [*sections.values(), *([others] if others.events else [])]


# ---------------------------------------------------------------- to-do counts


def _join_requests(user) -> list[Todo]:
    rows = db.session.execute(
        db.select(VolunteerTeam.id, VolunteerTeam.name, func.count(TeamMembership.id))
        .join(TeamMembership, TeamMembership.team_id == VolunteerTeam.id)
        .where(
            TeamMembership.status == MembershipStatus.PENDING,
            permissions.managed_condition("team", user),
        )
        .group_by(VolunteerTeam.id, VolunteerTeam.name)
        .order_by(VolunteerTeam.name)
    ).all()
    return [
        Todo("join", n, "directory.team_members", {"team_id": ident}, name)
        for ident, name, n in rows
    ]


def _certificate_requests(user) -> list[Todo]:
    issuers = [
        getattr(Certificate, f"{kind}_id").in_(
            db.select(organisations.KINDS[kind].model.id).where(
                permissions.managed_condition(kind, user)
            )
        )
        for kind in Certificate.organisation_kinds
    ]
    count = db.session.scalar(
        db.select(func.count(Certificate.id)).where(
            Certificate.status == CertificateStatus.REQUESTED, db.or_(*issuers)
        )
    )
    return [Todo("certificates", count, "signups.certificate_requests", {})] if count else []


def _per_event(what: str, rows) -> list[Todo]:
    return [Todo(what, n, "signups.roster", {"event_id": ident}, title) for ident, title, n in rows]


def _corrections(user) -> list[Todo]:
    rows = db.session.execute(
        db.select(Event.id, Event.title, func.count(HoursCorrection.id))
        .join(Shift, Shift.event_id == Event.id)
        .join(Signup, Signup.shift_id == Shift.id)
        .join(HoursCorrection, HoursCorrection.signup_id == Signup.id)
        .where(
            HoursCorrection.status == CorrectionStatus.PENDING,
            permissions.managed_events_condition(user),
        )
        .group_by(Event.id, Event.title)
        .order_by(Event.id)
        .limit(LIMIT)
    ).all()
    return _per_event("corrections", rows)


def _unconfirmed_hours(user, now: datetime) -> list[Todo]:
    """Events that have ended, not cancelled, with attending sign-ups whose hours wait."""
    rows = db.session.execute(
        db.select(Event.id, Event.title, func.count(Signup.id))
        .join(Shift, Shift.event_id == Event.id)
        .join(Signup, Signup.shift_id == Shift.id)
        .where(
            Event.ends_at < now,
            Event.status.in_((EventStatus.PUBLISHED, EventStatus.COMPLETED)),
            Signup.status.in_((SignupStatus.CONFIRMED, SignupStatus.ATTENDED)),
            Signup.minutes.is_(None),
            permissions.managed_events_condition(user),
        )
        .group_by(Event.id, Event.title, Event.ends_at)
        .order_by(Event.ends_at.desc())
        .limit(LIMIT)
    ).all()
    return _per_event("hours", rows)


def _cancelled_with_people(user, now: datetime) -> list[Todo]:
    """Cancelled events still ahead whose sign-ups still stand: people to tell in person."""
    rows = db.session.execute(
        db.select(Event.id, Event.title, func.count(Signup.id))
        .join(Shift, Shift.event_id == Event.id)
        .join(Signup, Signup.shift_id == Shift.id)
        .where(
            Event.status == EventStatus.CANCELLED,
            Event.starts_at >= now,
            Signup.status.in_(ACTIVE_STATUSES),
            permissions.managed_events_condition(user),
        )
        .group_by(Event.id, Event.title, Event.starts_at)
        .order_by(Event.starts_at)
        .limit(LIMIT)
    ).all()
    return _per_event("cancelled", rows)


def desk(user, now: datetime | None = None) -> Desk:
    """Everything on the desk of ``user``."""
    now = now or utcnow()
    events = _upcoming(user, now)
    todos = [
        *_join_requests(user),
        *_certificate_requests(user),
        *_corrections(user),
        *_unconfirmed_hours(user, now),
        *_cancelled_with_people(user, now),
    ]
    return Desk(_sections(user, events, now), todos)
