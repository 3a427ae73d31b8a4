"""What the sign-up feature tells people: confirmed, waitlisted, promoted, cancelled, reminders.

Each message is queued in the outbox (``planner.notifications``) as a notice: its kind, the shift
(or event) it speaks of, and a dedupe key naming the sign-up (or booking) and its arrival, so the
same news is never sent twice. The sender writes it with the functions below, in the recipient's
language, from what the shift says when it is sent. A new sign-up's notice is queued by the
statement that takes the place (``planner.signups.places``); its key and arguments are made there,
in SQL, as ``signup_notice_rows`` says.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, case, cast, literal, select
from sqlalchemy.orm import joinedload

from planner import signals
from planner.accounts.models import User
from planner.events.models import Event, EventStatus, Shift
from planner.extensions import db
from planner.i18n import format_local_datetime
from planner.notifications import services as notifications
from planner.signups.models import SeatBooking, Signup, SignupStatus
from planner.timeutil import from_local, to_local, utcnow


def _notify(user: User, kind: str, params: dict, key: str) -> None:
    """Queue one notice to ``user``; ``key`` makes it idempotent."""
    if user.deleted_at is not None:
        return
    notifications.queue_notice(user, kind, params, key)


def _when(starts_at) -> str:
    return format_local_datetime(starts_at, "long")


def _about_a_shift(kind: str, label):
    """Register the decorated ``write(shift, params)`` as the writer of ``kind``: notices whose
    ``params["shift"]`` names the shift (loaded with its event) they speak of."""

    def register(write):
        def write_notice(params: dict):
            shift = db.session.scalars(
                select(Shift).where(Shift.id == params["shift"]).options(joinedload(Shift.event))
            ).one_or_none()
            return None if shift is None else write(shift, params)

        notifications.notice_kind(kind, label)(write_notice)
        return write

    return register


# ---------------------------------------------------------------- shifts


def signup_notice_rows(rows):
    """The outbox rows (``notifications.queue_notices_from``) for new sign-ups: ``rows`` has the
    columns ``id``, ``user_id``, ``shift_id``, ``arrival``, ``status`` (confirmed or waitlisted)
    and ``position`` (on the waitlist, else NULL). The kind is ``signup_<status>`` and the key
    ``signup:<id>:<arrival>:<status>``, the form the other notices of a sign-up take."""
    status = case(
        (rows.c.status == SignupStatus.CONFIRMED, literal("confirmed")),
        else_=literal("waitlisted"),
    )

    def text(column):
        return cast(column, String)

    params = (
        literal('{"shift":')
        + text(rows.c.shift_id)
        + literal(',"position":')
        + case((rows.c.position.is_(None), literal("null")), else_=text(rows.c.position))
        + literal("}")
    )
    key = (
        literal("signup:")
        + text(rows.c.id)
        + literal(":")
        + text(rows.c.arrival)
        + literal(":")
        + status
    )
    return select(rows.c.user_id, literal("signup_") + status, params, key)


@_about_a_shift("signup_confirmed", _l("Sign-up confirmed"))
def _confirmed(shift: Shift, params: dict):
    return (
        _("Sign-up confirmed: %(event)s", event=shift.event.title),
        _(
            "You are signed up for “%(shift)s” of “%(event)s”, starting %(when)s.",
            shift=shift.role,
            event=shift.event.title,
            when=_when(shift.starts_at),
        ),
    )


@_about_a_shift("signup_waitlisted", _l("On the waitlist"))
def _waitlisted(shift: Shift, params: dict):
    return (
        _("On the waitlist: %(event)s", event=shift.event.title),
        _(
            "“%(shift)s” of “%(event)s” is full; you are number %(position)d on the waitlist.",
            shift=shift.role,
            event=shift.event.title,
            position=params["position"],
        ),
    )


def notify_promoted(signup: Signup) -> None:
    _notify(
        signup.user,
        "signup_promoted",
        {"shift": signup.shift_id},
        f"signup:{signup.id}:{signup.arrival}:promoted",
    )


@_about_a_shift("signup_promoted", _l("A place is yours"))
def _promoted(shift: Shift, params: dict):
    return (
        _("A place is yours: %(event)s", event=shift.event.title),
        _(
            "A place became free: you are now confirmed for “%(shift)s” of “%(event)s”, starting %(when)s.",
            shift=shift.role,
            event=shift.event.title,
            when=_when(shift.starts_at),
        ),
    )


def notify_cancelled(signup: Signup) -> None:
    _notify(
        signup.user,
        "signup_cancelled",
        {"shift": signup.shift_id},
        f"signup:{signup.id}:{signup.arrival}:cancelled",
    )


@_about_a_shift("signup_cancelled", _l("Sign-up cancelled"))
def _cancelled(shift: Shift, params: dict):
    return (
        _("Sign-up cancelled: %(event)s", event=shift.event.title),
        _(
            "Your sign-up for “%(shift)s” of “%(event)s” is cancelled.",
            shift=shift.role,
            event=shift.event.title,
        ),
    )


# ---------------------------------------------------------------- audience seats


def notify_seats_promoted(booking: SeatBooking, event: Event) -> None:
    _notify(
        booking.user,
        "seats_promoted",
        {"event": event.id, "size": booking.party_size},
        f"seats:{booking.id}:{booking.arrival}:promoted",
    )


@notifications.notice_kind("seats_promoted", _l("Seats are yours"))
def _seats_promoted(params: dict):
    event = db.session.get(Event, params["event"])
    if event is None:
        return None
    return (
        _("Seats are yours: %(event)s", event=event.title),
        _(
            "Seats became free: your party of %(size)d is now confirmed for “%(event)s”, starting %(when)s.",
            size=params["size"],
            event=event.title,
            when=_when(event.starts_at),
        ),
    )


# ---------------------------------------------------------------- reminders


def notify_reminder(signup: Signup) -> None:
    _notify(
        signup.user,
        "signup_reminder",
        {"shift": signup.shift_id},
        f"reminder:{signup.id}:{signup.shift.starts_at.date().isoformat()}",
    )


@_about_a_shift("signup_reminder", _l("Reminder"))
def _reminder(shift: Shift, params: dict):
    return (
        _("Tomorrow: %(event)s", event=shift.event.title),
        _(
            "A reminder: “%(shift)s” of “%(event)s” starts %(when)s at %(venue)s.",
            shift=shift.role,
            event=shift.event.title,
            when=_when(shift.starts_at),
            venue=shift.event.venue or shift.event.address,
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
