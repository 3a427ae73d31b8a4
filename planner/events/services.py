"""Rules for events and campaigns: validation, the status workflow, series, overlaps, notices."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from planner import organisations, permissions, signals
from planner.audit import services as audit
from planner.database import lock_row
from planner.directory.models import (
    Community,
    Department,
    Street,
    VolunteerTeam,
)
from planner.events import timing
from planner.events.capacity import (
    change_seats,
    change_shift_capacity,
    check_seats,
    check_shift_capacity,
)
from planner.events.models import (
    Campaign,
    Event,
    EventHost,
    EventKind,
    EventStatus,
    HostRole,
    ProgrammeItem,
    Shift,
)
from planner.events.scopes import events_of, host_condition  # noqa: F401 (the host filter)
from planner.exceptions import DomainError
from planner.extensions import db
from planner.notifications import services as notifications
from planner.timeutil import local_zone, to_local, utcnow

TITLE_MAX = 120
PLACE_MAX = 200
DESCRIPTION_MAX = 5000
REASON_MAX = 500
ROLE_MAX = 80
REQUIREMENTS_MAX = 300
PARTY_SIZE = (1, 50)
SERIES_MAX = 52
LONGEST_EVENT = timedelta(days=14)


# ---------------------------------------------------------------- errors


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


class NotAllowedNow(DomainError):
    """A status transition that the workflow does not allow from the event's current status."""

    message = _l("This cannot be done to an event in its current status.")


class EventClosed(NotAllowedNow):
    message = _l("Completed and cancelled events can no longer be changed.")


class NotOverYet(NotAllowedNow):
    message = _l("An event can be marked as completed only once it has ended.")


class ReasonRequired(DomainError):
    message = _l("Give a reason for the cancellation: everyone signed up will read it.")
    field = "reason"


class NoHost(DomainError):
    message = _l("An event needs at least one host you organise for.")
    field = "host"


class LastHost(DomainError):
    message = _l("An event keeps at least one host.")


class AlreadyHost(DomainError):
    message = _l("This organisation already hosts the event.")
    field = "organisation"


class ShiftHasSignups(DomainError):
    message = _l("Volunteers have signed up for this shift; it cannot be removed.")


class SeriesTooLong(DomainError):
    message = _l("A series has at most 52 occurrences.")
    field = "until"


class SeriesUntilTooEarly(DomainError):
    message = _l("Repeat until a date after the event.")
    field = "until"


class CampaignDatesOutOfOrder(DomainError):
    message = _l("The campaign must end on or after its first day.")
    field = "ends_on"


class CampaignNameTaken(DomainError):
    message = _l("A campaign with this name already exists.")
    field = "name"


class NoLeadDepartment(DomainError):
    message = _l("Choose at least one lead department you organise for.")
    field = "lead_department_ids"


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


def _describe_time(event: Event) -> str:
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    return (
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        if start.date() == end.date()
        else (f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}")
    )


def place_of(event: Event) -> str:
    parts = [event.community.name if event.community else "", event.venue, event.address]
    return " · ".join(p for p in parts if p)


# ---------------------------------------------------------------- validation


def _bounded(value: str | None, limit: int, field: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Required(field=field)
    if len(value) > limit:
        raise TooLong(field=field)
    return value


def validate_times(starts_at: datetime, ends_at: datetime, *, new: bool) -> None:
    """End after start, at most 14 days long; a new event (or a new time) not in the past."""
    if ends_at <= starts_at:
        raise EndsBeforeStart()
    if ends_at - starts_at > LONGEST_EVENT:
        raise EventTooLong()
    if new and starts_at < utcnow() - timedelta(minutes=1):
        raise StartsInThePast()


def _validate_shift(event: Event, starts_at: datetime, ends_at: datetime, places: int) -> None:
    if ends_at <= starts_at:
        raise EndsBeforeStart()
    if starts_at < event.starts_at or ends_at > event.ends_at:
        raise ShiftOutsideEvent()
    check_shift_capacity(places)


def _ensure_open(event: Event) -> None:
    if not event.is_open:
        raise EventClosed()


# ---------------------------------------------------------------- creating and editing

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
        values["title"] = _bounded(self.title, TITLE_MAX, "title", required=True)
        values["venue"] = _bounded(self.venue, PLACE_MAX, "venue")
        values["address"] = _bounded(self.address, PLACE_MAX, "address")
        values["description"] = _bounded(self.description, DESCRIPTION_MAX, "description")
        check_seats(self.seats_capacity)
        if not PARTY_SIZE[0] <= self.max_party_size <= PARTY_SIZE[1]:
            raise DomainError(_l("Enter a number from 1 to 50."), field="max_party_size")
        return values


def create_event(actor, details: EventDetails, host) -> Event:
    """Create a draft hosted by ``host``, an organisation the actor manages."""
    if host is None or not permissions.can_manage(host, actor):
        raise NoHost()
    values = details.cleaned()
    validate_times(values["starts_at"], values["ends_at"], new=True)
    event = Event(status=EventStatus.DRAFT, created_by_id=getattr(actor, "id", None), **values)
    event.hosts.append(_host_row(host, HostRole.HOST))
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "event.create", event, title=event.title)
    return event


def update_event(actor, event: Event, details: EventDetails, notify: bool = True) -> set[str]:
    """Apply edits; bump the revision and tell participants when time or place changed."""
    _ensure_open(event)
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
    delta = values["starts_at"] - event.starts_at
    for name in changed - {"seats_capacity"}:
        setattr(event, name, values[name])
    if delta:
        for shift in event.shifts:
            shift.starts_at += delta
            shift.ends_at += delta
    for shift in event.shifts:
        if shift.starts_at < event.starts_at or shift.ends_at > event.ends_at:
            raise ShiftOutsideEvent(
                _l("A shift would lie outside the new times: change the shifts first."),
                field="ends_at",
            )
    if "seats_capacity" in changed:
        change_seats(actor, event, values["seats_capacity"])
    _touch(event, bump=bool(changed & {*TIME_FIELDS, *PLACE_FIELDS}))
    audit.record(actor, "event.update", event, changed=sorted(changed))
    if notify and event.status is EventStatus.PUBLISHED and changed & {*TIME_FIELDS, *PLACE_FIELDS}:
        notify_participants(
            event,
            _("Changed: %(title)s", title=event.title),
            _(
                "The time or place of %(title)s has changed. It is now %(when)s at %(place)s.",
                title=event.title,
                when=_describe_time(event),
                place=place_of(event),
            ),
        )
    return changed


def _touch(event: Event, bump: bool) -> None:
    event.updated_at = utcnow()
    if bump:
        event.revision = (event.revision or 0) + 1


# ---------------------------------------------------------------- the status workflow


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
    _touch(event, bump=True)
    audit.record(actor, "event.publish", event)


def complete(actor, event: Event, now: datetime | None = None) -> None:
    """published → completed, once the event has ended (the same test that credits its hours)."""
    if _lock_status(event) is not EventStatus.PUBLISHED:
        raise NotAllowedNow()
    if not timing.has_ended(event, now):
        raise NotOverYet()
    event.status = EventStatus.COMPLETED
    _touch(event, bump=True)
    audit.record(actor, "event.complete", event)


def cancel(actor, event: Event, reason: str) -> None:
    """published → cancelled with a reason that everyone signed up is sent."""
    if _lock_status(event) is not EventStatus.PUBLISHED:
        raise NotAllowedNow()
    reason = _bounded(reason, REASON_MAX, "reason")
    if not reason:
        raise ReasonRequired()
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason
    _touch(event, bump=True)
    audit.record(actor, "event.cancel", event, reason=reason)
    notify_participants(
        event,
        _("Cancelled: %(title)s", title=event.title),
        _(
            "%(title)s on %(when)s has been cancelled. Reason: %(reason)s",
            title=event.title,
            when=_describe_time(event),
            reason=reason,
        ),
    )


# ---------------------------------------------------------------- hosts, programme, shifts


def _host_row(organisation, role: HostRole) -> EventHost:
    host = EventHost(role=role)
    host.organisation = organisation
    return host


def add_host(actor, event: Event, organisation, role: HostRole) -> EventHost:
    _ensure_open(event)
    if any(h.organisation is organisation for h in event.hosts):
        raise AlreadyHost()
    host = _host_row(organisation, role)
    event.hosts.append(host)
    _touch(event, bump=False)
    db.session.flush()
    audit.record(actor, "event.host.add", event, organisation=str(organisation), role=role.value)
    return host


def remove_host(actor, event: Event, host: EventHost) -> None:
    _ensure_open(event)
    if len(event.hosts) <= 1:
        raise LastHost()
    remaining = [h for h in event.hosts if h is not host]
    if not permissions.is_admin(actor) and not any(
        permissions.can_manage(h.organisation, actor) for h in remaining
    ):
        raise NoHost(field=None)
    event.hosts.remove(host)
    _touch(event, bump=False)
    audit.record(actor, "event.host.remove", event, organisation=str(host.organisation))


def add_programme_item(
    actor,
    event: Event,
    title: str,
    performer_team_id: int | None,
    performer_text: str,
    duration_minutes: int | None,
) -> ProgrammeItem:
    _ensure_open(event)
    item = ProgrammeItem(
        position=max((i.position for i in event.programme), default=0) + 1,
        title=_bounded(title, TITLE_MAX, "title", required=True),
        performer_team_id=performer_team_id,
        performer_text=_bounded(performer_text, 120, "performer_text"),
        duration_minutes=duration_minutes,
    )
    event.programme.append(item)
    _touch(event, bump=False)
    db.session.flush()
    audit.record(actor, "event.programme.add", event, title=item.title)
    return item


def remove_programme_item(actor, event: Event, item: ProgrammeItem) -> None:
    _ensure_open(event)
    event.programme.remove(item)
    _touch(event, bump=False)
    audit.record(actor, "event.programme.remove", event, title=item.title)


def move_programme_item(actor, event: Event, item: ProgrammeItem, step: int) -> None:
    """Swap an item with its neighbour above (step -1) or below (+1); the ends stay put."""
    _ensure_open(event)
    items = list(event.programme)
    index = items.index(item)
    other_index = index + step
    if not 0 <= other_index < len(items):
        return
    other = items[other_index]
    # Positions are unique per event: park one item while the other takes its place.
    first, second = item.position, other.position
    item.position = -1
    db.session.flush()
    other.position = first
    db.session.flush()
    item.position = second
    _touch(event, bump=False)
    db.session.flush()
    audit.record(actor, "event.programme.move", event, title=item.title, step=step)


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
    _ensure_open(event)
    role = _bounded(role, ROLE_MAX, "role", required=True)
    requirements = _bounded(requirements, REQUIREMENTS_MAX, "requirements")
    _validate_shift(event, starts_at, ends_at, capacity)
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
    _touch(event, bump=False)
    db.session.flush()
    audit.record(actor, "event.shift.save", event, shift=shift.id, role=role, capacity=capacity)
    return shift


def remove_shift(actor, event: Event, shift: Shift) -> None:
    _ensure_open(event)
    if shift.confirmed_count:
        raise ShiftHasSignups()
    event.shifts.remove(shift)
    _touch(event, bump=False)
    audit.record(actor, "event.shift.remove", event, role=shift.role)


# ---------------------------------------------------------------- copies and series


def _copy(event: Event, offset: timedelta, actor, series_id: str | None) -> Event:
    copy = Event(
        title=event.title,
        kind=event.kind,
        status=EventStatus.DRAFT,
        campaign_id=event.campaign_id,
        community_id=event.community_id,
        venue=event.venue,
        address=event.address,
        latitude=event.latitude,
        longitude=event.longitude,
        starts_at=event.starts_at + offset,
        ends_at=event.ends_at + offset,
        description=event.description,
        seats_capacity=event.seats_capacity,
        max_party_size=event.max_party_size,
        cancellation_cutoff_minutes=event.cancellation_cutoff_minutes,
        series_id=series_id,
        created_by_id=getattr(actor, "id", None),
    )
    for host in event.hosts:
        copy.hosts.append(_host_row(host.organisation, host.role))
    for item in event.programme:
        copy.programme.append(
            ProgrammeItem(
                position=item.position,
                title=item.title,
                performer_team_id=item.performer_team_id,
                performer_text=item.performer_text,
                duration_minutes=item.duration_minutes,
            )
        )
    for shift in event.shifts:
        copy.shifts.append(
            Shift(
                role=shift.role,
                starts_at=shift.starts_at + offset,
                ends_at=shift.ends_at + offset,
                capacity=shift.capacity,
                requirements=shift.requirements,
            )
        )
    db.session.add(copy)
    return copy


def duplicate(actor, event: Event, days: int = 7) -> Event:
    """Copy an event (hosts, programme, shifts) as a draft ``days`` later: "copy to next week"."""
    offset = timedelta(days=days)
    validate_times(event.starts_at + offset, event.ends_at + offset, new=True)
    copy = _copy(event, offset, actor, series_id=None)
    db.session.flush()
    audit.record(actor, "event.duplicate", copy, source=event.id)
    return copy


class Frequency:
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    ALL = (WEEKLY, FORTNIGHTLY, MONTHLY)


def _add_months(moment: datetime, months: int) -> datetime:
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def occurrence_starts(starts_at: datetime, frequency: str, until: date) -> list[datetime]:
    """The local start times of a series, the first included, up to ``until`` (at most 52)."""
    if frequency not in Frequency.ALL:
        raise DomainError(_l("Choose how often the event repeats."), field="frequency")
    first = to_local(starts_at)
    if until <= first.date():
        raise SeriesUntilTooEarly()
    starts = []
    n = 0
    while True:
        if frequency == Frequency.MONTHLY:
            moment = _add_months(first, n)
        else:
            step = 7 if frequency == Frequency.WEEKLY else 14
            moment = (first.replace(tzinfo=None) + timedelta(days=step * n)).replace(
                tzinfo=local_zone()
            )
        if moment.date() > until:
            return starts
        starts.append(moment)
        if len(starts) > SERIES_MAX:
            raise SeriesTooLong()
        n += 1


def make_series(actor, event: Event, frequency: str, until: date) -> list[Event]:
    """Repeat ``event`` as separate draft occurrences sharing a series id; return the new ones."""
    _ensure_open(event)
    if event.series_id:
        raise DomainError(_l("This event already belongs to a series."), field="frequency")
    starts = occurrence_starts(event.starts_at, frequency, until)
    event.series_id = str(uuid.uuid4())
    _touch(event, bump=False)
    copies = [
        _copy(event, moment - event.starts_at, actor, event.series_id) for moment in starts[1:]
    ]
    db.session.flush()
    audit.record(
        actor,
        "event.series",
        event,
        frequency=frequency,
        until=until.isoformat(),
        occurrences=len(starts),
    )
    return copies


def this_and_following(event: Event) -> list[Event]:
    """The open occurrences of the event's series from this one on (just the event if none)."""
    if not event.series_id:
        return [event]
    return list(
        db.session.scalars(
            db.select(Event)
            .where(
                Event.series_id == event.series_id,
                Event.starts_at >= event.starts_at,
                Event.status.in_([EventStatus.DRAFT, EventStatus.PUBLISHED]),
            )
            .options(selectinload(Event.shifts), selectinload(Event.hosts))
            .order_by(Event.starts_at)
        )
    )


def update_following(actor, event: Event, details: EventDetails) -> int:
    """Apply one edit to this occurrence and the following ones, moving each by the same amount."""
    start_delta = details.starts_at - event.starts_at
    end_delta = details.ends_at - event.ends_at
    occurrences = this_and_following(event)
    for occurrence in occurrences:
        own = EventDetails(
            **{
                **details.__dict__,
                "starts_at": occurrence.starts_at + start_delta,
                "ends_at": occurrence.ends_at + end_delta,
            }
        )
        update_event(actor, occurrence, own)
    return len(occurrences)


def cancel_following(actor, event: Event, reason: str) -> int:
    """Cancel this occurrence and the following published ones (drafts among them stay drafts)."""
    count = 0
    for occurrence in this_and_following(event):
        if occurrence.status is EventStatus.PUBLISHED:
            cancel(actor, occurrence, reason)
            count += 1
    if not count:
        raise NotAllowedNow()
    return count


def publish_following(actor, event: Event) -> int:
    count = 0
    for occurrence in this_and_following(event):
        if occurrence.status is EventStatus.DRAFT:
            publish(actor, occurrence)
            count += 1
    if not count:
        raise NotAllowedNow()
    return count


# ---------------------------------------------------------------- overlaps


def overlapping(event: Event) -> list[Event]:
    """Other open events at an overlapping time at the same venue or with a shared host team."""
    team_ids = [h.team_id for h in event.hosts if h.team_id]
    same_venue = db.false()
    if event.community_id and event.venue:
        same_venue = db.and_(Event.community_id == event.community_id, Event.venue == event.venue)
    shared_team = db.false()
    if team_ids:
        shared_team = Event.id.in_(
            db.select(EventHost.event_id).where(EventHost.team_id.in_(team_ids))
        )
    return list(
        db.session.scalars(
            db.select(Event)
            .where(
                Event.id != event.id,
                Event.status.in_([EventStatus.DRAFT, EventStatus.PUBLISHED]),
                Event.starts_at < event.ends_at,
                Event.ends_at > event.starts_at,
                db.or_(same_venue, shared_team),
            )
            .order_by(Event.starts_at)
            .limit(5)
        )
    )


# ---------------------------------------------------------------- finding events

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.COMPLETED, EventStatus.CANCELLED)


def card_options():
    """Loader options for an event card: community with street and district, and the shifts."""
    return (
        joinedload(Event.community).joinedload(Community.street).joinedload(Street.district),
        selectinload(Event.shifts),
    )


def detail_options():
    return (
        *card_options(),
        joinedload(Event.campaign),
        selectinload(Event.hosts).joinedload(EventHost.department),
        selectinload(Event.hosts).joinedload(EventHost.partner),
        selectinload(Event.hosts).joinedload(EventHost.street),
        selectinload(Event.hosts).joinedload(EventHost.community),
        selectinload(Event.hosts).joinedload(EventHost.team),
        selectinload(Event.programme).joinedload(ProgrammeItem.performer_team),
    )


# Built once, on the table rather than the mapped class: these run on every page served from the
# page cache, where building and compiling an ORM statement would cost more than the query itself.
_EVENTS_VERSION = db.select(db.func.max(Event.__table__.c.updated_at))
_EVENT_VERSION = db.select(Event.__table__.c.updated_at).where(
    Event.__table__.c.id == db.bindparam("event_id")
)


def events_version() -> object:
    """Changes whenever any event's page may change (every edit stamps ``updated_at``): the
    page cache's check for pages that list events."""
    return db.session.execute(_EVENTS_VERSION).scalar()


def event_version(event_id: int) -> object:
    """Changes whenever the event's own page may change."""
    return db.session.execute(_EVENT_VERSION, {"event_id": event_id}).scalar()


def load_event(event_id: int) -> Event | None:
    return db.session.scalar(
        db.select(Event).where(Event.id == event_id).options(*detail_options())
    )


def upcoming_and_recent(organisation, limit: int = 6) -> tuple[list[Event], list[Event]]:
    """Public events of ``organisation`` (``events_of``): the next ones, and the latest past ones."""
    now = utcnow()
    base = (
        db.select(Event)
        .where(Event.status.in_(PUBLIC_STATUSES), events_of(organisation))
        .options(*card_options())
    )
    upcoming = (
        db.session.scalars(
            base.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id).limit(limit)
        )
        .unique()
        .all()
    )
    recent = (
        db.session.scalars(
            base.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id).limit(limit)
        )
        .unique()
        .all()
    )
    return list(upcoming), list(recent)


def managed_condition(user):
    """SQL: the user may manage the event (see ``permissions.can_manage_event``)."""
    if permissions.is_admin(user):
        return db.true()
    keys, team_ids = permissions.organiser_scope(user)
    ids = {
        kind: [i for k, i in keys if k == kind] for kind in ("department", "street", "community")
    }
    community_ids = db.select(Community.id).where(
        db.or_(Community.id.in_(ids["community"]), Community.street_id.in_(ids["street"]))
    )
    team_ids_owned = db.select(VolunteerTeam.id).where(
        db.or_(
            VolunteerTeam.id.in_(list(team_ids)),
            VolunteerTeam.department_id.in_(ids["department"]),
            VolunteerTeam.community_id.in_(community_ids),
        )
    )
    hosts = db.select(EventHost.event_id).where(
        db.or_(
            EventHost.department_id.in_(ids["department"]),
            EventHost.street_id.in_(ids["street"]),
            EventHost.community_id.in_(community_ids),
            EventHost.team_id.in_(team_ids_owned),
        )
    )
    return Event.id.in_(hosts)


# What choosing among organisations loads besides their names: a community is labelled with its
# street, and whoever may manage a team is found through its owner.
_HOST_LOADS = {
    "community": (joinedload(Community.street),),
    "team": (joinedload(VolunteerTeam.department), joinedload(VolunteerTeam.community)),
}


def host_organisations() -> list:
    """Every organisation that may host an event and is not archived, kind by kind, by name."""
    result = []
    for name in organisations.HOST_KINDS:
        model = organisations.KINDS[name].model
        result.extend(
            db.session.scalars(
                db.select(model)
                .where(model.archived_at.is_(None))
                .options(*_HOST_LOADS.get(name, ()))
                .order_by(model.name)
            )
        )
    return result


def manageable_organisations(user) -> list:
    """Organisations the user may name as an event's host (administrators: all of them)."""
    return [o for o in host_organisations() if permissions.can_manage(o, user)]


# ---------------------------------------------------------------- campaigns


@dataclass
class CampaignDetails:
    name: str
    slogan: str
    description: str
    starts_on: date
    ends_on: date
    status: object
    lead_department_ids: list[int]


def save_campaign(actor, campaign: Campaign | None, details: CampaignDetails) -> Campaign:
    """Create or edit a campaign; an organiser must stay one of its lead departments."""
    name = _bounded(details.name, 120, "name", required=True)
    if details.ends_on < details.starts_on:
        raise CampaignDatesOutOfOrder()
    clash = db.session.scalar(
        db.select(Campaign.id).where(
            Campaign.name == name, Campaign.id != (campaign.id if campaign else -1)
        )
    )
    if clash is not None:
        raise CampaignNameTaken()
    departments = list(
        db.session.scalars(
            db.select(Department).where(Department.id.in_(details.lead_department_ids or []))
        )
    )
    if not permissions.is_admin(actor) and not any(
        permissions.can_manage(d, actor) for d in departments
    ):
        raise NoLeadDepartment()
    target = campaign or Campaign()
    target.name = name
    target.slogan = _bounded(details.slogan, 200, "slogan")
    target.description = _bounded(details.description, DESCRIPTION_MAX, "description")
    target.starts_on, target.ends_on, target.status = (
        details.starts_on,
        details.ends_on,
        details.status,
    )
    target.lead_departments = departments
    db.session.add(target)
    db.session.flush()
    audit.record(actor, "campaign.update" if campaign else "campaign.create", target, name=name)
    return target


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where a local calendar day starts and the next one starts."""
    start = datetime.combine(day, time(0), tzinfo=local_zone())
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=local_zone())
