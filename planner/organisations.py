"""The kinds of organisation, and the places and campaigns that have events of their own too.

One registry maps a kind's name (``"department"``, as in ``department:3`` and in the ``*_id``
columns of rows that refer to an organisation) to its model, its public page, its calendar feed
and who manages it. Code that must tell kinds apart asks here instead of switching on types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
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
class Through:
    """Whoever manages the ``kind`` organisation at ``attr`` (a relationship to one organisation,
    with its column ``<attr>_id``, or to a list of them) manages this one too."""

    kind: str
    attr: str


@dataclass(frozen=True)
class OrganisationKind:
    """One kind: its model, public page, feed, who manages it, and where its name is unique.

    Who manages an item of the kind (besides administrators, who manage everything) is declared,
    not coded, so that the check on one item (``Grants.cover``) and the query for all of them
    (``Grants.covered_ids``) read the same definition and cannot drift apart.
    """

    name: str
    model: type
    endpoint: str  # its public page, taking ``<name>_id``
    feed_scope: str  # /calendar/<feed_scope>/<id>.ics (the URL contract fixes these names)
    granted: bool = False  # an organiser grant on the item lets its holder manage it
    led: bool = False  # the item is a team, managed by its active leaders
    through: tuple[Through, ...] = ()  # managed too by whoever manages these
    unique_within: str | None = None  # the parent column among whose children a name is unique

    def url(self, item) -> str:
        return url_for(self.endpoint, **{f"{self.name}_id": item.id})

    @property
    def needs_only_ids(self) -> bool:
        """Whether an item's id is enough to tell who manages it (nothing related to load)."""
        return not self.led and not self.through


KINDS: dict[str, OrganisationKind] = {
    kind.name: kind
    for kind in (
        # A district and a partner organisation: administrators only.
        OrganisationKind("district", District, "directory.district", "districts"),
        OrganisationKind(
            "street",
            Street,
            "directory.street",
            "streets",
            granted=True,
            unique_within="district_id",
        ),
        # A street organiser also manages the street's communities.
        OrganisationKind(
            "community",
            Community,
            "directory.community",
            "communities",
            granted=True,
            through=(Through("street", "street"),),
            unique_within="street_id",
        ),
        OrganisationKind(
            "department", Department, "directory.department", "departments", granted=True
        ),
        OrganisationKind("partner", PartnerOrganisation, "directory.partner", "partners"),
        # Its leaders, and whoever manages its owner (a city-wide team: administrators only).
        OrganisationKind(
            "team",
            VolunteerTeam,
            "directory.team",
            "teams",
            led=True,
            through=(Through("department", "department"), Through("community", "community")),
        ),
        # Whoever manages one of its lead departments.
        OrganisationKind(
            "campaign",
            Campaign,
            "events.campaign",
            "campaigns",
            through=(Through("department", "lead_departments"),),
        ),
    )
}


@dataclass(frozen=True)
class Grants:
    """What one user organises for (besides administrators, who manage everything)."""

    keys: frozenset[tuple[str, int]]  # (kind, id) of their organiser grants
    led_team_ids: Callable[[], frozenset[int]]  # loaded only when a team is asked about

    def _direct_ids(self, kind: OrganisationKind) -> list[int]:
        """Ids of the kind's items these grants name, or whose team the user leads."""
        ids = [ident for name, ident in self.keys if name == kind.name] if kind.granted else []
        return sorted(ids + (list(self.led_team_ids()) if kind.led else []))

    def cover(self, item) -> bool:
        """Whether these grants let the user act for ``item``."""
        if item is None:
            return False
        kind = kind_of(item)
        if item.id in self._direct_ids(kind):
            return True
        return any(self._cover_through(item, through) for through in kind.through)

    def _cover_through(self, item, through: Through) -> bool:
        target = KINDS[through.kind]
        if target.needs_only_ids and not _is_list(type(item), through.attr):
            # Its column is enough: no need to load the related row.
            return getattr(item, f"{through.attr}_id") in self._direct_ids(target)
        related = getattr(item, through.attr)
        return any(self.cover(r) for r in (related if isinstance(related, list) else [related]))

    def covered_ids(self, kind_name: str):
        """The ids of the kind's items these grants cover, for a query: ``cover`` as SQL (a list
        when grants alone decide, else a SELECT of ids)."""
        kind = KINDS[kind_name]
        direct = self._direct_ids(kind)
        if not kind.through:
            return direct
        model = kind.model
        tests = [model.id.in_(direct)] if direct else []
        for through in kind.through:
            ids = self.covered_ids(through.kind)
            if _is_list(model, through.attr):
                target = KINDS[through.kind].model
                tests.append(getattr(model, through.attr).any(target.id.in_(ids)))
            else:
                tests.append(getattr(model, f"{through.attr}_id").in_(ids))
        return db.select(model.id).where(db.or_(db.false(), *tests))


def _is_list(model: type, attr: str) -> bool:
    return sa.inspect(model).relationships[attr].uselist


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
