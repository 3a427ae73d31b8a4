"""Rules for the directory: unique names within a parent, archiving, partnerships and team
membership; and what the directory pages read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from planner import organisations
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
    Partnership,
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


class AlreadyPartners(DomainError):
    message = _l("This department and community are already partners.")
    field = "community_id"


class AlreadyMember(DomainError):
    message = _l("You are already a member of this team, or your request is waiting.")


class TeamArchived(DomainError):
    message = _l("This team is archived and takes no new members.")


class LastLeader(DomainError):
    message = _l("A team needs at least one leader.")


def _sibling_filter(obj):
    """The rows among which ``obj``'s name must be unique: its kind's ``unique_within`` in the
    organisation registry (a street's within its district, a community's within its street)."""
    within = organisations.kind_of(obj).unique_within
    if within is None:
        return db.true()
    return getattr(type(obj), within) == getattr(obj, within)


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


def save_partnership(actor, partnership: Partnership, created: bool) -> None:
    """Add or update a partnership: a department and a community are partners once."""
    with db.session.no_autoflush:
        clash = db.session.scalar(
            db.select(Partnership.id).where(
                Partnership.department_id == partnership.department_id,
                Partnership.community_id == partnership.community_id,
                Partnership.id != (partnership.id or -1),
            )
        )
    if clash is not None:
        raise AlreadyPartners()
    try:
        with savepoint():
            db.session.add(partnership)
            db.session.flush()
    except IntegrityError as exc:  # a concurrent request paired them first
        raise AlreadyPartners() from exc
    audit.record(actor, "partnership.create" if created else "partnership.update", partnership)


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
    return active_rows(Department)


def active_teams() -> list[VolunteerTeam]:
    """Volunteer service teams not archived, by name."""
    return active_rows(VolunteerTeam)


def active_partners() -> list[PartnerOrganisation]:
    """The partner organisations not archived, by name."""
    return active_rows(PartnerOrganisation)


# ---------------------------------------------------------------- what the pages read


def district_with_places(district_id: int) -> District | None:
    """A district with its streets and their communities loaded."""
    return db.session.scalar(
        db.select(District)
        .where(District.id == district_id)
        .options(selectinload(District.streets).selectinload(Street.communities))
    )


def street_with_communities(street_id: int) -> Street | None:
    return db.session.scalar(
        db.select(Street)
        .where(Street.id == street_id)
        .options(joinedload(Street.district), selectinload(Street.communities))
    )


def community_with_convention(community_id: int) -> Community | None:
    """A community with its street, district and convention items loaded."""
    return db.session.scalar(
        db.select(Community)
        .where(Community.id == community_id)
        .options(
            joinedload(Community.street).joinedload(Street.district),
            selectinload(Community.convention_items),
        )
    )


def active_partnerships_of(organisation: Department | Community) -> list[Partnership]:
    """The partnerships of a department or community not archived, oldest first, with both
    partners (a community with its street and district) loaded."""
    column = getattr(Partnership, f"{organisation.organisation_kind}_id")
    return list(
        db.session.scalars(
            db.select(Partnership)
            .where(column == organisation.id, Partnership.archived_at.is_(None))
            .options(
                joinedload(Partnership.department),
                joinedload(Partnership.community)
                .joinedload(Community.street)
                .joinedload(Street.district),
            )
            .order_by(Partnership.id)
        )
    )


def active_teams_of(owner: Department | Community) -> list[VolunteerTeam]:
    """The teams a department or community owns, not archived, by name."""
    return list(
        db.session.scalars(
            db.select(VolunteerTeam)
            .where(VolunteerTeam.refers_to(owner), VolunteerTeam.archived_at.is_(None))
            .order_by(VolunteerTeam.name)
        )
    )


def _team_owner_loads():
    return (joinedload(VolunteerTeam.department), joinedload(VolunteerTeam.community))


def active_teams_page(page: int | None = None) -> Pagination:
    """One page of the teams not archived, by name, with their owners loaded."""
    return db.paginate(
        db.select(VolunteerTeam)
        .where(VolunteerTeam.archived_at.is_(None))
        .options(*_team_owner_loads())
        .order_by(VolunteerTeam.name),
        page=page,
        per_page=30,
        error_out=False,
    )


def load_team(team_id: int) -> VolunteerTeam | None:
    """A team with its owner loaded."""
    return db.session.scalar(
        db.select(VolunteerTeam).where(VolunteerTeam.id == team_id).options(*_team_owner_loads())
    )


def team_leaders(team: VolunteerTeam) -> list[TeamMembership]:
    """The team's active leaders, with their users, in the order they joined."""
    return list(
        db.session.scalars(
            db.select(TeamMembership)
            .where(
                TeamMembership.team_id == team.id,
                TeamMembership.role == TeamRole.LEADER,
                TeamMembership.status == MembershipStatus.ACTIVE,
            )
            .options(joinedload(TeamMembership.user))
            .order_by(TeamMembership.id)
        )
    )


def active_member_count(team: VolunteerTeam) -> int:
    return db.session.scalar(
        db.select(db.func.count(TeamMembership.id)).where(
            TeamMembership.team_id == team.id, TeamMembership.status == MembershipStatus.ACTIVE
        )
    )


def team_memberships(team: VolunteerTeam, active_only: bool) -> list[TeamMembership]:
    """The team's memberships with their users (requests too unless ``active_only``)."""
    query = (
        db.select(TeamMembership)
        .where(TeamMembership.team_id == team.id)
        .options(joinedload(TeamMembership.user))
        .order_by(TeamMembership.status, TeamMembership.role, TeamMembership.id)
    )
    if active_only:
        query = query.where(TeamMembership.status == MembershipStatus.ACTIVE)
    return list(db.session.scalars(query))


def team_membership(team: VolunteerTeam, membership_id: int) -> TeamMembership | None:
    """One membership of this team (``None`` if it is another team's)."""
    membership = db.session.get(TeamMembership, membership_id)
    return membership if membership is not None and membership.team_id == team.id else None


def active_rows(model, options=(), order=None) -> list:
    """The records of a directory model not archived, by name (or ``order``)."""
    return list(
        db.session.scalars(
            db.select(model)
            .where(model.archived_at.is_(None))
            .options(*options)
            .order_by(order if order is not None else model.name)
        )
    )


def records_page(model, options=(), page: int | None = None) -> Pagination:
    """One page of a directory model's records for the administrator: archived ones last."""
    return db.paginate(
        db.select(model).options(*options).order_by(model.archived_at.is_not(None), model.name),
        page=page,
        per_page=50,
        error_out=False,
    )


def all_partnerships() -> list[Partnership]:
    """Every partnership, archived ones last, with both partners loaded."""
    return list(
        db.session.scalars(
            db.select(Partnership)
            .options(
                joinedload(Partnership.department),
                joinedload(Partnership.community)
                .joinedload(Community.street)
                .joinedload(Street.district),
            )
            .order_by(Partnership.archived_at.is_not(None), Partnership.id)
        )
    )


# ---------------------------------------------------------------- team membership


def membership_of(team: VolunteerTeam, user) -> TeamMembership | None:
    """The user's membership (or request) in the team, if any."""
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
    if membership_of(team, user) is not None:
        raise AlreadyMember()
    membership = TeamMembership(team=team, user=user, role=TeamRole.MEMBER)
    if team.join_policy is JoinPolicy.OPEN:
        membership.status = MembershipStatus.ACTIVE
        membership.decided_at = utcnow()
    return insert_once(membership, lambda: membership_of(team, user))


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
