"""When an event or a shift is over: the one notion of time behind completing and crediting hours.

"Mark as completed" (``events.workflow.complete``) and crediting service hours
(``signups.attendance.service_is_over``) both ask ``has_ended``, so an event can never be completed
while its hours are refused, nor hours credited for an event that could not yet be completed.
"""

from __future__ import annotations

from datetime import datetime

from planner.events.models import Event, EventStatus, Shift
from planner.timeutil import utcnow


def has_ended(item: Event | Shift, now: datetime | None = None) -> bool:
    """Whether an event or a shift has ended by ``now`` (its end time has been reached)."""
    return item.ends_at <= (now or utcnow())


def took_place(event: Event, now: datetime | None = None) -> bool:
    """An event that was not cancelled and has ended (completed, or published and over)."""
    return event.status in (EventStatus.PUBLISHED, EventStatus.COMPLETED) and has_ended(event, now)
