"""What the sign-up feature tells people: confirmed, waitlisted, promoted, cancelled, reminders.

Each message is queued in the outbox (``planner.notifications``) in the recipient's language, with
a dedupe key naming the sign-up (or booking) and its arrival, so the same news is never sent twice.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from typing import Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from planner import signals
from planner.accounts.models import User
from planner.events.models import Event, EventStatus, Shift
from planner.extensions import db
from planner.i18n import format_local_datetime
from planner.notifications import services as notifications
from planner.signups.models import SeatBooking, Signup, SignupStatus
from planner.timeutil import from_local, to_local, utcnow


class ShiftFacts(Protocol):
    """What a notice about a new sign-up says of its shift (a ``Shift`` row need not be loaded)."""

    role: str
    event_title: str
    starts_at: datetime


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
    return format_local_datetime(starts_at, "long")


# ---------------------------------------------------------------- shifts


def notify_confirmed(user: User, signup_id: int, arrival: int, shift: ShiftFacts) -> None:
    """A new sign-up took a place."""
    _notify(
        user,
        f"signup:{signup_id}:{arrival}:confirmed",
        lambda: (
            _("Sign-up confirmed: %(event)s", event=shift.event_title),
            _(
                "You are signed up for “%(shift)s” of “%(event)s”, starting %(when)s.",
                shift=shift.role,
                event=shift.event_title,
                when=_when(shift.starts_at),
            ),
        ),
    )


def notify_waitlisted(
    user: User, signup_id: int, arrival: int, position: int, shift: ShiftFacts
) -> None:
    """A new sign-up found the shift full and waits at ``position``."""
    _notify(
        user,
        f"signup:{signup_id}:{arrival}:waitlisted",
        lambda: (
            _("On the waitlist: %(event)s", event=shift.event_title),
            _(
                "“%(shift)s” of “%(event)s” is full; you are number %(position)d on the waitlist.",
                shift=shift.role,
                event=shift.event_title,
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


# ---------------------------------------------------------------- audience seats


def notify_seats_promoted(booking: SeatBooking, event: Event) -> None:
    _notify(
        booking.user,
        f"seats:{booking.id}:{booking.arrival}:promoted",
        lambda: (
            _("Seats are yours: %(event)s", event=event.title),
            _(
                "Seats became free: your party of %(size)d is now confirmed for “%(event)s”, starting %(when)s.",
                size=booking.party_size,
                event=event.title,
                when=_when(event.starts_at),
            ),
        ),
    )


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
    signals.reminders_due.send(start, end=start + timedelta(days=1))
    return len(signups)
