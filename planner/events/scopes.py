"""Which events belong to a district, street, community, department, partner, team or campaign.

One rule (``events_of``) for the directory and campaign pages, the calendar feeds, the reports and
the statistics, so a scope's page and its feed always hold the same events:

- a community: events in it, and those hosted by it or by a team it owns;
- a street: events in its communities, and those hosted by the street, its communities or their
  teams;
- a district: events in its communities, and those hosted by its streets, its communities or their
  teams;
- a department: events it hosts, and those its teams host;
- a partner organisation: events it hosts;
- a team: events it hosts, and those it performs in (a programme item);
- a campaign: the campaign's events.

``host_condition`` is narrower: the events one organisation hosts itself (a host filter, the
records an organisation certifies).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from sqlalchemy import union
from sqlalchemy.orm import aliased

from planner.directory.models import Community, Street, VolunteerTeam
from planner.events.models import Event, EventHost, ProgrammeItem
from planner.extensions import db


@functools.cache
def _inner():
    """Event under a second name, for the inner look-ups (made on first use, not at import:
    aliasing configures every mapper, which needs every feature's models imported)."""
    return aliased(Event)


# Each scope is "the event ids of a union of indexed look-ups": an OR of a column test and an
# EXISTS over event_host defeats the indexes and scans every event (20,000 at a city's size) on
# each feed request, including the conditional ones that should answer 304 cheaply.
def _ids_of(*selects) -> object:
    return Event.id.in_(union(*selects))


def _located(condition) -> object:
    return db.select(_inner().id).where(condition)


def _hosted(condition) -> object:
    """Ids of events with a host row matching ``condition``."""
    return db.select(EventHost.event_id).where(condition)


def _teams_of_communities(communities) -> object:
    return db.select(VolunteerTeam.id).where(VolunteerTeam.community_id.in_(communities))


def _of_community(community_id: int):
    teams = db.select(VolunteerTeam.id).where(VolunteerTeam.community_id == community_id)
    return _ids_of(
        _located(_inner().community_id == community_id),
        _hosted(EventHost.community_id == community_id),
        _hosted(EventHost.team_id.in_(teams)),
    )


def _of_street(street_id: int):
    communities = db.select(Community.id).where(Community.street_id == street_id)
    return _ids_of(
        _located(_inner().community_id.in_(communities)),
        _hosted(EventHost.street_id == street_id),
        _hosted(EventHost.community_id.in_(communities)),
        _hosted(EventHost.team_id.in_(_teams_of_communities(communities))),
    )


def _of_district(district_id: int):
    streets = db.select(Street.id).where(Street.district_id == district_id)
    communities = db.select(Community.id).where(Community.street_id.in_(streets))
    return _ids_of(
        _located(_inner().community_id.in_(communities)),
        _hosted(EventHost.street_id.in_(streets)),
        _hosted(EventHost.community_id.in_(communities)),
        _hosted(EventHost.team_id.in_(_teams_of_communities(communities))),
    )


def _of_department(department_id: int):
    teams = db.select(VolunteerTeam.id).where(VolunteerTeam.department_id == department_id)
    return _ids_of(
        _hosted(EventHost.department_id == department_id),
        _hosted(EventHost.team_id.in_(teams)),
    )


def _of_partner(partner_id: int):
    return Event.id.in_(_hosted(EventHost.partner_id == partner_id))


def _of_team(team_id: int):
    performs = db.select(ProgrammeItem.event_id).where(ProgrammeItem.performer_team_id == team_id)
    return _ids_of(_hosted(EventHost.team_id == team_id), performs)


def _of_campaign(campaign_id: int):
    return Event.campaign_id == campaign_id


# Keyed by the organisation kinds of planner/organisations.py.
_RULES: dict[str, Callable[[int], object]] = {
    "district": _of_district,
    "street": _of_street,
    "community": _of_community,
    "department": _of_department,
    "partner": _of_partner,
    "team": _of_team,
    "campaign": _of_campaign,
}


def events_of_kind(kind: str, item_id: int):
    """SQL condition on Event: the event belongs to the ``kind`` scope with this id."""
    return _RULES[kind](item_id)


def events_of(item):
    """SQL condition on Event: the event is one of ``item``'s events (see the module's rule)."""
    return events_of_kind(item.organisation_kind, item.id)


def host_condition(organisation):
    """SQL condition on Event: ``organisation`` itself hosts or co-hosts the event."""
    column = getattr(EventHost, f"{organisation.organisation_kind}_id")
    return Event.id.in_(_hosted(column == organisation.id))
