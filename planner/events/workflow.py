"""An event's status: draft → published → completed, or cancelled with a reason; and the notices
everyone signed up is sent when it changes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner import signals
from planner.audit import services as audit
from planner.database import lock_row
from planner.events import timing
from planner.events.models import Event, EventStatus
from planner.events.status import EventClosed, NotAllowedNow, ensure_open  # noqa: F401
from planner.events.validation import REASON_MAX, bounded
from planner.exceptions import DomainError
from planner.extensions import db
from planner.notifications import services as notifications
from planner.timeutil import to_local, utcnow


class NotOverYet(NotAllowedNow):
    message = _l("An event can be marked as completed only once it has ended.")


class ReasonRequired(DomainError):
    message = _l("Give a reason for the cancellation: everyone signed up will read it.")
    field = "reason"


def touch(event: Event, bump: bool) -> None:
    """Stamp an edit (the page cache and feeds see it); ``bump`` when participants must be told."""
    event.updated_at = utcnow()
    if bump:
        event.revision = (event.revision or 0) + 1


# ---------------------------------------------------------------- participants and notices


def participants(event: Event) -> list:
    """Everyone signed up for ``event``, each once, as the ``event_participants`` receivers say
    (events alone knows no participants)."""
    seen: dict[int, object] = {}
    for _receiver, users in signals.event_participants.send(event):
        for user in users:
            seen.setdefault(user.id, user)
    return list(seen.values())


def notify_participants(event: Event, subject: str, body: str) -> int:
    """Queue one message for everyone signed up for ``event``; return how many were queued."""
    count = 0
    for user in participants(event):
        key = f"event:{event.id}:rev:{event.revision}:user:{user.id}"
        if notifications.queue(user, subject, body, dedupe_key=key) is not None:
            count += 1
    return count


def describe_time(event: Event) -> str:
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    return (
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        if start.date() == end.date()
        else (f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}")
    )


def place_of(event: Event) -> str:
    parts = [event.community.name if event.community else "", event.venue, event.address]
    return " · ".join(p for p in parts if p)


# ---------------------------------------------------------------- transitions


def _lock_status(event: Event) -> EventStatus:
    """Lock the event row and read its status again: transitions sent at once run one by one."""
    return lock_row(Event, event.id, column=Event.status).status


def publish(actor, event: Event) -> None:
    """draft → published: the event becomes visible to everyone; publishing again does nothing."""
    status = _lock_status(event)
    if status is EventStatus.PUBLISHED:
        return  # already published (by a concurrent request): one publication, one audit entry
    if status is not EventStatus.DRAFT:
        raise NotAllowedNow()
    event.status = EventStatus.PUBLISHED
    touch(event, bump=True)
    audit.record(actor, "event.publish", event)


def complete(actor, event: Event, now: datetime | None = None) -> None:
    """published → completed, once the event has ended (the same test that credits its hours)."""
    if _lock_status(event) is not EventStatus.PUBLISHED:
        raise NotAllowedNow()
    if not timing.has_ended(event, now):
        raise NotOverYet()
    event.status = EventStatus.COMPLETED
    touch(event, bump=True)
    audit.record(actor, "event.complete", event)
    db.session.flush()
    signals.event_completed.send(event)


def cancel(actor, event: Event, reason: str) -> None:
    """published → cancelled with a reason that everyone signed up is sent."""
    if _lock_status(event) is not EventStatus.PUBLISHED:
        raise NotAllowedNow()
    reason = bounded(reason, REASON_MAX, "reason")
    if not reason:
        raise ReasonRequired()
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason
    touch(event, bump=True)
    audit.record(actor, "event.cancel", event, reason=reason)
    notify_participants(
        event,
        _("Cancelled: %(title)s", title=event.title),
        _(
            "%(title)s on %(when)s has been cancelled. Reason: %(reason)s",
            title=event.title,
            when=describe_time(event),
            reason=reason,
        ),
    )
