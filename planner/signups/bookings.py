"""Audience seat bookings (banquet tables, show seats): booking a party, cancelling, and the
waiting parties' turn."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update
from sqlalchemy.orm import joinedload

from planner import signals
from planner.accounts.models import User
from planner.events.capacity import lock_event
from planner.events.models import Event, EventStatus
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups import notices
from planner.signups.models import SeatBooking, SeatStatus
from planner.signups.places import AlreadyStarted, NotSignedUp, SignupClosed
from planner.timeutil import utcnow


class NoSeats(DomainError):
    message = _l("This event takes no audience seat bookings.")


class PartyTooLarge(DomainError):
    message = _l("The party is larger than this event allows.")
    field = "party_size"


def _take_seats(event: Event, party_size: int) -> bool:
    result = db.session.execute(
        update(Event)
        .where(Event.id == event.id, Event.seats_confirmed + party_size <= Event.seats_capacity)
        .values(seats_confirmed=Event.seats_confirmed + party_size)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(event, ["seats_confirmed"])
    return result.rowcount == 1


def _release_seats(event: Event, party_size: int) -> None:
    db.session.execute(
        update(Event)
        .where(Event.id == event.id)
        .values(seats_confirmed=Event.seats_confirmed - party_size)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(event, ["seats_confirmed"])


def _check_bookable(event: Event, party_size: int, now) -> None:
    """Refuse a booking the event does not take now: no seats, not published, begun, too large."""
    if not event.seats_capacity:
        raise NoSeats()
    if event.status is not EventStatus.PUBLISHED:
        raise SignupClosed()
    if now >= event.starts_at:
        raise AlreadyStarted()
    if not 1 <= party_size <= event.max_party_size:
        raise PartyTooLarge()


def book_seats(event_id: int, user: User, party_size: int, *, now=None) -> SeatBooking:
    """RSVP for ``party_size`` audience seats: confirmed while they fit, else waitlisted."""
    now = now or utcnow()
    event = lock_event(event_id)
    _check_bookable(event, party_size, now)
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
    event = lock_event(booking.event_id)
    db.session.refresh(booking)
    if booking.status is SeatStatus.CANCELLED:
        raise NotSignedUp()
    if now >= event.starts_at:
        raise AlreadyStarted()
    if booking.status is SeatStatus.CONFIRMED:
        _release_seats(event, booking.party_size)
    booking.status = SeatStatus.CANCELLED
    booking.cancelled_at = now
    db.session.flush()
    signals.seats_cancelled.send(booking)
    return promote_waiting_parties(event)


def promote_waiting_parties(event: Event) -> list[SeatBooking]:
    """Confirm waiting parties in arrival order while each fits; none jumps one that does not
    (event locked)."""
    promoted = []
    for waiting in db.session.scalars(
        db.select(SeatBooking)
        .where(SeatBooking.event_id == event.id, SeatBooking.status == SeatStatus.WAITLISTED)
        .options(joinedload(SeatBooking.user))
        .order_by(SeatBooking.arrival)
    ).all():
        if not _take_seats(event, waiting.party_size):
            break
        waiting.status = SeatStatus.CONFIRMED
        promoted.append(waiting)
        notices.notify_seats_promoted(waiting, event)
    db.session.flush()
    return promoted


def audience_of(event: Event) -> list[SeatBooking]:
    """The parties that attended ``event`` as audience: its confirmed bookings once it is completed."""
    if event.status is not EventStatus.COMPLETED:
        return []
    return list(
        db.session.scalars(
            db.select(SeatBooking).where(
                SeatBooking.event_id == event.id, SeatBooking.status == SeatStatus.CONFIRMED
            )
        )
    )
