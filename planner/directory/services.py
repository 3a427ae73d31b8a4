"""Rules for the directory: unique names within a parent, archiving, and team membership."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from planner.audit import services as audit
from planner.database import insert_once, savepoint
from planner.directory.models import (
    Community,
    ConventionItem,
    Department,
    District,
    JoinPolicy,
    MembershipStatus,
    PartnerOrganisation,
    Street,
    TeamMembership,
    TeamRole,
    VolunteerTeam,
)
from planner.exceptions import DomainError
from planner.extensions import db
from planner.timeutil import utcnow


class NameTaken(DomainError):
    message = _l("This name is already used here. Choose another.")
    field = "name"


class AlreadyMember(DomainError):
    message = _l("You are already a member of this team, or your request is waiting.")


class TeamArchived(DomainError):
    message = _l("This team is archived and takes no new members.")


class LastLeader(DomainError):
    message = _l("A team needs at least one leader.")


def _sibling_filter(obj):
    """The rows among which ``obj``'s name must be unique."""
    model = type(obj)
    if isinstance(obj, Street):
        return model.district_id == obj.district_id
    if isinstance(obj, Community):
        return model.street_id == obj.street_id
    return db.true()


def save(actor, obj, action: str) -> None:
    """Add or update a directory record, refusing a name its siblings already use."""
    model = type(obj)
    clash = db.session.scalar(
        db.select(model.id).where(
            model.name == obj.name, _sibling_filter(obj), model.id != (obj.id or -1)
        )
    )
    if clash is not None:
        raise NameTaken()
    try:
        with savepoint():
            db.session.add(obj)
            db.session.flush()
    except IntegrityError as exc:  # a concurrent request took the name first
        raise NameTaken() from exc
    audit.record(actor, action, obj, name=getattr(obj, "name", str(obj)))


def set_archived(actor, obj, archived: bool) -> None:
    """Archive (hide from new use) or restore a record; nothing referenced is ever deleted."""
    obj.archived_at = utcnow() if archived else None
    audit.record(actor, "archive" if archived else "restore", obj)


def replace_convention(community: Community, lines: list[str]) -> None:
    """Replace a community's convention with the given non-empty lines, in order."""
    community.convention_items.clear()
    db.session.flush()
    for position, text in enumerate((line.strip() for line in lines if line.strip()), start=1):
        community.convention_items.append(ConventionItem(position=position, text=text[:200]))


def active_districts() -> list[District]:
    """The districts not archived, by name, each with its streets and their communities loaded
    (three queries): the district tree that the home, directory and calendar pages show."""
    return list(
        db.session.scalars(
            db.select(District)
            .where(District.archived_at.is_(None))
            .options(selectinload(District.streets).selectinload(Street.communities))
            .order_by(District.name)
        )
    )


def active_departments() -> list[Department]:
    """The departments not archived, by name."""
    return list(
        db.session.scalars(
            db.select(Department).where(Department.archived_at.is_(None)).order_by(Department.name)
        )
    )


def active_teams() -> list[VolunteerTeam]:
    """Volunteer service teams not archived, by name."""
    return list(
        db.session.scalars(
            db.select(VolunteerTeam)
            .where(VolunteerTeam.archived_at.is_(None))
            .order_by(VolunteerTeam.name)
        )
    )


def active_partners() -> list[PartnerOrganisation]:
    """The partner organisations not archived, by name."""
    return list(
        db.session.scalars(
            db.select(PartnerOrganisation)
            .where(PartnerOrganisation.archived_at.is_(None))
            .order_by(PartnerOrganisation.name)
        )
    )


def _membership(team: VolunteerTeam, user) -> TeamMembership | None:
    return db.session.scalar(
        db.select(TeamMembership).where(
            TeamMembership.team_id == team.id, TeamMembership.user_id == user.id
        )
    )


def request_membership(team: VolunteerTeam, user) -> TeamMembership:
    """Join an open team at once, or ask to join one that needs a leader's approval.

    One membership a person and team (a unique constraint): joining twice at once makes one
    membership, and the request that lost the race gets it too.
    """
    if team.is_archived:
        raise TeamArchived()
    if _membership(team, user) is not None:
        raise AlreadyMember()
    membership = TeamMembership(team=team, user=user, role=TeamRole.MEMBER)
    if team.join_policy is JoinPolicy.OPEN:
        membership.status = MembershipStatus.ACTIVE
        membership.decided_at = utcnow()
    return insert_once(membership, lambda: _membership(team, user))


def decide_membership(actor, membership: TeamMembership, approve: bool) -> None:
    """A leader approves a pending request, or declines (removes) it."""
    audit.record(
        actor,
        "membership.approve" if approve else "membership.decline",
        membership.team,
        member=membership.user_id,
    )
    if approve:
        membership.status = MembershipStatus.ACTIVE
        membership.decided_at = utcnow()
    else:
        db.session.delete(membership)


def set_role(actor, membership: TeamMembership, role: TeamRole) -> None:
    """Make an active member a leader, or a leader a member (keeping at least one leader)."""
    if membership.role is TeamRole.LEADER and role is TeamRole.MEMBER:
        _ensure_other_leader(membership)
    membership.role = role
    membership.status = MembershipStatus.ACTIVE
    audit.record(
        actor, "membership.role", membership.team, member=membership.user_id, role=role.value
    )


def leave(membership: TeamMembership) -> None:
    if membership.role is TeamRole.LEADER and membership.status is MembershipStatus.ACTIVE:
        _ensure_other_leader(membership)
    db.session.delete(membership)


def _ensure_other_leader(membership: TeamMembership) -> None:
    others = db.session.scalar(
        db.select(db.func.count(TeamMembership.id)).where(
            TeamMembership.team_id == membership.team_id,
            TeamMembership.role == TeamRole.LEADER,
            TeamMembership.status == MembershipStatus.ACTIVE,
            TeamMembership.id != membership.id,
        )
    )
    if not others:
        raise LastLeader()
