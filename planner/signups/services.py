"""Sign-up rules: capacity under concurrency, the waitlist, cancellation, team sign-up, seats.

Capacity is enforced inside the database transaction. Every change to a shift's places first
locks the shift row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a no-op ``UPDATE`` that takes
the database's single write lock, waiting under ``busy_timeout``), so the checks and the arrival
number that follow are serialised; the place itself is taken with a guarded conditional
``UPDATE … WHERE confirmed_count < capacity`` whose row count decides confirmed or waitlisted.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import NamedTuple

from flask import current_app, g
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import aliased, joinedload

from planner.accounts.models import User
from planner.audit import services as audit
from planner.database import lock_row
from planner.directory.models import MembershipStatus, TeamMembership, VolunteerTeam
from planner.events.models import Event, EventStatus, Shift
from planner.exceptions import DomainError
from planner.extensions import db
from planner.notifications import services as notifications
from planner.signups.models import (
    ACTIVE_STATUSES,
    SeatBooking,
    SeatStatus,
    Signup,
    SignupStatus,
)
from planner.timeutil import utcnow


class SignupClosed(DomainError):
    message = _l("Sign-up for this shift is closed.")


class AlreadyStarted(DomainError):
    message = _l("This shift has already started; it can no longer be changed here.")


class ShiftOverlap(DomainError):
    def __init__(self, other: Shift):
        super().__init__(
            _l(
                "You are already signed up for “%(shift)s” of “%(event)s” at that time.",
                shift=other.role,
                event=other.event.title,
            )
        )


class MemberOverlap(DomainError):
    def __init__(self, user: User, other: Shift):
        super().__init__(
            _l(
                "%(name)s is already signed up for “%(shift)s” of “%(event)s” at that time.",
                name=user.real_name,
                shift=other.role,
                event=other.event.title,
            )
        )


class NotSignedUp(DomainError):
    message = _l("This sign-up is not active.")


class CapacityTooLow(DomainError):
    message = _l("The capacity cannot be lower than the places already confirmed.")
    field = "capacity"


class NotActiveMember(DomainError):
    message = _l("Only active members of the team can be signed up.")


class NoSeats(DomainError):
    message = _l("This event takes no audience seat bookings.")


class PartyTooLarge(DomainError):
    message = _l("The party is larger than this event allows.")
    field = "party_size"


# ---------------------------------------------------------------- locking


def _lock_shift(shift_id: int) -> Shift:
    """Lock the shift row for the rest of the transaction and return it freshly loaded."""
    return lock_row(Shift, shift_id, joinedload(Shift.event), column=Shift.confirmed_count)


def _take_place(shift: Shift) -> bool:
    """Take one confirmed place with a guarded update; ``False`` when the shift is full."""
    taken = db.session.connection().execute(_TAKE_PLACE, {"shift_id": shift.id}).rowcount == 1
    db.session.refresh(shift, ["confirmed_count"])
    return taken


def _release_place(shift: Shift) -> None:
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.confirmed_count > 0)
        .values(confirmed_count=Shift.confirmed_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(shift, ["confirmed_count"])


# ---------------------------------------------------------------- notifications


@contextmanager
def _in_language_of(user: User):
    with force_locale(user.locale or current_app.config["PLANNER_DEFAULT_LOCALE"]):
        yield


def _notify(user: User, key: str, make: Callable[[], tuple[str, str]]) -> None:
    """Queue one message to ``user`` written in their language; ``key`` makes it idempotent."""
    if user.deleted_at is not None:
        return
    with _in_language_of(user):
        subject, body = make()
    notifications.queue(user, subject, body, dedupe_key=key[:120])


def _when(starts_at) -> str:
    return format_datetime(starts_at, "short")


def notify_confirmed(signup: Signup) -> None:
    shift = signup.shift
    _notify_confirmed(
        signup.user, signup.id, signup.arrival, shift.role, shift.event.title, shift.starts_at
    )


def _notify_confirmed(
    user: User, signup_id: int, arrival: int, role: str, title: str, starts_at
) -> None:
    _notify(
        user,
        f"signup:{signup_id}:{arrival}:confirmed",
        lambda: (
            _("Sign-up confirmed: %(event)s", event=title),
            _(
                "You are signed up for “%(shift)s” of “%(event)s”, starting %(when)s.",
                shift=role,
                event=title,
                when=_when(starts_at),
            ),
        ),
    )


def notify_waitlisted(signup: Signup, position: int) -> None:
    shift = signup.shift
    _notify_waitlisted(
        signup.user,
        signup.id,
        signup.arrival,
        position,
        shift.role,
        shift.event.title,
        shift.starts_at,
    )


def _notify_waitlisted(
    user: User, signup_id: int, arrival: int, position: int, role: str, title: str, starts_at
) -> None:
    _notify(
        user,
        f"signup:{signup_id}:{arrival}:waitlisted",
        lambda: (
            _("On the waitlist: %(event)s", event=title),
            _(
                "“%(shift)s” of “%(event)s” is full; you are number %(position)d on the waitlist.",
                shift=role,
                event=title,
                position=position,
            ),
        ),
    )


def notify_promoted(signup: Signup) -> None:
    shift = signup.shift
    _notify(
        signup.user,
        f"signup:{signup.id}:{signup.arrival}:promoted",
        lambda: (
            _("A place is yours: %(event)s", event=shift.event.title),
            _(
                "A place became free: you are now confirmed for “%(shift)s” of “%(event)s”, starting %(when)s.",
                shift=shift.role,
                event=shift.event.title,
                when=_when(shift.starts_at),
            ),
        ),
    )


def notify_cancelled(signup: Signup) -> None:
    shift = signup.shift
    _notify(
        signup.user,
        f"signup:{signup.id}:{signup.arrival}:cancelled",
        lambda: (
            _("Sign-up cancelled: %(event)s", event=shift.event.title),
            _(
                "Your sign-up for “%(shift)s” of “%(event)s” is cancelled.",
                shift=shift.role,
                event=shift.event.title,
            ),
        ),
    )


# ---------------------------------------------------------------- signing up


class SignupOutcome(NamedTuple):
    """What a sign-up came to, without loading it: the row's id, its status, its waitlist place."""

    signup_id: int
    status: SignupStatus
    position: int | None


# Signing up runs prepared statements on the tables: building a statement per request, and
# loading the shift, its event and the new row as objects, cost several times the database's own
# work. The rules are those of the other changes to places: the shift row is locked first.
_shifts = Shift.__table__
_events = Event.__table__
_signups = Signup.__table__

# SQLite has no row locks: a no-op update takes the database's write lock before the read.
_SQLITE_LOCK_SHIFT = (
    update(_shifts)
    .where(_shifts.c.id == bindparam("shift_id"))
    .values(confirmed_count=_shifts.c.confirmed_count)
)
_LOCK_SHIFT = (
    select(
        _shifts.c.role,
        _shifts.c.starts_at,
        _shifts.c.ends_at,
        _events.c.status.label("event_status"),
        _events.c.title.label("event_title"),
    )
    .join_from(_shifts, _events, _events.c.id == _shifts.c.event_id)
    .where(_shifts.c.id == bindparam("shift_id"))
    .with_for_update(of=_shifts)
)
# The volunteer's row on this shift, if any, and their active sign-ups overlapping it, earliest
# first: one pass over the volunteer's own sign-ups (index on user_id).
_MINE_HERE_OR_OVERLAPPING = (
    select(_signups.c.id, _signups.c.shift_id, _signups.c.status, _signups.c.arrival)
    .join_from(_signups, _shifts, _shifts.c.id == _signups.c.shift_id)
    .where(
        _signups.c.user_id == bindparam("user_id"),
        or_(
            _signups.c.shift_id == bindparam("shift_id"),
            and_(
                _signups.c.status.in_(ACTIVE_STATUSES),
                _shifts.c.starts_at < bindparam("ends_at"),
                _shifts.c.ends_at > bindparam("starts_at"),
            ),
        ),
    )
    .order_by(_shifts.c.starts_at, _shifts.c.id)
)
# The next arrival number on the shift, taken under the shift's lock.
_earlier = _signups.alias("earlier")  # never correlated with the row being written
_NEXT_ARRIVAL = (
    select(func.coalesce(func.max(_earlier.c.arrival), 0) + 1)
    .where(_earlier.c.shift_id == bindparam("arrival_shift_id"))
    .scalar_subquery()
)
_TAKE_PLACE = (
    update(_shifts)
    .where(_shifts.c.id == bindparam("shift_id"), _shifts.c.confirmed_count < _shifts.c.capacity)
    .values(confirmed_count=_shifts.c.confirmed_count + 1)
)
_INSERT_SIGNUP = (
    insert(_signups).values(arrival=_NEXT_ARRIVAL).returning(_signups.c.id, _signups.c.arrival)
)
_REUSE_SIGNUP = (
    update(_signups)
    .where(_signups.c.id == bindparam("signup_id"))
    .values(arrival=_NEXT_ARRIVAL)
    .returning(_signups.c.id, _signups.c.arrival)
)
_WAITING_AHEAD = select(func.count()).where(
    _signups.c.shift_id == bindparam("shift_id"),
    _signups.c.status == SignupStatus.WAITLISTED,
    _signups.c.arrival < bindparam("arrival"),
)


def _expire_loaded(model, row_id: int, *attributes: str) -> None:
    """Expire ``model`` ``row_id`` if the session holds it: plain statements bypass the ORM."""
    loaded = db.session.identity_map.get(db.session.identity_key(model, row_id))
    if loaded is not None:
        db.session.expire(loaded, attributes or None)


def sign_up_outcome(
    shift_id: int,
    user: User,
    *,
    by: User | None = None,
    team: VolunteerTeam | None = None,
    now=None,
    overlap_error: Callable[[Shift], DomainError] = ShiftOverlap,
) -> SignupOutcome | None:
    """Sign ``user`` up: a confirmed place while one is free, else the end of the waitlist.

    Signing up twice returns the existing sign-up; ``None`` when the shift does not exist. Flushes only.
    """
    now = now or utcnow()
    db.session.flush()  # the statements below must see pending changes
    connection = db.session.connection()
    # Lock the shift row first (see ``planner.database.lock_row``): what follows is serialised per shift.
    if connection.dialect.name == "sqlite":
        connection.execute(_SQLITE_LOCK_SHIFT, {"shift_id": shift_id})
    shift = connection.execute(_LOCK_SHIFT, {"shift_id": shift_id}).one_or_none()
    if shift is None:
        return None
    if shift.event_status is not EventStatus.PUBLISHED:
        raise SignupClosed()
    if now >= shift.starts_at:
        raise AlreadyStarted()
    existing, overlapping = None, None
    for row in connection.execute(
        _MINE_HERE_OR_OVERLAPPING,
        {
            "user_id": user.id,
            "shift_id": shift_id,
            "starts_at": shift.starts_at,
            "ends_at": shift.ends_at,
        },
    ):
        if row.shift_id == shift_id:
            existing = row
        elif overlapping is None:
            overlapping = row
    if existing is not None and existing.status in ACTIVE_STATUSES:
        position = (
            _position(shift_id, existing.arrival)
            if existing.status is SignupStatus.WAITLISTED
            else None
        )
        return SignupOutcome(existing.id, existing.status, position)
    if overlapping is not None:
        raise overlap_error(
            db.session.scalars(
                select(Shift)
                .where(Shift.id == overlapping.shift_id)
                .options(joinedload(Shift.event))
            ).one()
        )
    taken = connection.execute(_TAKE_PLACE, {"shift_id": shift_id}).rowcount == 1
    _expire_loaded(Shift, shift_id, "confirmed_count")
    status = SignupStatus.CONFIRMED if taken else SignupStatus.WAITLISTED
    values = {
        "arrival_shift_id": shift_id,
        "status": status,
        "created_at": now,
        "cancelled_at": None,
        "late_cancellation": False,
        "signed_up_by_id": (by or user).id,
        "team_id": team.id if team is not None else None,
    }
    if existing is None:
        signup_id, arrival = connection.execute(
            _INSERT_SIGNUP, {"shift_id": shift_id, "user_id": user.id, **values}
        ).one()
    else:
        signup_id, arrival = connection.execute(
            _REUSE_SIGNUP, {"signup_id": existing.id, **values}
        ).one()
        _expire_loaded(Signup, signup_id)
    position = None if taken else _position(shift_id, arrival)
    facts = (shift.role, shift.event_title, shift.starts_at)
    if taken:
        _notify_confirmed(user, signup_id, arrival, *facts)
    else:
        _notify_waitlisted(user, signup_id, arrival, position, *facts)
    return SignupOutcome(signup_id, status, position)


def sign_up(
    shift_id: int,
    user: User,
    *,
    by: User | None = None,
    team: VolunteerTeam | None = None,
    now=None,
    overlap_error: Callable[[Shift], DomainError] = ShiftOverlap,
) -> Signup:
    """``sign_up_outcome`` returning the sign-up itself. Flushes only."""
    outcome = sign_up_outcome(
        shift_id, user, by=by, team=team, now=now, overlap_error=overlap_error
    )
    if outcome is None:
        raise NoResultFound(f"no shift {shift_id}")
    return db.session.get(Signup, outcome.signup_id, populate_existing=True)


def _position(shift_id: int, arrival: int) -> int:
    ahead = db.session.connection().scalar(
        _WAITING_AHEAD, {"shift_id": shift_id, "arrival": arrival}
    )
    return ahead + 1


def waitlist_position(signup: Signup) -> int | None:
    """1 for the first waitlisted on the shift; ``None`` when not waitlisted."""
    if signup.status is not SignupStatus.WAITLISTED:
        return None
    db.session.flush()
    return _position(signup.shift_id, signup.arrival)


def is_late(shift: Shift, now) -> bool:
    """Whether ``now`` is past the event's cancellation cut-off for ``shift``."""
    from datetime import timedelta

    return now >= shift.starts_at - timedelta(minutes=shift.event.cancellation_cutoff_minutes)


def cancel(signup: Signup, actor: User, *, now=None) -> Signup:
    """Cancel a sign-up and promote the waitlist at once.

    A volunteer may cancel until the shift starts; after the event's cut-off the cancellation is
    recorded as late and shown to organisers.
    """
    now = now or utcnow()
    shift = _lock_shift(signup.shift_id)
    db.session.refresh(signup)
    if signup.status not in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED):
        raise NotSignedUp()
    if now >= shift.starts_at and actor.id == signup.user_id:
        raise AlreadyStarted()
    held_place = signup.status is SignupStatus.CONFIRMED
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = now
    signup.late_cancellation = held_place and is_late(shift, now)
    if held_place:
        _release_place(shift)
    if actor.id != signup.user_id:
        audit.record(actor, "cancel_signup", signup, user=signup.user_id, shift=shift.id)
        notify_cancelled(signup)
    db.session.flush()
    promote_from_waitlist(shift)
    return signup


def promote_from_waitlist(shift: Shift) -> list[Signup]:
    """Confirm the first waitlisted, in arrival order, while places are free (shift locked)."""
    promoted = []
    waiting = db.session.scalars(
        db.select(Signup)
        .where(Signup.shift_id == shift.id, Signup.status == SignupStatus.WAITLISTED)
        .options(joinedload(Signup.user))
        .order_by(Signup.arrival)
        .limit(max(shift.capacity - shift.confirmed_count, 0))
    ).all()
    for signup in waiting:
        if not _take_place(shift):
            break
        signup.status = SignupStatus.CONFIRMED
        promoted.append(signup)
        notify_promoted(signup)
    db.session.flush()
    return promoted


def set_capacity(actor: User, shift: Shift, capacity: int) -> list[Signup]:
    """Change a shift's capacity; raising it promotes from the waitlist at once."""
    shift = _lock_shift(shift.id)
    if capacity < shift.confirmed_count:
        raise CapacityTooLow()
    before = shift.capacity
    shift.capacity = capacity
    audit.record(actor, "set_capacity", shift, before=before, after=capacity)
    db.session.flush()
    return promote_from_waitlist(shift)


def sign_up_members(
    leader: User, team: VolunteerTeam, shift_id: int, user_ids: list[int], *, now=None
) -> tuple[list[Signup], list[DomainError]]:
    """A team leader signs up several active members; each takes (or waits for) one place."""
    members = db.session.scalars(
        db.select(User)
        .join(TeamMembership, TeamMembership.user_id == User.id)
        .where(
            TeamMembership.team_id == team.id,
            TeamMembership.status == MembershipStatus.ACTIVE,
            User.id.in_(user_ids),
        )
        .order_by(User.real_name, User.id)
    ).all()
    if len(members) != len(set(user_ids)):
        raise NotActiveMember()
    done, refused = [], []
    for user in members:
        try:
            done.append(
                sign_up(
                    shift_id,
                    user,
                    by=leader,
                    team=team,
                    now=now,
                    overlap_error=lambda other, user=user: MemberOverlap(user, other),
                )
            )
        except MemberOverlap as exc:
            refused.append(exc)
    return done, refused


def my_signups_for(event: Event, user=None) -> dict[int, tuple[Signup, int | None]]:
    """The user's sign-ups on ``event`` by shift id, with waitlist positions; one query a request."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return {}
    cache = g.setdefault("_my_signups", {})
    if event.id not in cache:
        ahead = aliased(Signup)
        position = (
            db.select(func.count(ahead.id) + 1)
            .where(
                ahead.shift_id == Signup.shift_id,
                ahead.status == SignupStatus.WAITLISTED,
                ahead.arrival < Signup.arrival,
            )
            .correlate(Signup)
            .scalar_subquery()
        )
        rows = db.session.execute(
            db.select(Signup, position)
            .join(Shift, Shift.id == Signup.shift_id)
            .where(Shift.event_id == event.id, Signup.user_id == user.id)
        ).all()
        cache[event.id] = {
            s.shift_id: (s, pos if s.status is SignupStatus.WAITLISTED else None) for s, pos in rows
        }
    return cache[event.id]


def my_seats_for(event: Event, user=None) -> SeatBooking | None:
    """The user's live seat booking for ``event``; one query a request."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return None
    cache = g.setdefault("_my_seats", {})
    if event.id not in cache:
        cache[event.id] = db.session.scalar(
            db.select(SeatBooking).where(
                SeatBooking.event_id == event.id,
                SeatBooking.user_id == user.id,
                SeatBooking.status != SeatStatus.CANCELLED,
            )
        )
    return cache[event.id]


def participants(event: Event) -> list[User]:
    """Everyone holding or waiting for a place at ``event`` (shift sign-ups and seat bookings).

    The events service notifies these people of changes (append to ``PARTICIPANT_SOURCES``).
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


# ---------------------------------------------------------------- audience seats


def _lock_event(event_id: int) -> Event:
    """Lock the event row (its audience seats) for the rest of the transaction."""
    return lock_row(Event, event_id, column=Event.seats_confirmed)


def _take_seats(event: Event, party_size: int) -> bool:
    result = db.session.execute(
        update(Event)
        .where(Event.id == event.id, Event.seats_confirmed + party_size <= Event.seats_capacity)
        .values(seats_confirmed=Event.seats_confirmed + party_size)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(event, ["seats_confirmed"])
    return result.rowcount == 1


def book_seats(event_id: int, user: User, party_size: int, *, now=None) -> SeatBooking:
    """RSVP for ``party_size`` audience seats: confirmed while they fit, else waitlisted."""
    now = now or utcnow()
    event = _lock_event(event_id)
    if not event.seats_capacity:
        raise NoSeats()
    if event.status is not EventStatus.PUBLISHED:
        raise SignupClosed()
    if now >= event.starts_at:
        raise AlreadyStarted()
    if not 1 <= party_size <= event.max_party_size:
        raise PartyTooLarge()
    booking = db.session.scalar(
        db.select(SeatBooking).where(
            SeatBooking.event_id == event.id, SeatBooking.user_id == user.id
        )
    )
    if booking is not None and booking.status is not SeatStatus.CANCELLED:
        return booking
    last = db.session.scalar(
        db.select(func.max(SeatBooking.arrival)).where(SeatBooking.event_id == event.id)
    )
    # First come, first served: nobody jumps a waiting party.
    waiting = db.session.scalar(
        db.select(SeatBooking.id)
        .where(SeatBooking.event_id == event.id, SeatBooking.status == SeatStatus.WAITLISTED)
        .limit(1)
    )
    fits = waiting is None and _take_seats(event, party_size)
    if booking is None:
        booking = SeatBooking(event=event, user=user)
        db.session.add(booking)
    booking.arrival = (last or 0) + 1
    booking.party_size = party_size
    booking.cancelled_at = None
    booking.status = SeatStatus.CONFIRMED if fits else SeatStatus.WAITLISTED
    db.session.flush()
    return booking


def cancel_seats(booking: SeatBooking, *, now=None) -> list[SeatBooking]:
    """Cancel a seat booking and confirm waiting parties, in order, while they fit."""
    now = now or utcnow()
    event = _lock_event(booking.event_id)
    db.session.refresh(booking)
    if booking.status is SeatStatus.CANCELLED:
        raise NotSignedUp()
    if now >= event.starts_at:
        raise AlreadyStarted()
    if booking.status is SeatStatus.CONFIRMED:
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(seats_confirmed=Event.seats_confirmed - booking.party_size)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(event, ["seats_confirmed"])
    booking.status = SeatStatus.CANCELLED
    booking.cancelled_at = now
    db.session.flush()
    promoted = []
    for waiting in db.session.scalars(
        db.select(SeatBooking)
        .where(SeatBooking.event_id == event.id, SeatBooking.status == SeatStatus.WAITLISTED)
        .order_by(SeatBooking.arrival)
    ).all():
        if not _take_seats(event, waiting.party_size):
            break
        waiting.status = SeatStatus.CONFIRMED
        promoted.append(waiting)
    db.session.flush()
    return promoted


# ---------------------------------------------------------------- reminders


def notify_reminder(signup: Signup) -> None:
    shift = signup.shift
    _notify(
        signup.user,
        f"reminder:{signup.id}:{shift.starts_at.date().isoformat()}",
        lambda: (
            _("Tomorrow: %(event)s", event=shift.event.title),
            _(
                "A reminder: “%(shift)s” of “%(event)s” starts %(when)s at %(venue)s.",
                shift=shift.role,
                event=shift.event.title,
                when=_when(shift.starts_at),
                venue=shift.event.venue or shift.event.address,
            ),
        ),
    )


def send_reminders(now=None) -> int:
    """Queue a reminder for every confirmed sign-up on a shift starting tomorrow (local time).

    Safe to run twice: each reminder has a dedupe key. Returns how many sign-ups were considered.
    """
    from datetime import datetime, time, timedelta

    from planner.timeutil import from_local, to_local

    today = to_local(now or utcnow()).date()
    start = from_local(datetime.combine(today + timedelta(days=1), time.min))
    signups = db.session.scalars(
        db.select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Event, Event.id == Shift.event_id)
        .where(
            Signup.status == SignupStatus.CONFIRMED,
            Event.status == EventStatus.PUBLISHED,
            Shift.starts_at >= start,
            Shift.starts_at < start + timedelta(days=1),
        )
        .options(joinedload(Signup.user), joinedload(Signup.shift).joinedload(Shift.event))
        .order_by(Signup.id)
    ).all()
    for signup in signups:
        notify_reminder(signup)
    return len(signups)


# ---------------------------------------------------------------- reports


def hours_report(scope, month: str | None = None) -> list[tuple[User, int, int]]:
    """Per volunteer: (user, service records, minutes) for a department's events or a team."""
    from planner.directory.models import Department
    from planner.events.models import EventHost
    from planner.signups.models import ServiceRecord

    query = db.select(
        ServiceRecord.volunteer_id, func.count(ServiceRecord.id), func.sum(ServiceRecord.minutes)
    ).group_by(ServiceRecord.volunteer_id)
    if isinstance(scope, Department):
        hosted = db.select(EventHost.event_id).where(EventHost.department_id == scope.id)
        query = query.where(ServiceRecord.event_id.in_(hosted))
    else:
        query = query.where(ServiceRecord.team_id == scope.id)
    if month:
        from datetime import date

        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
        after = date(year + number // 12, number % 12 + 1, 1)
        query = query.where(ServiceRecord.service_date >= first, ServiceRecord.service_date < after)
    rows = db.session.execute(query).all()
    users = {
        u.id: u
        for u in db.session.scalars(db.select(User).where(User.id.in_([r[0] for r in rows])))
    }
    return sorted(
        ((users[uid], count, int(minutes or 0)) for uid, count, minutes in rows),
        key=lambda row: (-row[2], row[0].real_name),
    )
