"""Personal calendar feed tokens, and the stamps that date an event's changes for calendars.

What a calendar shows of an event is said here once, as the attributes whose changes stamp
``Event.modified_at`` (LAST-MODIFIED): every service that changes one of them is covered, with
no call to remember. Time, place and status changes also bump ``Event.revision`` (SEQUENCE),
which the events services do, and that is dated in ``Event.revised_at``.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event, inspect, text
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from sqlalchemy.orm.base import NO_VALUE

from planner.accounts.models import User
from planner.events.models import Event, EventHost, ProgrammeItem, Shift
from planner.extensions import db
from planner.timeutil import UTCDateTime, utcnow

TOKEN_BYTES = 32  # 256 bits of randomness, well above the 128 the feed needs


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class CalendarToken(db.Model):
    """The secret in a user's personal feed URL; regenerating revokes the old one."""

    __table_args__ = (
        # At most one live token a user: the feed URL they see is the only one that works.
        Index(
            "uq_calendar_token_live_user",
            "user_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    # A VALARM the day before each event, in the personal feed only.
    remind_day_before: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Preference changes alter the feed body; this dates them for Last-Modified.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


# Everything a feed's VEVENT shows of an event (planner/calendar/ics.py): its own fields, its
# hosts (ORGANIZER and the description), programme and shifts (the description). Not what it
# keeps to itself: seats, party sizes, cut-offs, shift requirements; nor the places left, which
# sign-ups change all day (the feed's version counts them).
SHOWN_EVENT_FIELDS = (
    Event.title,
    Event.kind,
    Event.status,
    Event.campaign_id,
    Event.campaign,
    Event.community_id,
    Event.community,
    Event.venue,
    Event.address,
    Event.latitude,
    Event.longitude,
    Event.starts_at,
    Event.ends_at,
    Event.description,
    Event.cancel_reason,
    Event.series_id,
    Event.series_position,
)
SHOWN_PART_FIELDS = (
    EventHost.role,
    *(getattr(EventHost, f"{kind}_id") for kind in EventHost.organisation_kinds),
    *(getattr(EventHost, kind) for kind in EventHost.organisation_kinds),
    ProgrammeItem.position,
    ProgrammeItem.title,
    ProgrammeItem.performer_team_id,
    ProgrammeItem.performer_team,
    ProgrammeItem.performer_text,
    Shift.role,
    Shift.starts_at,
    Shift.ends_at,
    Shift.capacity,
)
SHOWN_PARTS = (Event.hosts, Event.programme, Event.shifts)


def _stamp_shown(target: Event) -> None:
    target.modified_at = utcnow()


@event.listens_for(Event.revision, "set")
def _stamp_revision(target: Event, value, oldvalue, _initiator) -> None:
    """Whenever an event's revision changes (SEQUENCE), date it: a change a calendar shows too."""
    if value != oldvalue:
        target.revised_at = utcnow()
        _stamp_shown(target)


def _field_set(target: Event, value, oldvalue, _initiator) -> None:
    if value != oldvalue:
        _stamp_shown(target)


def _part_set(target, value, oldvalue, _initiator) -> None:
    # A part not yet attached to an event is stamped through the event when it is added.
    if value == oldvalue or target.event_id is None and inspect(target).transient:
        return
    owner = inspect(target).attrs.event.loaded_value
    if owner is NO_VALUE:
        session = object_session(target)
        if session is None or target.event_id is None:
            return
        with session.no_autoflush:  # never flush half an edit from inside a setter
            owner = session.get(Event, target.event_id)
    if owner is not None:
        _stamp_shown(owner)


def _part_added_or_removed(target: Event, _value, _initiator) -> None:
    _stamp_shown(target)


for _attribute in SHOWN_EVENT_FIELDS:
    event.listen(_attribute, "set", _field_set)
for _attribute in SHOWN_PART_FIELDS:
    event.listen(_attribute, "set", _part_set)
for _collection in SHOWN_PARTS:
    event.listen(_collection, "append", _part_added_or_removed)
    event.listen(_collection, "remove", _part_added_or_removed)
