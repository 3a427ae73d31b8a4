"""What an event's status still allows: completed and cancelled events are not changed any more.

Every edit checks it (details, shifts, places and seats, hosts, programme), so this module sits
below all of them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from planner.events.models import Event
from planner.exceptions import DomainError


class NotAllowedNow(DomainError):
    """A status transition that the workflow does not allow from the event's current status."""

    message = _l("This cannot be done to an event in its current status.")


class EventClosed(NotAllowedNow):
    message = _l("Completed and cancelled events can no longer be changed.")


def ensure_open(event: Event) -> None:
    """Completed and cancelled events are not edited any more."""
    if not event.is_open:
        raise EventClosed()
