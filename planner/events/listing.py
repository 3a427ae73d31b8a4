"""The public events listing: its filters, the query they make, and the options the filters offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_sqlalchemy.pagination import Pagination

from planner import organisations
from planner.directory.models import (
    Community,
    District,
    Street,
)
from planner.events.models import Campaign, CampaignStatus, Event, EventKind
from planner.events.queries import PUBLIC_STATUSES, card_options
from planner.events.scopes import events_of_kind, host_condition
from planner.events.validation import LONGEST_EVENT
from planner.extensions import db
from planner.timeutil import local_now, local_zone, utcnow

PER_PAGE = 20


class When:
    """The quick date choices of the listing (``?when=``)."""

    TODAY = "today"
    WEEKEND = "weekend"
    WEEK = "week"
    RANGE = "range"


@dataclass(frozen=True)
class ListingFilter:
    """What the visitor asked the listing for, parsed and valid; ``None`` or empty: no filter.

    Of the places, the narrowest given applies (community, else street, else district), with the
    events its page lists: those held there and those its offices and teams host.
    """

    district: int | None = None
    street: int | None = None
    community: int | None = None
    kind: EventKind | None = None
    campaign: int | None = None
    host: object | None = None  # an organisation (Department, Street, VolunteerTeam, …)
    when: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    past: bool = False

    @property
    def active_count(self) -> int:
        """How many filters are set, the search aside (the page shows the number)."""
        return sum(
            1
            for name in self.__dataclass_fields__
            if name != "q" and getattr(self, name) not in (None, "", False)
        )


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where a local calendar day starts and the next one starts."""
    start = datetime.combine(day, time(0), tzinfo=local_zone())
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=local_zone())


def _week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def date_window(filters: ListingFilter) -> tuple[datetime | None, datetime | None] | None:
    """The (from, to) local days chosen, as UTC bounds; ``None`` when no date filter applies."""
    today = local_now().date()
    if filters.when == When.TODAY:
        first, last = today, today
    elif filters.when == When.WEEKEND:
        saturday = _week_start(today) + timedelta(days=5)
        first, last = saturday, saturday + timedelta(days=1)
    elif filters.when == When.WEEK:
        monday = _week_start(today)
        first, last = monday, monday + timedelta(days=6)
    elif filters.date_from or filters.date_to:
        first, last = filters.date_from, filters.date_to
    else:
        return None
    start = local_day_bounds(first)[0] if first else None
    end = local_day_bounds(last)[1] if last else None
    return start, end


def _in_place(filters: ListingFilter):
    """The events of the narrowest place asked for (``events_of``: what the place's page lists)."""
    for kind in ("community", "street", "district"):
        ident = getattr(filters, kind)
        if ident:
            return events_of_kind(kind, ident)
    return None


def listing_query(filters: ListingFilter):
    """The public events matching ``filters``: upcoming soonest first, or past latest first."""
    query = db.select(Event).where(Event.status.in_(PUBLIC_STATUSES))
    now = utcnow()
    # The bounds on starts_at are implied by the others (no event is longer than LONGEST_EVENT) but
    # let the database walk its start-time index instead of reading every event.
    if filters.past:
        query = query.where(Event.ends_at < now, Event.starts_at < now).order_by(
            Event.starts_at.desc(), Event.id.desc()
        )
    else:
        query = query.where(Event.ends_at >= now, Event.starts_at >= now - LONGEST_EVENT).order_by(
            Event.starts_at, Event.id
        )
    place = _in_place(filters)
    if place is not None:
        query = query.where(place)
    if filters.kind is not None:
        query = query.where(Event.kind == filters.kind)
    if filters.campaign:
        query = query.where(Event.campaign_id == filters.campaign)
    if filters.host is not None:
        query = query.where(host_condition(filters.host))
    window = date_window(filters)
    if window is not None:
        start, end = window
        if start is not None:
            query = query.where(Event.ends_at > start)
        if end is not None:
            query = query.where(Event.starts_at < end)
    if filters.q:
        # autoescape: a visitor's %, _ or escape character is searched for, not a wildcard.
        query = query.where(
            db.or_(
                Event.title.icontains(filters.q, autoescape=True),
                Event.description.icontains(filters.q, autoescape=True),
            )
        )
    return query.options(*card_options())


def listing_page(filters: ListingFilter, page: int = 1, per_page: int = PER_PAGE) -> Pagination:
    """One page of the public listing (an empty page past the last one, never an error)."""
    return db.paginate(listing_query(filters), page=page, per_page=per_page, error_out=False)


# ---------------------------------------------------------------- what the filters offer


@dataclass(frozen=True)
class FilterOptions:
    """The (value, label) pairs each filter offers, without the blank "all" choice; a street or
    community also carries its district (and street) as ``data-`` attributes, for
    ``static/js/filters.js``."""

    districts: list[tuple[int, str]]
    streets: list[tuple]
    communities: list[tuple]
    campaigns: list[tuple[int, str]]
    hosts: list[tuple[str, str]]


def filter_options(
    picked_host=None, district: int | None = None, street: int | None = None
) -> FilterOptions:
    """Places, campaigns and hosts to filter by; ``picked_host`` is offered even when it is of a
    kind not listed (a team's page links to the listing with its team). The places narrow each
    other: a picked district offers only its streets and communities, a picked street only its
    communities."""
    # Plain columns, not ORM objects: at a city's size these lists hold thousands of names.
    communities = db.session.execute(
        db.select(Community.id, Community.name, Street.id, Street.name, District.id, District.name)
        .join(Community.street)
        .join(Street.district)
        .where(Community.archived_at.is_(None))
        .order_by(Community.name)
    ).all()
    districts = {row[4]: row[5] for row in communities}
    if district is not None:
        communities = [row for row in communities if row[4] == district]
    streets = {row[2]: (row[3], row[4]) for row in communities}
    if street is not None and street in streets:
        communities = [row for row in communities if row[2] == street]
    campaigns = db.session.execute(
        db.select(Campaign.id, Campaign.name)
        .where(Campaign.status != CampaignStatus.DRAFT)
        .order_by(Campaign.name)
    ).all()
    return FilterOptions(
        districts=sorted(districts.items(), key=lambda d: d[1]),
        streets=[
            (ident, name, {"data-district": district_id})
            for ident, (name, district_id) in sorted(streets.items(), key=lambda s: s[1][0])
        ],
        communities=[
            (row[0], row[1], {"data-district": row[4], "data-street": row[2]})
            for row in communities
        ],
        campaigns=[tuple(row) for row in campaigns],
        hosts=_host_options(picked_host),
    )


def _host_options(picked) -> list[tuple[str, str]]:
    """Departments and partner organisations, plus ``picked``: a city's thousands of teams would
    make a drop-down nobody can use."""
    hosts = []
    for kind in ("department", "partner"):
        model = organisations.KINDS[kind].model
        hosts.extend(
            (organisations.format_key(kind, ident), name)
            for ident, name in db.session.execute(
                db.select(model.id, model.name)
                .where(model.archived_at.is_(None))
                .order_by(model.name)
            )
        )
    if picked is not None and picked.organisation_kind not in ("department", "partner"):
        hosts.insert(0, (organisations.key_of(picked), organisations.label_of(picked)))
    return hosts
