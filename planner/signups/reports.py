"""What the sign-up pages, exports and other features read: rosters, a volunteer's own sign-ups,
seats and hours, who takes part in an event, and the hours report. Reads only; nothing changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import g
from flask_login import current_user
from sqlalchemy import Select, func
from sqlalchemy.orm import joinedload, selectinload

from planner import organisations, permissions
from planner.accounts.models import User
from planner.directory import services as directory
from planner.directory.models import MembershipStatus, TeamMembership, TeamRole, VolunteerTeam
from planner.events.models import Event, EventHost, Shift, places_left
from planner.events.scopes import events_of
from planner.extensions import db
from planner.signups.models import (
    ACTIVE_STATUSES,
    PLACE_STATUSES,
    CorrectionStatus,
    HoursCorrection,
    SeatBooking,
    SeatStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from planner.signups.places import position_on_waitlist
from planner.stats import measures, periods
from planner.timeutil import to_local, utcnow

# ---------------------------------------------------------------- loading for a page


def shift_with_event(shift_id: int) -> Shift | None:
    return db.session.scalar(
        db.select(Shift).where(Shift.id == shift_id).options(joinedload(Shift.event))
    )


def event_with_shifts_and_hosts(event_id: int) -> Event | None:
    """The event with what its roster and the check of who manages it read."""
    return db.session.scalar(
        db.select(Event)
        .where(Event.id == event_id)
        .options(
            selectinload(Event.shifts),
            selectinload(Event.hosts).options(
                joinedload(EventHost.department),
                joinedload(EventHost.partner),
                joinedload(EventHost.street),
                joinedload(EventHost.community),
                joinedload(EventHost.team),
            ),
            joinedload(Event.community),
        )
    )


def signup_with_shift(signup_id: int) -> Signup | None:
    return db.session.scalar(
        db.select(Signup)
        .where(Signup.id == signup_id)
        .options(joinedload(Signup.shift).joinedload(Shift.event), joinedload(Signup.user))
    )


# ---------------------------------------------------------------- a volunteer's own


@dataclass(frozen=True)
class ShiftPlaces:
    """A shift's places as they are now, and the reader's own sign-up on it (if any)."""

    shift_id: int
    capacity: int
    confirmed_count: int
    signup_id: int | None
    status: SignupStatus | None
    position: int | None  # on the waitlist, when waitlisted

    @property
    def remaining(self) -> int:
        return places_left(self.capacity, self.confirmed_count)


@dataclass(frozen=True)
class EventPlaces:
    """An event's version (``updated_at``: what the page cache keys its pages by) and its
    shifts' places with the reader's own sign-ups, by shift id."""

    event_id: int
    version: object
    shifts: dict[int, ShiftPlaces]


# Built once: it runs for every event page and sign-up page a signed-in person opens. The event,
# each of its shifts, and the reader's sign-up on each: one round trip.
_shift_of = Shift.__table__.alias("shift_of")
_EVENT_PLACES = (
    db.select(
        Event.id,
        Event.updated_at,
        Shift.id,
        Shift.capacity,
        Shift.confirmed_count,
        Signup.id,
        Signup.status,
        position_on_waitlist(),
    )
    .select_from(Event)
    .outerjoin(Shift, Shift.event_id == Event.id)
    .outerjoin(
        Signup,
        db.and_(Signup.shift_id == Shift.id, Signup.user_id == db.bindparam("user_id")),
    )
)
_BY_EVENT = _EVENT_PLACES.where(Event.id == db.bindparam("event_id"))
_BY_SHIFT = _EVENT_PLACES.where(
    Event.id
    == db.select(_shift_of.c.event_id)
    .where(_shift_of.c.id == db.bindparam("shift_id"))
    .scalar_subquery()
)


def _load_places(statement, params: dict, user) -> EventPlaces | None:
    user_id = user.id if getattr(user, "is_authenticated", False) else None
    rows = db.session.execute(statement, {**params, "user_id": user_id}).all()
    if not rows:
        return None
    shifts = {
        row[2]: ShiftPlaces(*row[2:7], row[7] if row[6] is SignupStatus.WAITLISTED else None)
        for row in rows
        if row[2] is not None
    }
    places = EventPlaces(rows[0][0], rows[0][1], shifts)
    g.setdefault("_event_places", {})[places.event_id, user_id] = places
    return places


def event_places(event_id: int, user=None) -> EventPlaces | None:
    """The event's version and its shifts' places with the user's own sign-ups (None: no such
    event); one query per event and request."""
    user = current_user if user is None else user
    user_id = user.id if getattr(user, "is_authenticated", False) else None
    known = g.get("_event_places", {}).get((event_id, user_id))
    return known or _load_places(_BY_EVENT, {"event_id": event_id}, user)


def shift_event_places(shift_id: int, user=None) -> EventPlaces | None:
    """``event_places`` of the shift's event, found by the shift (None: no such shift)."""
    user = current_user if user is None else user
    return _load_places(_BY_SHIFT, {"shift_id": shift_id}, user)


def my_places(event_id: int, user=None) -> dict[int, ShiftPlaces]:
    """Every shift of the event by id: its places now and the user's own sign-up on it, with the
    waitlist position (``event_places``)."""
    places = event_places(event_id, user)
    return places.shifts if places is not None else {}


# A booking that still holds (or waits for) seats.
_LIVE_BOOKING = SeatBooking.status != SeatStatus.CANCELLED


@dataclass(frozen=True)
class SeatPlaces:
    """An event's audience seats as they are now, and the reader's live booking (if any)."""

    capacity: int
    confirmed: int
    status: SeatStatus | None
    party_size: int | None
    booking_id: int | None = None

    @property
    def free(self) -> int:
        return places_left(self.capacity, self.confirmed)


_MY_SEATS = (
    db.select(
        Event.seats_capacity,
        Event.seats_confirmed,
        SeatBooking.status,
        SeatBooking.party_size,
        SeatBooking.id,
    )
    .select_from(Event)
    .outerjoin(
        SeatBooking,
        db.and_(
            SeatBooking.event_id == Event.id,
            SeatBooking.user_id == db.bindparam("user_id"),
            _LIVE_BOOKING,
        ),
    )
    .where(Event.id == db.bindparam("event_id"))
)


def my_seat_places(event_id: int, user=None) -> SeatPlaces | None:
    """The event's seats now and the user's live booking (None: no such event); one query per
    event and request."""
    user = current_user if user is None else user
    user_id = user.id if getattr(user, "is_authenticated", False) else None
    cache = g.setdefault("_my_seat_places", {})
    if (event_id, user_id) not in cache:
        row = db.session.execute(_MY_SEATS, {"event_id": event_id, "user_id": user_id}).first()
        cache[event_id, user_id] = SeatPlaces(row[0] or 0, *row[1:]) if row else None
    return cache[event_id, user_id]


def my_seats_for(event: Event, user=None) -> SeatBooking | None:
    """The user's live seat booking for ``event`` as a row to change (``my_seat_places`` says
    which it is)."""
    seats = my_seat_places(event.id, user)
    if seats is None or seats.booking_id is None:
        return None
    return db.session.get(SeatBooking, seats.booking_id)


@dataclass
class MyVolunteering:
    """What *My volunteering* shows: sign-ups (with waitlist positions) still to come and past,
    those with a pending hours correction, booked seats, and hours this year, in all, per team."""

    upcoming: list[tuple[Signup, int | None]]
    past: list[tuple[Signup, int | None]]
    pending: set[int]
    seats: list[SeatBooking]
    year: int
    minutes_year: int
    minutes_total: int
    per_team: list[tuple[str, int]]


def _signups_with_positions(user: User) -> list[tuple[Signup, int]]:
    return db.session.execute(
        db.select(Signup, position_on_waitlist())
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.user_id == user.id)
        .options(joinedload(Signup.shift).joinedload(Shift.event), joinedload(Signup.team))
        .order_by(Shift.starts_at)
    ).all()


def _pending_correction_ids(user: User) -> set[int]:
    """The user's sign-ups with an hours correction waiting for a decision."""
    return set(
        db.session.scalars(
            db.select(HoursCorrection.signup_id)
            .join(Signup, Signup.id == HoursCorrection.signup_id)
            .where(
                Signup.user_id == user.id,
                HoursCorrection.status == CorrectionStatus.PENDING,
            )
        )
    )


def _service_minutes(user: User) -> list[tuple[date, int, str | None]]:
    """(day, minutes, team name) of each of the user's service records."""
    return db.session.execute(
        db.select(ServiceRecord.service_date, ServiceRecord.minutes, VolunteerTeam.name)
        .outerjoin(VolunteerTeam, VolunteerTeam.id == ServiceRecord.team_id)
        .where(ServiceRecord.volunteer_id == user.id)
    ).all()


def _upcoming_seats(user: User, now: datetime) -> list[SeatBooking]:
    return db.session.scalars(
        db.select(SeatBooking)
        .join(Event, Event.id == SeatBooking.event_id)
        .where(
            SeatBooking.user_id == user.id,
            SeatBooking.status != SeatStatus.CANCELLED,
            Event.ends_at >= now,
        )
        .options(joinedload(SeatBooking.event))
        .order_by(Event.starts_at)
    ).all()


def my_volunteering(user: User, now: datetime | None = None) -> MyVolunteering:
    """A volunteer's sign-ups, seats and hours, in four queries whatever their number."""
    now = now or utcnow()
    rows = _signups_with_positions(user)
    # A cancelled sign-up for a shift still to come stays under upcoming, marked cancelled.
    upcoming = [
        (s, p)
        for s, p in rows
        if s.shift.ends_at >= now and s.status in (*ACTIVE_STATUSES, SignupStatus.CANCELLED)
    ]
    past = [(s, p) for s, p in reversed(rows) if (s, p) not in upcoming]
    pending = _pending_correction_ids(user)
    records = _service_minutes(user)
    year = to_local(now).year
    per_team: dict[str, int] = {}
    for _day, minutes, team in records:
        per_team[team or ""] = per_team.get(team or "", 0) + minutes
    return MyVolunteering(
        upcoming=upcoming,
        past=past,
        pending=pending,
        seats=_upcoming_seats(user, now),
        year=year,
        minutes_year=sum(m for d, m, _t in records if d.year == year),
        minutes_total=sum(m for _d, m, _t in records),
        per_team=sorted(per_team.items()),
    )


# ---------------------------------------------------------------- team sign-up


def teams_led_by(user: User) -> list[VolunteerTeam]:
    """The teams (not archived) that ``user`` actively leads, by name."""
    return db.session.scalars(
        db.select(VolunteerTeam)
        .join(TeamMembership, TeamMembership.team_id == VolunteerTeam.id)
        .where(
            TeamMembership.user_id == user.id,
            TeamMembership.role == TeamRole.LEADER,
            TeamMembership.status == MembershipStatus.ACTIVE,
            VolunteerTeam.archived_at.is_(None),
        )
        .order_by(VolunteerTeam.name)
    ).all()


def active_memberships(team_id: int) -> list[TeamMembership]:
    """The team's active memberships with their people, in joining order."""
    return db.session.scalars(
        db.select(TeamMembership)
        .where(TeamMembership.team_id == team_id, TeamMembership.status == MembershipStatus.ACTIVE)
        .options(joinedload(TeamMembership.user))
        .order_by(TeamMembership.id)
    ).all()


# ---------------------------------------------------------------- rosters


def roster_rows(event: Event) -> list[Signup]:
    """Everyone signed up for ``event``, with their person and team, shift by shift, confirmed
    before waitlisted, each in arrival order."""
    return db.session.scalars(
        db.select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id)
        .options(joinedload(Signup.user), joinedload(Signup.team))
        .order_by(Shift.starts_at, Shift.id, Signup.status, Signup.arrival)
    ).all()


def pending_corrections(event: Event) -> list[HoursCorrection]:
    """Hours corrections on ``event`` waiting for an organiser, oldest first."""
    return db.session.scalars(
        db.select(HoursCorrection)
        .join(Signup, Signup.id == HoursCorrection.signup_id)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id, HoursCorrection.status == CorrectionStatus.PENDING)
        .options(joinedload(HoursCorrection.signup).joinedload(Signup.user))
        .order_by(HoursCorrection.id)
    ).all()


def participants(event: Event) -> list[User]:
    """Everyone holding or waiting for a place at ``event`` (shift sign-ups and seat bookings).

    The events service notifies these people of changes (the ``event_participants`` signal).
    """
    on_shifts = (
        db.select(Signup.user_id)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id, Signup.status.in_(ACTIVE_STATUSES))
    )
    in_seats = db.select(SeatBooking.user_id).where(
        SeatBooking.event_id == event.id, SeatBooking.status != SeatStatus.CANCELLED
    )
    return list(
        db.session.scalars(
            db.select(User)
            .where(User.id.in_(on_shifts.union(in_seats)), User.deleted_at.is_(None))
            .order_by(User.id)
        )
    )


@dataclass(frozen=True)
class Turnout:
    """How many came to an event that took place: volunteers recorded as present (checked in or
    attended), volunteers who held a place, and audience seats booked."""

    came: int
    signed_up: int
    seats: int


def turnout(event: Event) -> Turnout:
    """The turnout of ``event``, in one query."""
    present = db.or_(Signup.status == SignupStatus.ATTENDED, Signup.checked_in_at.is_not(None))
    came, signed_up = db.session.execute(
        db.select(
            func.count(Signup.id).filter(present),
            func.count(Signup.id).filter(Signup.status.in_(PLACE_STATUSES)),
        )
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id)
    ).one()
    return Turnout(came=came, signed_up=signed_up, seats=event.seats_confirmed)


def personal_events(user: User) -> Select:
    """The events in a volunteer's personal calendar: shifts and seats they hold or wait for."""
    on_shifts = (
        db.select(Shift.event_id)
        .join(Signup, Signup.shift_id == Shift.id)
        .where(Signup.user_id == user.id, Signup.status != SignupStatus.CANCELLED)
    )
    in_seats = db.select(SeatBooking.event_id).where(
        SeatBooking.user_id == user.id, SeatBooking.status != SeatStatus.CANCELLED
    )
    return on_shifts.union(in_seats)


# ---------------------------------------------------------------- hours report


def report_scopes(user=None) -> list[tuple[str, str, object]]:
    """(key, name, organisation) of each department and team (not archived) whose hours report
    ``user`` may read."""
    departments = directory.active_departments()
    teams = db.session.scalars(
        db.select(VolunteerTeam)
        .where(VolunteerTeam.archived_at.is_(None))
        .options(joinedload(VolunteerTeam.department), joinedload(VolunteerTeam.community))
        .order_by(VolunteerTeam.name)
    ).all()
    return [
        (organisations.key_of(o), o.name, o)
        for o in (*departments, *teams)
        if permissions.can_manage(o, user)
    ]


def hours_report(scope, month: str | None = None) -> list[tuple[User, int, int]]:
    """Per volunteer: (user, service records, minutes) for a scope's events or a team, in a month
    (``YYYY-MM``) or in all."""
    period = (month and periods.month(month)) or periods.ALL_TIME
    if scope.organisation_kind != "team":
        # The same measure as the statistics and the ledger's hours sheet.
        return measures.minutes_by_volunteer(events_of(scope), period)
    # What the team's volunteers served with the team, at whoever's events.
    return measures.minutes_by_volunteer(None, period, ServiceRecord.team_id == scope.id)
