"""Personal calendar feed tokens, and the stamps that date an event's changes for calendars.

What a calendar shows of an event is said here once, as the attributes whose changes stamp
``Event.modified_at`` (LAST-MODIFIED): every service that changes one of them is covered, with
no call to remember. Renaming an organisation, a place or a campaign a feed names stamps the
events that show the name (and their ``updated_at``, so feed versions and cached pages move).
Time, place and status changes also bump ``Event.revision`` (SEQUENCE), which the events services
do, and that is dated in ``Event.revised_at``.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event, inspect, or_, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session, relationship
from sqlalchemy.orm.base import NO_VALUE

from planner.accounts.models import User
from planner.directory.models import (
    Community,
    Department,
    District,
    PartnerOrganisation,
    Street,
    VolunteerTeam,
)
from planner.events.models import Campaign, Event, EventHost, ProgrammeItem, Shift
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


# ---------------------------------------------------------------- names shown in feeds

_RENAMED = "calendar-renamed"  # session.info: (model, id) renamed since the last flush


def _showing(model: type, ident: int):
    """The events whose VEVENT shows the name of ``model`` ``ident`` (host, place, programme,
    campaign)."""
    conditions = []
    kind = getattr(model, "organisation_kind", None)
    if kind in EventHost.organisation_kinds:
        column = getattr(EventHost, f"{kind}_id")
        conditions.append(Event.id.in_(select(EventHost.event_id).where(column == ident)))
    if model is VolunteerTeam:
        performing = select(ProgrammeItem.event_id).where(ProgrammeItem.performer_team_id == ident)
        conditions.append(Event.id.in_(performing))
    if model is Community:
        conditions.append(Event.community_id == ident)
    if model is Street:
        conditions.append(
            Event.community_id.in_(select(Community.id).where(Community.street_id == ident))
        )
    if model is District:
        in_district = select(Community.id).join(Street).where(Street.district_id == ident)
        conditions.append(Event.community_id.in_(in_district))
    if model is Campaign:
        conditions.append(Event.campaign_id == ident)
    return or_(*conditions)


def _renamed(target, value, oldvalue, _initiator) -> None:
    session = object_session(target)
    if value != oldvalue and target.id is not None and session is not None:
        session.info.setdefault(_RENAMED, set()).add((type(target), target.id))


for _model in (District, Street, Community, Department, PartnerOrganisation, VolunteerTeam):
    event.listen(_model.name, "set", _renamed)
event.listen(Campaign.name, "set", _renamed)


@event.listens_for(Session, "before_flush")
def _stamp_renamed(session: Session, _context, _instances) -> None:
    """Stamp the events showing a name renamed in this flush, in one UPDATE."""
    renamed = session.info.pop(_RENAMED, None)
    if renamed:
        now = utcnow()
        shown = or_(*(_showing(model, ident) for model, ident in renamed))
        session.connection().execute(
            update(Event).where(shown).values(modified_at=now, updated_at=now)
        )
