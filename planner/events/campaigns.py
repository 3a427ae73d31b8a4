"""Campaigns: a themed drive over a date range, led by one or more departments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from planner import permissions
from planner.audit import services as audit
from planner.directory.models import Department
from planner.events.models import Campaign
from planner.events.validation import DESCRIPTION_MAX, bounded
from planner.exceptions import DomainError
from planner.extensions import db

NAME_MAX = 120
SLOGAN_MAX = 200


class CampaignDatesOutOfOrder(DomainError):
    message = _l("The campaign must end on or after its first day.")
    field = "ends_on"


class CampaignNameTaken(DomainError):
    message = _l("A campaign with this name already exists.")
    field = "name"


class NoLeadDepartment(DomainError):
    message = _l("Choose at least one lead department you organise for.")
    field = "lead_department_ids"


@dataclass
class CampaignDetails:
    name: str
    slogan: str
    description: str
    starts_on: date
    ends_on: date
    status: object
    lead_department_ids: list[int]


def _check_name_free(name: str, campaign: Campaign | None) -> None:
    clash = db.session.scalar(
        db.select(Campaign.id).where(
            Campaign.name == name, Campaign.id != (campaign.id if campaign else -1)
        )
    )
    if clash is not None:
        raise CampaignNameTaken()


def _lead_departments(actor, ids: list[int]) -> list[Department]:
    """The departments named; an organiser must organise for one of them."""
    departments = list(
        db.session.scalars(db.select(Department).where(Department.id.in_(ids or [])))
    )
    if not permissions.is_admin(actor) and not any(
        permissions.can_manage(d, actor) for d in departments
    ):
        raise NoLeadDepartment()
    return departments


def save_campaign(actor, campaign: Campaign | None, details: CampaignDetails) -> Campaign:
    """Create or edit a campaign; an organiser must stay one of its lead departments."""
    name = bounded(details.name, NAME_MAX, "name", required=True)
    if details.ends_on < details.starts_on:
        raise CampaignDatesOutOfOrder()
    _check_name_free(name, campaign)
    departments = _lead_departments(actor, details.lead_department_ids)
    target = campaign or Campaign()
    target.name = name
    target.slogan = bounded(details.slogan, SLOGAN_MAX, "slogan")
    target.description = bounded(details.description, DESCRIPTION_MAX, "description")
    target.starts_on, target.ends_on = details.starts_on, details.ends_on
    target.status = details.status
    target.lead_departments = departments
    db.session.add(target)
    db.session.flush()
    audit.record(actor, "campaign.update" if campaign else "campaign.create", target, name=name)
    return target
