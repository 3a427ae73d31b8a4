"""A series in a feed as one recurring event: which occurrence the rule stands for, the RRULE, the
EXDATEs and the occurrences published as overrides of their own (RECURRENCE-ID).

The rule is the one the series was made by (``EventSeries``); occurrence ``n`` keeps its place
``n`` in it however it is moved, so its RECURRENCE-ID never changes. The recurring VEVENT shows
what most of the series' occurrences in the feed show (ties: the earliest); an occurrence that
shows anything else (another time, place, title, description, hosts, …) is an override; a
cancelled occurrence, or one the feed does not hold (another scope, a draft, out of the window),
is an EXDATE. The rule runs from the first occurrence the feed shows to the last.

A monthly series on the 29th, 30th or 31st falls on the month's last day in shorter months (as
``series.occurrence_starts`` makes it); no RRULE says that in a way every client reads (ical.js
ignores BYSETPOS there), so such a series lists its dates as RDATEs instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from planner.calendar.services import FeedEvent
from planner.events.models import EventStatus
from planner.events.series import Frequency, rule_start

# Days of the month every month has: a monthly series on a later day is written as RDATEs.
SAFE_MONTH_DAY = 28


@dataclass
class SeriesPlan:
    """How one series is written: the recurring VEVENT and its overrides (local times)."""

    uid: str
    master: FeedEvent  # the occurrence whose content the recurring VEVENT shows
    cancelled: bool  # every occurrence the feed holds is cancelled: so is the recurring VEVENT
    start: datetime
    end: datetime
    rrule: str | None
    rdates: list[datetime]
    exdates: list[datetime]
    overrides: list[tuple[datetime, FeedEvent]]  # (RECURRENCE-ID, occurrence)
    occurrences: list[FeedEvent]  # all the feed holds, cancelled ones included


def items(events: list[FeedEvent]) -> Iterator[FeedEvent | list[FeedEvent]]:
    """The feed's events in order, each series with two or more occurrences here as one list, at
    its first occurrence's place."""
    groups: dict[str, list[FeedEvent]] = {}
    for event in events:
        if event.series is not None:
            groups.setdefault(event.series.id, []).append(event)
    for event in events:
        group = groups.get(event.series.id) if event.series is not None else None
        if group is None or len(group) < 2:
            yield event
        elif group[0] is event:
            yield sorted(group, key=lambda occurrence: occurrence.series_position)


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


def plan(
    occurrences: list[FeedEvent], zone, content: Callable[[FeedEvent], Hashable]
) -> SeriesPlan:
    """Plan the series of ``occurrences`` (in rule order); ``content`` is what a VEVENT of an
    occurrence shows besides its date, its link and its stamps."""
    rule = occurrences[0].series
    slots = {o.series_position: rule_start(rule, o.series_position) for o in occurrences}

    def shape(occurrence: FeedEvent) -> tuple:
        start = occurrence.starts_at.astimezone(zone)
        # How far from its place in the rule, in local wall-clock time.
        moved = _naive(start) - _naive(slots[occurrence.series_position])
        return (moved, occurrence.ends_at - occurrence.starts_at, content(occurrence))

    shapes = {id(o): shape(o) for o in occurrences}
    live = [o for o in occurrences if o.status != EventStatus.CANCELLED]
    cancelled = not live
    shown = occurrences if cancelled else live
    first, last = shown[0].series_position, shown[-1].series_position
    first_slot = slots[first]

    def fits_rule(moved: timedelta) -> bool:
        # Weekly rules move with any shift; a monthly one keeps its days only within the day.
        return rule.frequency != Frequency.MONTHLY or (
            (_naive(first_slot) + moved).date() == _naive(first_slot).date()
        )

    counts = Counter(shapes[id(o)] for o in shown if fits_rule(shapes[id(o)][0]))
    if counts:
        best = max(counts.values())
        master = next(o for o in shown if counts.get(shapes[id(o)]) == best)
        master_shape = shapes[id(master)]
    else:
        master = shown[0]
        master_shape = (timedelta(0), *shapes[id(master)][1:])
    moved, length = master_shape[0], master_shape[1]

    def instance(position: int) -> datetime:
        return _local(_naive(rule_start(rule, position)) + moved, zone)

    by_position = {o.series_position: o for o in occurrences}
    exdates, overrides = [], []
    for position in range(first, last + 1):
        occurrence = by_position.get(position)
        if occurrence is None or (not cancelled and occurrence.status == EventStatus.CANCELLED):
            exdates.append(instance(position))
        elif shapes[id(occurrence)] != master_shape:
            overrides.append((instance(position), occurrence))
    start = instance(first)
    value = rrule(rule, rule.starts_at.astimezone(zone).day, last - first + 1)
    return SeriesPlan(
        uid=rule.id,
        master=master,
        cancelled=cancelled,
        start=start,
        end=start + length,
        rrule=value,
        # DTSTART among the RDATEs too: ical.js leaves it out of a series without an RRULE.
        rdates=[] if value else [instance(p) for p in range(first, last + 1)],
        exdates=exdates,
        overrides=overrides,
        occurrences=occurrences,
    )


def _local(naive: datetime, zone) -> datetime:
    return naive.replace(tzinfo=zone)


def rrule(rule, day: int, count: int) -> str | None:
    """The RRULE value, in the order ``icalendar`` writes its parts; ``None`` for a monthly
    series past the 28th (written as RDATEs)."""
    if rule.frequency == Frequency.MONTHLY:
        return f"FREQ=MONTHLY;COUNT={count}" if day <= SAFE_MONTH_DAY else None
    value = f"FREQ=WEEKLY;COUNT={count}"
    if rule.frequency == Frequency.FORTNIGHTLY:
        value += ";INTERVAL=2"
    return value
