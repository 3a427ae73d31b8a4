"""The kinds of organisation, and the places and campaigns that have events of their own too.

One registry maps a kind's name (``"department"``, as in ``department:3`` and in the ``*_id``
columns of rows that refer to an organisation) to its model, its public page, its calendar feed
and who manages it. Code that must tell kinds apart asks here instead of switching on types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy.orm import joinedload

from planner.directory.models import (
    Community,
    Department,
    District,
    PartnerOrganisation,
    Street,
    VolunteerTeam,
)
from planner.events.models import Campaign, EventHost
from planner.extensions import db
from planner.inputs import optional_id


@dataclass(frozen=True)
class Grants:
    """What one user organises for (besides administrators, who manage everything)."""

    keys: frozenset[tuple[str, int]]  # (kind, id) of their organiser grants
    led_team_ids: Callable[[], frozenset[int]]  # loaded only when a team is asked about

    def cover(self, item) -> bool:
        """Whether these grants let the user act for ``item``."""
        return item is not None and kind_of(item).managed_by(item, self)


def _granted(item, grants: Grants) -> bool:
    return (item.organisation_kind, item.id) in grants.keys


def _community_managed(community: Community, grants: Grants) -> bool:
    # A street organiser also manages the street's communities.
    return _granted(community, grants) or ("street", community.street_id) in grants.keys


def _team_managed(team: VolunteerTeam, grants: Grants) -> bool:
    # Its leaders, and whoever manages its owner (a city-wide team: administrators only).
    return team.id in grants.led_team_ids() or grants.cover(team.owner)


def _campaign_managed(campaign: Campaign, grants: Grants) -> bool:
    return any(grants.cover(department) for department in campaign.lead_departments)


def _administrators_only(_item, _grants: Grants) -> bool:
    return False


@dataclass(frozen=True)
class OrganisationKind:
    name: str
    model: type
    endpoint: str  # its public page, taking ``<name>_id``
    feed_scope: str  # /calendar/<feed_scope>/<id>.ics (the URL contract fixes these names)
    managed_by: Callable[[object, Grants], bool]  # besides administrators

    def url(self, item) -> str:
        return url_for(self.endpoint, **{f"{self.name}_id": item.id})


KINDS: dict[str, OrganisationKind] = {
    kind.name: kind
    for kind in (
        OrganisationKind(
            "district", District, "directory.district", "districts", _administrators_only
        ),
        OrganisationKind("street", Street, "directory.street", "streets", _granted),
        OrganisationKind(
            "community", Community, "directory.community", "communities", _community_managed
        ),
        OrganisationKind("department", Department, "directory.department", "departments", _granted),
        OrganisationKind(
            "partner", PartnerOrganisation, "directory.partner", "partners", _administrators_only
        ),
        OrganisationKind("team", VolunteerTeam, "directory.team", "teams", _team_managed),
        OrganisationKind("campaign", Campaign, "events.campaign", "campaigns", _campaign_managed),
    )
}
BY_FEED_SCOPE: dict[str, OrganisationKind] = {kind.feed_scope: kind for kind in KINDS.values()}
# The kinds that can host an event, in the order choosers list them.
HOST_KINDS = EventHost.organisation_kinds


def kind_of(item) -> OrganisationKind:
    return KINDS[item.organisation_kind]


def format_key(kind: str, ident: int) -> str:
    """``"department:3"``: how forms and links name an organisation."""
    return f"{kind}:{ident}"


def key_of(item) -> str:
    return format_key(item.organisation_kind, item.id)


def parse_key(key: str | None, kinds=HOST_KINDS) -> tuple[str, int] | None:
    """The kind's name and the id a key names, if it is well formed and of one of ``kinds``."""
    name, _sep, ident = (key or "").partition(":")
    ident = optional_id(ident)
    if name not in kinds or ident is None:
        return None
    return name, ident


def from_key(key: str | None, kinds=HOST_KINDS):
    """The organisation a key names; ``None`` for a malformed key or one naming nothing."""
    parsed = parse_key(key, kinds)
    if parsed is None:
        return None
    name, ident = parsed
    return db.session.get(KINDS[name].model, ident)


def label_of(item) -> str:
    """Its name as choosers show it: with the street for a community (many share a name)."""
    if item.organisation_kind == "community":
        return full_label(item)
    return item.name


# The kinds whose name a full label puts after its parent's (the place it lies in).
PARENTS = {"street": "district", "community": "street"}


def full_label(item) -> str:
    """Its name after its parent's (``"市南区 · 八大湖街道"``); the name alone for other kinds."""
    parent = PARENTS.get(item.organisation_kind)
    return f"{getattr(item, parent).name} · {item.name}" if parent else item.name


def active(kind: str) -> list:
    """The organisations of ``kind`` not archived, by name, each with its parent loaded."""
    model = KINDS[kind].model
    query = db.select(model).where(model.archived_at.is_(None)).order_by(model.name)
    if kind in PARENTS:
        query = query.options(joinedload(getattr(model, PARENTS[kind])))
    return list(db.session.scalars(query))


def url_of(item) -> str:
    """The public page of an organisation, place or campaign."""
    return kind_of(item).url(item)


def feed_scope_of(item) -> str:
    """The ``<scope>`` of the item's calendar feed, /calendar/<scope>/<id>.ics."""
    return kind_of(item).feed_scope
