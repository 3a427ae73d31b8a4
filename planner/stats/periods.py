"""The period a statistics page or a ledger covers: whole local days, first to last inclusive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from planner.timeutil import local_now, local_zone

# The choices of the period picker, in the order it lists them.
CHOICES = {
    "this-month": _l("This month"),
    "last-month": _l("Last month"),
    "quarter": _l("This quarter"),
    "year": _l("This year"),
    "custom": _l("Custom range"),
}
LONGEST = timedelta(days=3 * 366)  # a custom range of at most three years


@dataclass(frozen=True)
class Period:
    first: date  # first local day
    last: date  # last local day, inclusive
    choice: str = "custom"

    @property
    def after(self) -> date:
        return self.last + timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        """The first day's local midnight, in UTC (for the ``*_at`` columns)."""
        return _utc_midnight(self.first)

    @property
    def ends_at(self) -> datetime:
        return _utc_midnight(self.after)

    def months(self) -> list[date]:
        """The first day of each month the period touches."""
        months, day = [], self.first.replace(day=1)
        while day <= self.last:
            months.append(day)
            day = _next_month(day)
        return months

    def month_bounds(self) -> list[date]:
        """Where each month's share of the period begins, then the day after it ends."""
        return [max(m, self.first) for m in self.months()] + [self.after]


# Every day there is, for a measure over records' dates (its ``*_at`` bounds are not defined).
ALL_TIME = Period(date(1, 1, 1), date(9999, 12, 30))


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=local_zone()).astimezone(UTC)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month(text: str) -> Period | None:
    """The month ``YYYY-MM`` names, or None."""
    try:
        year, number = (int(part) for part in text.split("-"))
        first = date(year, number, 1)
    except (ValueError, TypeError):
        return None
    return Period(first, _next_month(first) - timedelta(days=1), "custom")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def choose(choice: str | None, first: str | None = None, last: str | None = None, today=None):
    """The period a picker's values name; this month for anything not understood."""
    today = today or local_now().date()
    this_month = today.replace(day=1)
    if choice == "last-month":
        start = (this_month - timedelta(days=1)).replace(day=1)
        return Period(start, this_month - timedelta(days=1), choice)
    if choice == "quarter":
        start = this_month.replace(month=(today.month - 1) // 3 * 3 + 1)
        end = _next_month(_next_month(_next_month(start))) - timedelta(days=1)
        return Period(start, end, choice)
    if choice == "year":
        return Period(date(today.year, 1, 1), date(today.year, 12, 31), choice)
    if choice == "custom":
        start, end = _day(first), _day(last)
        if start and end and start <= end and end - start <= LONGEST:
            return Period(start, end, choice)
    return Period(this_month, _next_month(this_month) - timedelta(days=1), "this-month")
