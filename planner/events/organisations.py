"""Organisations as the event pages name them: form keys such as ``department:3``, and the lists
organisers pick hosts from."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from planner.directory.models import (
    Community,
    Department,
    PartnerOrganisation,
    Street,
    VolunteerTeam,
)
from planner.extensions import db

ORG_MODELS = {
    "department": Department,
    "partner": PartnerOrganisation,
    "street": Street,
    "community": Community,
    "team": VolunteerTeam,
}


def org_kind(model: type) -> str:
    """The key prefix of an organisation model (``"department"`` for Department)."""
    return next(kind for kind, candidate in ORG_MODELS.items() if candidate is model)


def org_key(organisation) -> str:
    return f"{org_kind(type(organisation))}:{organisation.id}"


def org_from_key(key: str | None):
    """The organisation a key names; ``None`` for a key that names none."""
    kind, _sep, ident = (key or "").partition(":")
    model = ORG_MODELS.get(kind)
    if model is None or not ident.isdigit():
        return None
    return db.session.get(model, int(ident))


def org_label(organisation) -> str:
    """Its name, with the street for a community (many communities share a name)."""
    if isinstance(organisation, Community):
        return f"{organisation.street.name} · {organisation.name}"
    return organisation.name


def all_organisations() -> list:
    """Every organisation not archived, kind by kind, each kind by name."""
    rows = []
    for model in ORG_MODELS.values():
        query = db.select(model).where(model.archived_at.is_(None)).order_by(model.name)
        if model is Community:
            query = query.options(joinedload(Community.street))
        rows.extend(db.session.scalars(query))
    return rows
