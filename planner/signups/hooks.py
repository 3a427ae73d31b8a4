"""Connects sign-ups to the features that ask about them without importing them."""

from __future__ import annotations

from sqlalchemy import Select

from planner.accounts.models import User
from planner.calendar import services as calendar
from planner.events import services as events
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
    """Add sign-ups' sources and listeners to events and calendars, once per process."""
    if services.participants not in events.PARTICIPANT_SOURCES:
        events.PARTICIPANT_SOURCES.append(services.participants)
    if services.promote_from_waitlist not in events.CAPACITY_RAISED:
        events.CAPACITY_RAISED.append(services.promote_from_waitlist)
    if personal_events not in calendar.PERSONAL_EVENT_SOURCES:
        calendar.PERSONAL_EVENT_SOURCES.append(personal_events)
