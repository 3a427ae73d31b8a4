"""Copies and series: "copy to next week", weekly or monthly occurrences that share a series id,
and changes to this occurrence and the following ones."""

from __future__ import annotations

import calendar
import uuid
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from planner.audit import services as audit
from planner.events.hosts import host_row
from planner.events.models import Event, EventSeries, EventStatus, ProgrammeItem, Shift
from planner.events.services import EventDetails, update_event
from planner.events.validation import validate_times
from planner.events.workflow import NotAllowedNow, cancel, ensure_open, publish, touch
from planner.exceptions import DomainError
from planner.extensions import db
from planner.timeutil import local_zone, to_local

SERIES_MAX = 52


class SeriesTooLong(DomainError):
    message = _l("A series has at most 52 occurrences.")
    field = "until"


class SeriesUntilTooEarly(DomainError):
    message = _l("Repeat until a date after the event.")
    field = "until"


class Frequency:
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    ALL = (WEEKLY, FORTNIGHTLY, MONTHLY)


# ---------------------------------------------------------------- copies


def _copy_fields(
    event: Event, offset: timedelta, actor, series_id: str | None, position: int | None = None
) -> Event:
    return Event(
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
        series_position=position,
        created_by_id=getattr(actor, "id", None),
    )


def _copy(
    event: Event, offset: timedelta, actor, series_id: str | None, position: int | None = None
) -> Event:
    """A draft copy of the event ``offset`` later, with its hosts, programme and shifts."""
    copy = _copy_fields(event, offset, actor, series_id, position)
    for host in event.hosts:
        copy.hosts.append(host_row(host.organisation, host.role))
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


# ---------------------------------------------------------------- series


def _add_months(moment: datetime, months: int) -> datetime:
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _nth_occurrence(first: datetime, frequency: str, n: int) -> datetime:
    if frequency == Frequency.MONTHLY:
        return _add_months(first, n)
    step = 7 if frequency == Frequency.WEEKLY else 14
    # Whole local days later: the wall-clock time stays the same.
    return (first.replace(tzinfo=None) + timedelta(days=step * n)).replace(tzinfo=local_zone())


def rule_start(rule: EventSeries, position: int) -> datetime:
    """The local start the series' rule gives its occurrence at ``position`` (0 the first)."""
    return _nth_occurrence(to_local(rule.starts_at), rule.frequency, position)


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
        moment = _nth_occurrence(first, frequency, n)
        if moment.date() > until:
            return starts
        starts.append(moment)
        if len(starts) > SERIES_MAX:
            raise SeriesTooLong()
        n += 1


def make_series(actor, event: Event, frequency: str, until: date) -> list[Event]:
    """Repeat ``event`` as separate draft occurrences sharing a series id; return the new ones."""
    ensure_open(event)
    if event.series_id:
        raise DomainError(_l("This event already belongs to a series."), field="frequency")
    starts = occurrence_starts(event.starts_at, frequency, until)
    # The rule is kept: calendar feeds publish the series as one recurring event (RRULE).
    rule = EventSeries(
        id=str(uuid.uuid4()), frequency=frequency, starts_at=event.starts_at, until=until
    )
    db.session.add(rule)
    db.session.flush()  # before the occurrences that name it
    event.series_id, event.series_position = rule.id, 0
    touch(event, bump=False)
    copies = [
        _copy(event, moment - event.starts_at, actor, rule.id, position)
        for position, moment in enumerate(starts[1:], start=1)
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
    """Publish this occurrence and the following drafts."""
    count = 0
    for occurrence in this_and_following(event):
        if occurrence.status is EventStatus.DRAFT:
            publish(actor, occurrence)
            count += 1
    if not count:
        raise NotAllowedNow()
    return count
