"""What the organiser and campaign pages read: lists to pick from, my events, a series, and a
campaign's events with their counts."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from planner.directory.models import Community, District, Street
from planner.events import services
from planner.events.models import Campaign, Event
from planner.extensions import db
from planner.timeutil import utcnow

PER_PAGE = 20
CAMPAIGN_PER_PAGE = 60


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
        .where(services.managed_condition(user))
        .options(*services.card_options())
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
    return (services.events_of(campaign), Event.status.in_(services.PUBLIC_STATUSES))


def campaign_events_page(campaign: Campaign, page: int = 1) -> Pagination:
    """The campaign's public events by start."""
    return db.paginate(
        db.select(Event)
        .where(*_public_of(campaign))
        .options(*services.card_options())
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
