"""Calendar feeds: which events each feed holds, its data version, and personal feed tokens.

How events must change for feeds to stay right (the contract with the events services):
``event.revision += 1`` whenever time, place or status changes (SEQUENCE; that also stamps
``Event.revised_at``), and ``event.updated_at = utcnow()`` on every edit at all. What a feed shows
stamps ``Event.modified_at`` (LAST-MODIFIED) by itself (planner/calendar/models.py).
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, bindparam, case, false, func, literal, or_
from sqlalchemy.orm import aliased, joinedload

from planner import signals
from planner.accounts.models import User
from planner.calendar.models import CalendarToken
from planner.database import lock_row
from planner.directory import services as directory_services
from planner.directory.models import (
    Community,
    Department,
    District,
    PartnerOrganisation,
    Street,
    VolunteerTeam,
)
from planner.events.kinds import KINDS
from planner.events.models import (
    Campaign,
    CampaignStatus,
    Event,
    EventHost,
    EventKind,
    EventSeries,
    EventStatus,
    HostRole,
    ProgrammeItem,
    Shift,
    places_left,
)
from planner.events.scopes import events_of_kind
from planner.exceptions import DomainError
from planner.extensions import db
from planner.organisations import BY_FEED_SCOPE
from planner.timeutil import utcnow

# Bump when the rendered body changes for the same data, so cached bodies and ETags move on.
FORMAT_VERSION = 2

KIND_LABELS = {kind: style.label for kind, style in KINDS.items()}

# A namespace of our own for feed UIDs (uuid5 of the feed's key): stable, derived from nothing
# that can change.
FEED_UID_NAMESPACE = uuid.UUID("5c1b2a3e-9f04-4d7e-8a61-6e0f3b1c2d4a")


class TokenMissing(DomainError):
    message = _l("You have no calendar link yet.")


# ---------------------------------------------------------------- which events a feed holds


@dataclass(frozen=True)
class Feed:
    """One feed: its stable key, its title, the events it may hold, and its options."""

    key: str
    name: object  # a lazy string, rendered in the feed's language
    label: str  # the names inside ``name`` (they are part of the version)
    condition: object  # a SQL condition on Event, or a callable making one when first needed
    kind: EventKind | None = None
    windowed: bool = True  # False for a single event's download: any date
    remind_day_before: bool = False
    personal: bool = False
    changed_at: datetime | None = None  # when the feed's own settings last changed
    # A series as one recurring VEVENT (public feeds); else each occurrence on its own (a
    # person's sign-ups, a single event's download).
    series: bool = True

    @property
    def uid(self) -> str:
        return str(uuid.uuid5(FEED_UID_NAMESPACE, self.key))


def _with_kind(name, kind: EventKind | None):
    if kind is None:
        return name
    return _l("%(name)s · %(kind)s", name=name, kind=KIND_LABELS[kind])


def all_feed(kind: EventKind | None = None) -> Feed:
    key = "all" + (f"?kind={kind.value}" if kind else "")
    return Feed(key, _with_kind(_l("Xinfeng: all events"), kind), "", db.true(), kind=kind)


def scope_feed(scope: str, item_id: int, item_name: str, kind: EventKind | None = None) -> Feed:
    key = f"{scope}/{item_id}" + (f"?kind={kind.value}" if kind else "")
    name = _with_kind(_l("%(name)s · Xinfeng events", name=item_name), kind)
    # Built only when the feed's version is not remembered: building it costs more than a 304.
    condition = functools.partial(events_of_kind, BY_FEED_SCOPE[scope].name, item_id)
    return Feed(key, name, item_name, condition, kind=kind)


def event_feed(event: Event) -> Feed:
    return Feed(
        f"events/{event.id}",
        event.title,
        event.title,
        Event.id == event.id,
        windowed=False,
        series=False,
    )


def personal_feed(token: CalendarToken) -> Feed:
    # What the user holds or waits for is the sign-up feature's to say (``personal_events``).
    # One IN per receiver: a receiver may return a UNION itself, which SQLite cannot nest.
    selects = [select for _receiver, select in signals.personal_events.send(token.user)]
    condition = or_(false(), *(Event.id.in_(select) for select in selects))
    return Feed(
        f"me/{token.user_id}",
        _l("My Xinfeng calendar"),
        "",
        condition,
        remind_day_before=token.remind_day_before,
        personal=True,
        changed_at=token.updated_at,
        series=False,
    )


@dataclass(frozen=True)
class FeedHead:
    """What a feed request learns in one query: the scope's name and the latest event edit."""

    name: str
    latest_edit: datetime | None


# Every edit of an event, its hosts, programme or shifts (publishing and cancelling included)
# stamps Event.updated_at (``planner.events.workflow.touch``), as does a rename of a name a feed
# shows (planner/calendar/models.py), so this indexed maximum moves whenever a feed's events may
# have changed, except through sign-ups.
_LATEST_EDIT = db.select(func.max(Event.updated_at)).scalar_subquery()


def _scope_head(model: type) -> Select:
    query = db.select(model.name, _LATEST_EDIT).where(model.id == bindparam("item_id"))
    if model is Campaign:
        query = query.where(Campaign.status != CampaignStatus.DRAFT)
    return query


# Built once: a conditional feed request should cost little more than one indexed look-up.
_HEADS = {scope: _scope_head(kind.model) for scope, kind in BY_FEED_SCOPE.items()}
_ALL_HEAD = db.select(literal(""), _LATEST_EDIT)


def feed_head(scope: str | None = None, item_id: int | None = None) -> FeedHead | None:
    """The scope's name (``""`` for all events) and the latest event edit, in one query.

    ``None`` when the scope names nothing a feed is published for (or a draft campaign).
    """
    # Core execution on the session's connection: the ORM's statement handling would cost more
    # than the query itself on this path.
    connection = db.session.connection()
    if scope is None:
        row = connection.execute(_ALL_HEAD).one()
    else:
        row = connection.execute(_HEADS[scope], {"item_id": item_id}).first()
    return FeedHead(*row) if row is not None else None


def parse_kind(raw: str | None) -> EventKind | None:
    """``?kind=`` as an EventKind; ``ValueError`` for a value that names no kind."""
    if not raw:
        return None
    return EventKind(raw)


# ---------------------------------------------------------------- window and version


@dataclass(frozen=True)
class Window:
    """Which events a feed shows now: from ``past`` on; cancelled ones only since ``cancelled``."""

    now: datetime
    past: datetime
    cancelled: datetime
    past_days: int
    cancelled_days: int

    @classmethod
    def current(cls) -> Window:
        config = current_app.config
        now = utcnow()
        past_days = int(config["PLANNER_CALENDAR_PAST_DAYS"])
        cancelled_days = int(config["PLANNER_CALENDAR_CANCELLED_DAYS"])
        return cls(
            now,
            now - timedelta(days=past_days),
            now - timedelta(days=cancelled_days),
            past_days,
            cancelled_days,
        )


def _cancelled_at():
    # Cancelling bumps the revision, so revised_at dates the cancellation.
    return func.coalesce(Event.revised_at, Event.updated_at)


def _base_condition(feed: Feed):
    condition = feed.condition() if callable(feed.condition) else feed.condition
    conditions = [condition, Event.status != EventStatus.DRAFT]
    if feed.kind is not None:
        conditions.append(Event.kind == feed.kind)
    return and_(*conditions)


def _in_window(feed: Feed, window: Window):
    if not feed.windowed:
        return db.true()
    return and_(
        Event.ends_at >= window.past,
        or_(Event.status != EventStatus.CANCELLED, _cancelled_at() >= window.cancelled),
    )


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime | None
    # The next moment an event leaves the window by the clock alone (None: none will).
    stable_until: datetime | None = None


def feed_version(feed: Feed, window: Window, *, extra: tuple = ()) -> FeedVersion:
    """The feed's data version from one aggregate query: nothing is rendered to know it.

    Counts and latest changes of the events in the window, with their shifts' places (sign-ups
    change remaining places without editing the event), and when events last left the window.
    """
    shown = _in_window(feed, window)
    gone_by_date = and_(Event.ends_at < window.past) if feed.windowed else false()
    gone_cancelled = (
        and_(Event.status == EventStatus.CANCELLED, _cancelled_at() < window.cancelled)
        if feed.windowed
        else false()
    )
    row = db.session.execute(
        db.select(
            func.count(func.distinct(case((shown, Event.id)))),
            func.max(case((shown, Event.updated_at))),
            func.max(case((shown, Event.revised_at))),
            func.max(case((shown, Event.modified_at))),
            func.max(case((gone_by_date, Event.ends_at))),
            func.max(case((gone_cancelled, _cancelled_at()))),
            func.count(case((shown, Shift.id))),
            func.sum(case((shown, Shift.capacity))),
            func.sum(case((shown, Shift.confirmed_count))),
            func.min(case((shown, Event.ends_at))),
            func.min(case((and_(shown, Event.status == EventStatus.CANCELLED), _cancelled_at()))),
        )
        .select_from(Event)
        .outerjoin(Shift, Shift.event_id == Event.id)
        .where(_base_condition(feed))
    ).one()
    count, updated, revised, modified, ended, cancelled, *shift_sums, first_end, first_cancelled = (
        row
    )
    leaving = []
    if feed.windowed and first_end is not None:
        leaving.append(first_end + timedelta(days=window.past_days))
    if feed.windowed and first_cancelled is not None:
        leaving.append(first_cancelled + timedelta(days=window.cancelled_days))
    stamps = [updated, revised, modified, feed.changed_at]
    if ended is not None:
        stamps.append(min(ended + timedelta(days=window.past_days), window.now))
    if cancelled is not None:
        stamps.append(min(cancelled + timedelta(days=window.cancelled_days), window.now))
    stamps = [stamp for stamp in stamps if stamp is not None]
    last_modified = max(stamps) if stamps else None
    parts = (
        FORMAT_VERSION,
        feed.key,
        feed.label,
        feed.remind_day_before,
        feed.series,
        count,
        updated,
        revised,
        modified,
        last_modified,
        *shift_sums,
        *extra,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return FeedVersion(
        etag=digest, last_modified=last_modified, stable_until=min(leaving) if leaving else None
    )


@dataclass(slots=True)
class FeedShift:
    role: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    remaining: int


@dataclass(frozen=True, slots=True)
class FeedSeries:
    """The rule of a series (``EventSeries``) its occurrences in a feed were made by."""

    id: str
    frequency: str
    starts_at: datetime
    until: date


@dataclass(slots=True)
class FeedEvent:
    """What a feed shows of one event, as plain values (no ORM objects: 20x cheaper to load)."""

    id: int
    uuid: str
    title: str
    kind: EventKind
    status: EventStatus
    venue: str
    address: str
    latitude: float | None
    longitude: float | None
    starts_at: datetime
    ends_at: datetime
    description: str
    cancel_reason: str
    revision: int
    revised_at: datetime | None
    created_at: datetime
    updated_at: datetime
    modified_at: datetime | None
    series_id: str | None
    series_position: int | None
    campaign: str | None
    community: str | None
    street: str | None
    district: str | None
    hosts: list[tuple[str, HostRole]] = field(default_factory=list)  # name, role
    programme: list[tuple[str, str]] = field(default_factory=list)  # title, performer
    shifts: list[FeedShift] = field(default_factory=list)
    series: FeedSeries | None = None  # its series' rule, in feeds that publish series


_EVENT_COLUMNS = (
    Event.id,
    Event.uuid,
    Event.title,
    Event.kind,
    Event.status,
    Event.venue,
    Event.address,
    Event.latitude,
    Event.longitude,
    Event.starts_at,
    Event.ends_at,
    Event.description,
    Event.cancel_reason,
    Event.revision,
    Event.revised_at,
    Event.created_at,
    Event.updated_at,
    Event.modified_at,
    Event.series_id,
    Event.series_position,
)


def load_events(feed: Feed, window: Window) -> list[FeedEvent]:
    """The feed's events with everything rendering needs, as plain rows in four queries."""
    shown = (_base_condition(feed), _in_window(feed, window))
    street, district = aliased(Street), aliased(District)
    rows = db.session.execute(
        db.select(*_EVENT_COLUMNS, Campaign.name, Community.name, street.name, district.name)
        .outerjoin(Campaign, Event.campaign_id == Campaign.id)
        .outerjoin(Community, Event.community_id == Community.id)
        .outerjoin(street, Community.street_id == street.id)
        .outerjoin(district, street.district_id == district.id)
        .where(*shown)
        .order_by(Event.starts_at, Event.id)
    ).all()
    if not rows:
        return []
    events = [FeedEvent(*row) for row in rows]
    by_id = {event.id: event for event in events}
    # The children by a sub-select of the same condition: an IN list of 20,000 ids would
    # exceed SQLite's parameter limit and is no faster.
    ids = db.select(Event.id).where(*shown)
    for event_id, name, role in db.session.execute(_host_names(ids)):
        if name is not None:
            by_id[event_id].hosts.append((name, role))
    team = aliased(VolunteerTeam)
    for event_id, title, performer in db.session.execute(
        db.select(
            ProgrammeItem.event_id,
            ProgrammeItem.title,
            func.coalesce(team.name, ProgrammeItem.performer_text),
        )
        .outerjoin(team, ProgrammeItem.performer_team_id == team.id)
        .where(ProgrammeItem.event_id.in_(ids))
        .order_by(ProgrammeItem.event_id, ProgrammeItem.position)
    ):
        by_id[event_id].programme.append((title, performer))
    for event_id, role, starts_at, ends_at, capacity, confirmed in db.session.execute(
        db.select(
            Shift.event_id,
            Shift.role,
            Shift.starts_at,
            Shift.ends_at,
            Shift.capacity,
            Shift.confirmed_count,
        )
        .where(Shift.event_id.in_(ids))
        .order_by(Shift.event_id, Shift.starts_at, Shift.id)
    ):
        remaining = places_left(capacity, confirmed)
        by_id[event_id].shifts.append(FeedShift(role, starts_at, ends_at, capacity, remaining))
    if feed.series:
        _attach_series(events)
    return events


def _attach_series(events: list[FeedEvent]) -> None:
    """Give the occurrences of each series their rule, in one query (rules never change)."""
    ids = {event.series_id for event in events if event.series_position is not None}
    if not ids:
        return
    rules = {
        row.id: FeedSeries(row.id, row.frequency, row.starts_at, row.until)
        for row in db.session.execute(
            db.select(
                EventSeries.id, EventSeries.frequency, EventSeries.starts_at, EventSeries.until
            ).where(EventSeries.id.in_(sorted(ids)))
        )
    }
    for event in events:
        if event.series_position is not None:
            event.series = rules.get(event.series_id)


def _host_names(event_ids) -> Select:
    """(event id, organisation name, role) of the hosts of ``event_ids``, in the hosts' order."""
    department, partner = aliased(Department), aliased(PartnerOrganisation)
    street, community, team = aliased(Street), aliased(Community), aliased(VolunteerTeam)
    return (
        db.select(
            EventHost.event_id,
            # Exactly one organisation a row (a check constraint), so the first name is its name.
            func.coalesce(department.name, partner.name, street.name, community.name, team.name),
            EventHost.role,
        )
        .outerjoin(department, EventHost.department_id == department.id)
        .outerjoin(partner, EventHost.partner_id == partner.id)
        .outerjoin(street, EventHost.street_id == street.id)
        .outerjoin(community, EventHost.community_id == community.id)
        .outerjoin(team, EventHost.team_id == team.id)
        .where(EventHost.event_id.in_(event_ids))
        .order_by(EventHost.event_id, EventHost.id)
    )


# ---------------------------------------------------------------- what the pages offer


def public_event(event_id: int) -> Event | None:
    """The event, unless it is unknown or a draft: a single event's feed shows nothing else."""
    event = db.session.get(Event, event_id)
    return event if event is not None and event.is_public else None


@dataclass(frozen=True)
class FeedDirectory:
    """Everything with a feed of its own, for the page that lists the feeds."""

    districts: list[District]  # with their streets and communities loaded
    departments: list[Department]
    teams: list[VolunteerTeam]
    campaigns: list[Campaign]


def feed_directory() -> FeedDirectory:
    """The districts (with streets and communities), departments, teams and campaigns not
    archived nor drafts, each by name (campaigns newest first)."""
    campaigns = db.session.scalars(
        db.select(Campaign)
        .where(Campaign.status != CampaignStatus.DRAFT)
        .order_by(Campaign.starts_on.desc(), Campaign.name)
    ).all()
    return FeedDirectory(
        districts=directory_services.active_districts(),
        departments=directory_services.active_departments(),
        teams=directory_services.active_teams(),
        campaigns=list(campaigns),
    )


# ---------------------------------------------------------------- personal feed tokens


def live_token(user: User) -> CalendarToken | None:
    return db.session.scalar(
        db.select(CalendarToken).where(
            CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None)
        )
    )


def find_live_token(token: str) -> CalendarToken | None:
    """The live token with this secret (and its user); ``None`` if unknown or revoked."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        db.select(CalendarToken)
        .where(CalendarToken.token == token, CalendarToken.revoked_at.is_(None))
        .options(joinedload(CalendarToken.user))
    )


def regenerate_token(user: User) -> CalendarToken:
    """Give the user a new feed secret; the old one (if any) stops working. Keeps the settings.

    The user's row is locked first: links made at the same time are made one after the other,
    and the last one is the one live link.
    """
    lock_row(User, user.id)
    old = revoke_token(user)
    token = CalendarToken(user=user, remind_day_before=old.remind_day_before if old else False)
    db.session.add(token)
    db.session.flush()
    return token


def revoke_token(user: User) -> CalendarToken | None:
    """Stop the user's personal feed; returns the revoked token, if there was one."""
    token = live_token(user)
    if token is not None:
        token.revoked_at = utcnow()
        db.session.flush()  # before a new live token, for the one-live-token index
    return token


def set_day_before_reminder(user: User, enabled: bool) -> CalendarToken:
    """Switch the day-before reminder of the user's personal feed on or off."""
    token = live_token(user)
    if token is None:
        raise TokenMissing()
    if token.remind_day_before != enabled:
        token.remind_day_before = enabled
        token.updated_at = utcnow()
    db.session.flush()
    return token
