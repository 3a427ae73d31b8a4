"""Connects sign-ups to the features that ask about them, through ``planner.signals``."""

from __future__ import annotations

from sqlalchemy import Select

from planner import signals
from planner.accounts.models import User
from planner.events.models import Shift
from planner.extensions import db
from planner.signups import services
from planner.signups.models import SeatBooking, SeatStatus, Signup, SignupStatus


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


def register() -> None:
    """Connect sign-ups' receivers at app creation (connecting again changes nothing)."""
    signals.event_participants.connect(services.participants)
    signals.shift_places_added.connect(services.promote_from_waitlist)
    signals.seats_added.connect(services.promote_waiting_parties)
    signals.personal_events.connect(personal_events)
