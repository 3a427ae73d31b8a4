"""Creating and editing an event, and its shifts.

The other rules of events live beside this module, each in its own: what fields may hold
(``validation``), the status workflow and its notices (``workflow``), hosts (``hosts``), the
programme (``programme``), copies and series (``series``), campaigns (``campaigns``), places and
seats (``capacity``); what pages read is in ``queries``, ``listing`` and ``scopes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner import permissions
from planner.audit import services as audit
from planner.events.capacity import change_seats, change_shift_capacity, check_seats
from planner.events.hosts import NoHost, host_row
from planner.events.models import Event, EventKind, EventStatus, HostRole, Shift
from planner.events.validation import (
    DESCRIPTION_MAX,
    PLACE_MAX,
    REQUIREMENTS_MAX,
    ROLE_MAX,
    TITLE_MAX,
    bounded,
    check_party_size,
    check_shifts_inside,
    validate_shift,
    validate_times,
)
from planner.events.workflow import (
    describe_time,
    ensure_open,
    notify_participants,
    place_of,
    touch,
)
from planner.exceptions import DomainError
from planner.extensions import db


class ShiftHasSignups(DomainError):
    message = _l("Volunteers have signed up for this shift; it cannot be removed.")


PLACE_FIELDS = ("community_id", "venue", "address", "latitude", "longitude")
TIME_FIELDS = ("starts_at", "ends_at")
EDITABLE_FIELDS = (
    "title",
    "kind",
    "campaign_id",
    "description",
    "seats_capacity",
    "max_party_size",
    *PLACE_FIELDS,
    *TIME_FIELDS,
)


@dataclass
class EventDetails:
    """What an organiser types for an event (the form's data, already parsed)."""

    title: str
    kind: EventKind
    starts_at: datetime
    ends_at: datetime
    campaign_id: int | None = None
    community_id: int | None = None
    venue: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""
    seats_capacity: int | None = None
    max_party_size: int = 4

    def cleaned(self) -> dict:
        values = dict(self.__dict__)
        values["title"] = bounded(self.title, TITLE_MAX, "title", required=True)
        values["venue"] = bounded(self.venue, PLACE_MAX, "venue")
        values["address"] = bounded(self.address, PLACE_MAX, "address")
        values["description"] = bounded(self.description, DESCRIPTION_MAX, "description")
        check_seats(self.seats_capacity)
        check_party_size(self.max_party_size)
        return values


def create_event(actor, details: EventDetails, host) -> Event:
    """Create a draft hosted by ``host``, an organisation the actor manages."""
    if host is None or not permissions.can_manage(host, actor):
        raise NoHost()
    values = details.cleaned()
    validate_times(values["starts_at"], values["ends_at"], new=True)
    event = Event(status=EventStatus.DRAFT, created_by_id=getattr(actor, "id", None), **values)
    event.hosts.append(host_row(host, HostRole.HOST))
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "event.create", event, title=event.title)
    return event


def _apply(actor, event: Event, values: dict, changed: set[str]) -> None:
    """Set the changed fields; the shifts move with the start, and must stay inside the event."""
    delta = values["starts_at"] - event.starts_at
    for name in changed - {"seats_capacity"}:
        setattr(event, name, values[name])
    if delta:
        for shift in event.shifts:
            shift.starts_at += delta
            shift.ends_at += delta
    check_shifts_inside(event)
    if "seats_capacity" in changed:
        change_seats(actor, event, values["seats_capacity"])


def _notify_moved(event: Event) -> None:
    notify_participants(
        event,
        _("Changed: %(title)s", title=event.title),
        _(
            "The time or place of %(title)s has changed. It is now %(when)s at %(place)s.",
            title=event.title,
            when=describe_time(event),
            place=place_of(event),
        ),
    )


def update_event(actor, event: Event, details: EventDetails, notify: bool = True) -> set[str]:
    """Apply edits; bump the revision and tell participants when time or place changed."""
    ensure_open(event)
    values = details.cleaned()
    time_changed = (values["starts_at"], values["ends_at"]) != (event.starts_at, event.ends_at)
    validate_times(
        values["starts_at"],
        values["ends_at"],
        new=time_changed and values["starts_at"] != event.starts_at,
    )
    changed = {name for name in EDITABLE_FIELDS if getattr(event, name) != values[name]}
    if not changed:
        return changed
    _apply(actor, event, values, changed)
    moved = bool(changed & {*TIME_FIELDS, *PLACE_FIELDS})
    touch(event, bump=moved)
    audit.record(actor, "event.update", event, changed=sorted(changed))
    if notify and event.status is EventStatus.PUBLISHED and moved:
        _notify_moved(event)
    return changed


# ---------------------------------------------------------------- shifts


def save_shift(
    actor,
    event: Event,
    shift: Shift | None,
    role: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    requirements: str = "",
) -> Shift:
    """Add a shift to the event, or change one; it must lie inside the event (its places change
    through ``change_shift_capacity``)."""
    ensure_open(event)
    role = bounded(role, ROLE_MAX, "role", required=True)
    requirements = bounded(requirements, REQUIREMENTS_MAX, "requirements")
    validate_shift(event, starts_at, ends_at, capacity)
    if shift is None:
        shift = Shift(
            role=role,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            requirements=requirements,
        )
        event.shifts.append(shift)
    else:
        shift.role, shift.starts_at, shift.ends_at = role, starts_at, ends_at
        shift.requirements = requirements
        change_shift_capacity(actor, shift, capacity)
    touch(event, bump=False)
    db.session.flush()
    audit.record(actor, "event.shift.save", event, shift=shift.id, role=role, capacity=capacity)
    return shift


def remove_shift(actor, event: Event, shift: Shift) -> None:
    """Remove a shift nobody has a place on."""
    ensure_open(event)
    if shift.confirmed_count:
        raise ShiftHasSignups()
    event.shifts.remove(shift)
    touch(event, bump=False)
    audit.record(actor, "event.shift.remove", event, role=shift.role)
