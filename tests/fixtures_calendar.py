"""Fixtures for the calendar feed tests: parsing with three independent libraries, and factories."""

from __future__ import annotations

import itertools
from datetime import date

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from planner.extensions import db


def parse_feed(body: bytes) -> icalendar.Calendar:
    """Parse a feed with icalendar, strict ``ical`` and validating ``vobject``; return icalendar's.

    Fails the test when any of them rejects it, or when icalendar does not round-trip it.
    """
    text = body.decode("utf-8")
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.to_ical() == body, "icalendar does not round-trip the feed"
    IcsCalendarStream.calendar_from_ics(text)
    parsed = vobject.readOne(text)
    parsed.validate(raiseException=True)
    return calendar


def vevents(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(component["UID"]): component for component in vevents(calendar)}


@pytest.fixture
def fresh_feed_cache(app):
    """No rendered feed carried over from another test."""
    from planner.calendar import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_calendar_campaign(app):
    from planner.events.models import Campaign, CampaignStatus

    counter = itertools.count(1)

    def make(name: str | None = None, status: CampaignStatus = CampaignStatus.ACTIVE):
        campaign = Campaign(
            name=name or f"测试主题活动{next(counter)}",
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 12, 31),
            status=status,
        )
        db.session.add(campaign)
        db.session.commit()
        return campaign

    return make


@pytest.fixture
def make_calendar_token(app):
    from planner.calendar.models import CalendarToken

    def make(user, **fields):
        token = CalendarToken(user=user, **fields)
        db.session.add(token)
        db.session.commit()
        return token

    return make


@pytest.fixture
def personal_source(app):
    """Connect a personal feed receiver for one test: ``personal_source({user_id: [event, …]})``."""
    from planner import signals
    from planner.events.models import Event

    connected = []

    def register(events_by_user: dict[int, list]):
        ids = {
            user_id: [event.id for event in events] for user_id, events in events_by_user.items()
        }

        def source(user):
            return db.select(Event.id).where(Event.id.in_(ids.get(user.id, [])))

        signals.personal_events.connect(source, weak=False)
        connected.append(source)
        return source

    yield register
    for source in connected:
        signals.personal_events.disconnect(source)
