"""Factories for the events feature: campaigns, and the pieces organisers add to events."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from planner.extensions import db


@pytest.fixture
def make_campaign(app):
    from planner.events.models import Campaign, CampaignStatus

    counter = itertools.count(1)

    def make(name: str | None = None, departments=(), status=CampaignStatus.ACTIVE, **fields):
        today = date.today()
        campaign = Campaign(
            name=name or f"测试主题活动{next(counter)}",
            starts_on=fields.pop("starts_on", today - timedelta(days=7)),
            ends_on=fields.pop("ends_on", today + timedelta(days=30)),
            status=status,
            **fields,
        )
        campaign.lead_departments = list(departments)
        db.session.add(campaign)
        db.session.commit()
        return campaign

    return make


@pytest.fixture
def organiser(make_user, make_department, grant):
    """An organiser of a fresh department: returns (user, department)."""
    user = make_user("组织者")
    department = make_department()
    grant(user, department)
    return user, department


@pytest.fixture
def participant_source():
    """Connects a participants receiver for the test (the sign-up feature's role), then not."""
    from planner import signals

    people: dict[int, list] = {}

    def source(event):
        from planner.accounts.models import User

        # Read again through the current session: a request has a session of its own.
        return [db.session.get(User, user.id) for user in people.get(event.id, [])]

    with signals.event_participants.connected_to(source):
        yield people
