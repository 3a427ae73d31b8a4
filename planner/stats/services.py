"""What a 数读 page shows for a scope and a period: the measures, their shares and charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _

from planner import organisations, permissions
from planner.events.kinds import kind_label
from planner.events.models import EventKind
from planner.events.scopes import events_of
from planner.extensions import db
from planner.stats import charts, measures, periods
from planner.stats.periods import Period

# The scopes a statistics page exists for: the feeds' names (planner/organisations.py).
SCOPES = ("districts", "streets", "communities", "departments", "teams", "campaigns")
# Whose events a page compares, by where they took place.
COMPARED_LEVEL = {None: "district", "district": "street"}


def scope_item(scope: str, item_id: int):
    """The district, street, community, department, team or campaign a page is for, or None."""
    kind = organisations.BY_FEED_SCOPE.get(scope)
    if kind is None or scope not in SCOPES:
        return None
    return db.session.get(kind.model, item_id)


def where_of(item):
    """SQL condition on Event: the scope's events (every event for the city)."""
    return db.true() if item is None else events_of(item)


def sees_detail(item, user=None) -> bool:
    """Organisers of the scope and administrators see the ledger and the detail."""
    if item is None:
        return permissions.is_admin(user)
    return permissions.can_manage(item, user)


def month_label(day: date) -> str:
    return day.strftime("%Y-%m")


@dataclass
class KindLine:
    kind: EventKind
    count: int
    share: float

    @property
    def label(self) -> str:
        return kind_label(self.kind)

    @property
    def sentence(self) -> str:
        """As the newspaper writes it: "环境整治 41 场，占 35.3%"."""
        return _(
            "%(kind)s: %(count)s events, %(share)s%% of all",
            kind=self.label,
            count=self.count,
            share=format_decimal(self.share, format="0.0"),
        )


@dataclass
class Numbers:
    """The 数读 of one scope over one period."""

    period: Period
    kinds: list[KindLine]
    events: int
    per_month: list[tuple[date, int]]
    service: measures.Service
    minutes_per_month: list[tuple[date, int]]
    signups: measures.Signups
    seats: int
    quizzes: measures.Quizzes
    teams: list[tuple[str, int]]
    compared: list[tuple[str, int]]
    compared_level: str


def numbers(item, period: Period) -> Numbers:
    """Every measure of the page, in a fixed number of queries (one per measure)."""
    where = where_of(item)
    by_kind = measures.events_by_kind(where, period)
    total = sum(by_kind.values())
    kinds = [
        KindLine(kind, by_kind[kind], measures.share(by_kind[kind], total))
        for kind in EventKind
        if by_kind.get(kind)
    ]
    kinds.sort(key=lambda line: -line.count)
    kind_name = item.organisation_kind if item is not None else None
    level = COMPARED_LEVEL.get(kind_name, "community")
    return Numbers(
        period=period,
        kinds=kinds,
        events=total,
        per_month=measures.events_by_month(where, period),
        service=measures.service(where, period),
        minutes_per_month=measures.minutes_by_month(where, period),
        signups=measures.signups(where, period),
        seats=measures.seats_taken(where, period),
        quizzes=measures.quizzes(where, period, owner=item, city=item is None),
        teams=measures.minutes_by_team(where, period),
        compared=measures.compared(where, period, level),
        compared_level=level,
    )


@dataclass(frozen=True)
class Headline:
    """The few numbers a district's or campaign's own page shows residents (no personal data)."""

    period: Period
    events: int
    volunteers: int
    minutes: int


def headline(item, period: Period | None = None) -> Headline:
    """Events held, distinct volunteers and service hours of ``item`` (this year by default),
    by the same measures as its 数读 page: two queries."""
    period = period or periods.choose("year")
    where = where_of(item)
    service = measures.service(where, period)
    events = sum(measures.events_by_kind(where, period).values())
    return Headline(period, events, service.volunteers, service.minutes)


def campaign_period(campaign) -> Period:
    """A campaign's own dates, as a statistics period."""
    return Period(campaign.starts_on, campaign.ends_on)


def per_event(item, period: Period) -> list[measures.EventRow]:
    """The events held, with places and hours: for the scope's organisers."""
    return measures.per_event(where_of(item), period)


def _hours(minutes: int) -> str:
    return format_decimal(round(minutes / 60, 1), format="0.#")


def charts_of(numbers: Numbers) -> list[dict]:
    """Each chart with its title, its SVG and the rows of the table beside it."""
    per_month = [
        charts.Bar(month_label(day), count, str(count)) for day, count in numbers.per_month
    ]
    hours_month = [
        charts.Bar(month_label(day), round(m / 60, 1), _hours(m))
        for day, m in numbers.minutes_per_month
    ]
    kinds = [
        charts.Bar(
            line.label,
            line.count,
            f"{line.count} · {format_decimal(line.share, format='0.0')}%",
            f"kind-{line.kind.value}",
        )
        for line in numbers.kinds
    ]
    compared = [charts.Bar(name, count) for name, count in numbers.compared[:12]]
    teams = [charts.Bar(name, round(m / 60, 1), _hours(m)) for name, m in numbers.teams]
    level = numbers.compared_level
    # A year's months stand side by side on a phone; a longer range reads better as rows.
    months = charts.columns if len(per_month) <= 12 else charts.horizontal
    made = [
        (_("Events per month"), months, per_month, _("Month"), _("Events")),
        (_("Service hours per month"), months, hours_month, _("Month"), _("Hours")),
        (_("Events by kind"), charts.horizontal, kinds, _("Kind"), _("Events")),
        (_compared_title(level), charts.horizontal, compared, _level(level), _("Events")),
        (_("Teams by service hours"), charts.horizontal, teams, _("Team"), _("Hours")),
    ]
    return [
        {
            "title": title,
            "svg": draw(title, bars),
            "rows": [(b.label, b.text) for b in bars],
            "head": head,
            "unit": unit,
            "empty": not any(b.value for b in bars),
        }
        for title, draw, bars, head, unit in made
    ]


def _level(level: str) -> str:
    return {"district": _("District"), "street": _("Street"), "community": _("Community")}[level]


def _compared_title(level: str) -> str:
    return {
        "district": _("Events by district"),
        "street": _("Events by street"),
        "community": _("Events by community"),
    }[level]
