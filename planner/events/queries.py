"""What event pages read: loading an event and its cards, the version stamps of the page cache,
an organisation's events, lists to pick from, my events, overlaps, a series, and a campaign's
events with their counts."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from planner import permissions
from planner.directory.models import Community, District, Street
from planner.events.models import Campaign, Event, EventHost, EventStatus, ProgrammeItem
from planner.events.scopes import events_of
from planner.extensions import db
from planner.timeutil import utcnow

PER_PAGE = 20
CAMPAIGN_PER_PAGE = 60
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


def load_event(event_id: int) -> Event | None:
    return db.session.scalar(
        db.select(Event).where(Event.id == event_id).options(*detail_options())
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


def communities_with_places() -> list[Community]:
    """Communities not archived, by name, with their street and district loaded."""
    return list(
        db.session.scalars(
            db.select(Community)
            .where(Community.archived_at.is_(None))
            .options(joinedload(Community.street).joinedload(Street.district))
            .order_by(Community.name)
        )
    )


def campaigns_newest_first() -> list[Campaign]:
    return list(db.session.scalars(db.select(Campaign).order_by(Campaign.starts_on.desc())))


def managed_events_page(user, page: int = 1) -> Pagination:
    """The events ``user`` may manage: coming and running ones first, by start."""
    now = utcnow()
    return db.paginate(
        db.select(Event)
        .where(permissions.managed_events_condition(user))
        .options(*card_options())
        .order_by((Event.ends_at < now), Event.starts_at, Event.id),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )


def series_occurrences(event: Event) -> list[Event]:
    """Every occurrence of the event's series, by start (none when it is not part of one)."""
    if not event.series_id:
        return []
    return list(
        db.session.scalars(
            db.select(Event).where(Event.series_id == event.series_id).order_by(Event.starts_at)
        )
    )


# ---------------------------------------------------------------- campaigns


def campaigns_with_leads() -> list[Campaign]:
    """Every campaign, newest first, with its lead departments loaded."""
    return list(
        db.session.scalars(
            db.select(Campaign)
            .options(selectinload(Campaign.lead_departments))
            .order_by(Campaign.starts_on.desc(), Campaign.id)
        )
    )


def campaign_with_leads(campaign_id: int) -> Campaign | None:
    return db.session.scalar(
        db.select(Campaign)
        .where(Campaign.id == campaign_id)
        .options(selectinload(Campaign.lead_departments))
    )


def _public_of(campaign: Campaign):
    return (events_of(campaign), Event.status.in_(PUBLIC_STATUSES))


def campaign_events_page(campaign: Campaign, page: int = 1) -> Pagination:
    """The campaign's public events by start."""
    return db.paginate(
        db.select(Event)
        .where(*_public_of(campaign))
        .options(*card_options())
        .order_by(Event.starts_at, Event.id),
        page=page,
        per_page=CAMPAIGN_PER_PAGE,
        error_out=False,
    )


def campaign_counts_by_kind(campaign: Campaign) -> list[tuple]:
    """(kind, number of public events) of the campaign, in no particular order."""
    return list(
        db.session.execute(
            db.select(Event.kind, db.func.count(Event.id))
            .where(*_public_of(campaign))
            .group_by(Event.kind)
        )
    )


def campaign_counts_by_district(campaign: Campaign) -> list[tuple]:
    """(district name, number of public events) of the campaign, most events first."""
    return list(
        db.session.execute(
            db.select(District.name, db.func.count(Event.id))
            .join(Event.community)
            .join(Community.street)
            .join(Street.district)
            .where(*_public_of(campaign))
            .group_by(District.name)
            .order_by(db.func.count(Event.id).desc(), District.name)
        )
    )
