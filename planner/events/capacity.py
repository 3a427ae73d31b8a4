"""How many places a shift has and how many audience seats an event has: one rule for both.

Every change to places or seats first locks the row that counts them (``lock_shift``,
``lock_event``), so the checks that follow are serialised with sign-ups and bookings. A capacity
never drops below what is taken (the database refuses it too: ``confirmed_count <= capacity``,
``seats_confirmed <= seats_capacity``); places added go at once to those waiting, in arrival
order, through the ``shift_places_added`` and ``seats_added`` signals (the sign-up feature owns
the waitlists).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from planner import signals
from planner.audit import services as audit
from planner.database import lock_row
from planner.events.models import Event, Shift
from planner.events.status import ensure_open
from planner.exceptions import DomainError
from planner.extensions import db

SHIFT_CAPACITY = (1, 10_000)
SEATS_CAPACITY = (1, 100_000)


class CapacityOutOfRange(DomainError):
    message = _l("The capacity must be from 1 to 10,000.")
    field = "capacity"


class SeatsOutOfRange(DomainError):
    message = _l("Enter a number from 1 to 100000.")
    field = "seats_capacity"


class CapacityBelowTaken(DomainError):
    """Fewer places or seats than people already hold."""

    field = "capacity"

    def __init__(self, taken: int, field: str | None = None):
        super().__init__(
            _l("Already taken: %(taken)d. The capacity cannot be lower.", taken=taken), field
        )


# ---------------------------------------------------------------- locking


def lock_shift(shift_id: int) -> Shift:
    """Lock the shift row (its places) for the rest of the transaction and return it fresh."""
    return lock_row(Shift, shift_id, joinedload(Shift.event), column=Shift.confirmed_count)


def lock_event(event_id: int) -> Event:
    """Lock the event row (its audience seats) for the rest of the transaction and return it."""
    return lock_row(Event, event_id, column=Event.seats_confirmed)


# ---------------------------------------------------------------- changing capacity


def check_shift_capacity(capacity: int) -> None:
    if not SHIFT_CAPACITY[0] <= capacity <= SHIFT_CAPACITY[1]:
        raise CapacityOutOfRange()


def check_seats(seats: int | None) -> None:
    """``None`` means the event takes no seat bookings."""
    if seats is not None and not SEATS_CAPACITY[0] <= seats <= SEATS_CAPACITY[1]:
        raise SeatsOutOfRange()


def change_shift_capacity(actor, shift: Shift, capacity: int) -> list:
    """Give a shift ``capacity`` places: never fewer than are confirmed; places added go to the
    waitlist at once, in arrival order. Returns the sign-ups promoted. Flushes only."""
    check_shift_capacity(capacity)
    shift = lock_shift(shift.id)
    ensure_open(shift.event)
    return _change(actor, shift, "capacity", shift.confirmed_count, capacity, "capacity")


def change_seats(actor, event: Event, seats: int | None) -> list:
    """Give an event ``seats`` audience seats (``None``: none): never fewer than are booked; seats
    added go to waiting parties that fit, in arrival order. Returns the bookings confirmed."""
    check_seats(seats)
    event = lock_event(event.id)
    ensure_open(event)
    return _change(actor, event, "seats_capacity", event.seats_confirmed, seats, "seats_capacity")


_ADDED = {"capacity": signals.shift_places_added, "seats_capacity": signals.seats_added}


def _change(actor, row, column: str, taken: int, new: int | None, field: str) -> list:
    """Set ``row.column`` to ``new`` on a locked row, refusing less than ``taken``."""
    before = getattr(row, column)
    if (new or 0) < taken:
        raise CapacityBelowTaken(taken, field=field)
    if new == before:
        return []
    setattr(row, column, new)
    db.session.flush()
    audit.record(actor, f"{type(row).__name__.lower()}.{column}", row, before=before, after=new)
    if (new or 0) <= (before or 0):
        return []
    return [done for _receiver, result in _ADDED[column].send(row) for done in result or ()]
