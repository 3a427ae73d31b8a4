"""What an event's fields may hold: text limits, times, and shifts inside their event."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from planner.events.capacity import check_shift_capacity
from planner.events.models import Event
from planner.exceptions import DomainError
from planner.timeutil import utcnow

TITLE_MAX = 120
PLACE_MAX = 200
DESCRIPTION_MAX = 5000
REASON_MAX = 500
ROLE_MAX = 80
REQUIREMENTS_MAX = 300
PERFORMER_MAX = 120
PARTY_SIZE = (1, 50)
LONGEST_EVENT = timedelta(days=14)


class EndsBeforeStart(DomainError):
    message = _l("The end must be after the start.")
    field = "ends_at"


class StartsInThePast(DomainError):
    message = _l("A new event cannot start in the past.")
    field = "starts_at"


class EventTooLong(DomainError):
    message = _l("An event may last at most 14 days.")
    field = "ends_at"


class ShiftOutsideEvent(DomainError):
    message = _l("A shift must lie inside the event's start and end.")
    field = "starts_at"


class TooLong(DomainError):
    message = _l("This text is too long.")


class Required(DomainError):
    message = _l("This field is required.")


def bounded(value: str | None, limit: int, field: str, required: bool = False) -> str:
    """The text stripped; refused when longer than ``limit`` (or empty when ``required``)."""
    value = (value or "").strip()
    if required and not value:
        raise Required(field=field)
    if len(value) > limit:
        raise TooLong(field=field)
    return value


def check_party_size(size: int) -> None:
    """A booking party may be 1 to 50 people."""
    if not PARTY_SIZE[0] <= size <= PARTY_SIZE[1]:
        raise DomainError(_l("Enter a number from 1 to 50."), field="max_party_size")


def validate_times(starts_at: datetime, ends_at: datetime, *, new: bool) -> None:
    """End after start, at most 14 days long; a new event (or a new time) not in the past."""
    if ends_at <= starts_at:
        raise EndsBeforeStart()
    if ends_at - starts_at > LONGEST_EVENT:
        raise EventTooLong()
    if new and starts_at < utcnow() - timedelta(minutes=1):
        raise StartsInThePast()


def validate_shift(event: Event, starts_at: datetime, ends_at: datetime, places: int) -> None:
    """A shift ends after it starts, lies inside its event, and has a valid number of places."""
    if ends_at <= starts_at:
        raise EndsBeforeStart()
    if starts_at < event.starts_at or ends_at > event.ends_at:
        raise ShiftOutsideEvent()
    check_shift_capacity(places)


def check_shifts_inside(event: Event) -> None:
    """After the event's times changed, every shift must still lie inside them."""
    for shift in event.shifts:
        if shift.starts_at < event.starts_at or shift.ends_at > event.ends_at:
            raise ShiftOutsideEvent(
                _l("A shift would lie outside the new times: change the shifts first."),
                field="ends_at",
            )
