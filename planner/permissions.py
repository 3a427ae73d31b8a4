"""Who may do what. Every view and template asks here; nothing re-implements a rule."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from planner.directory.models import MembershipStatus, TeamMembership, TeamRole, VolunteerTeam
from planner.events.models import Event, EventHost
from planner.extensions import db
from planner.organisations import HOST_KINDS, KINDS, Grants


def _user(user=None):
    user = current_user if user is None else user
    return user if getattr(user, "is_authenticated", False) else None


def is_admin(user=None) -> bool:
    user = _user(user)
    return bool(user and user.is_admin)


def _grant_keys(user) -> frozenset[tuple[str, int]]:
    """The (kind, id) pairs a user organises for, loaded once per request."""
    cache = g.setdefault("_grant_keys", {})
    if user.id not in cache:
        cache[user.id] = frozenset(grant.organisation_kind_and_id for grant in user.grants)
    return cache[user.id]


# What makes someone a team's leader: one condition, for the ids below and for acts_for_columns.
_LEADS = (
    TeamMembership.role == TeamRole.LEADER,
    TeamMembership.status == MembershipStatus.ACTIVE,
)


def _led_team_ids(user) -> frozenset[int]:
    cache = g.setdefault("_led_team_ids", {})
    if user.id not in cache:
        cache[user.id] = frozenset(
            db.session.scalars(
                db.select(TeamMembership.team_id).where(TeamMembership.user_id == user.id, *_LEADS)
            )
        )
    return cache[user.id]


def acts_for_columns(user_id):
    """Two columns for a query that loads users (``user_id``: the users' id column): whether each
    holds an organiser grant, and whether each leads a team. ``know_acts_for`` takes them."""
    from planner.accounts.models import OrganiserGrant

    organises = db.exists().where(OrganiserGrant.user_id == user_id)
    leads = db.exists().where(TeamMembership.user_id == user_id, *_LEADS)
    return organises.label("organises"), leads.label("leads")


def know_acts_for(user, organises: bool, leads: bool) -> None:
    """Record for this request what ``acts_for_columns`` read: a user who neither organises nor
    leads needs no further query to say so (most signed-in people, on every page)."""
    if not organises:
        g.setdefault("_grant_keys", {})[user.id] = frozenset()
    if not leads:
        g.setdefault("_led_team_ids", {})[user.id] = frozenset()


def is_organiser(user=None) -> bool:
    """Whether the user organises for any organisation (or administers everything)."""
    user = _user(user)
    return bool(user and (user.is_admin or _grant_keys(user)))


def leads_team(team: VolunteerTeam, user=None) -> bool:
    user = _user(user)
    return bool(user and team.id in _led_team_ids(user))


def led_team_ids(user=None) -> frozenset[int]:
    """The ids of the teams the user actively leads."""
    user = _user(user)
    return _led_team_ids(user) if user else frozenset()


def leads_any_team(user=None) -> bool:
    user = _user(user)
    return bool(user and _led_team_ids(user))


def can_manage(organisation, user=None) -> bool:
    """Whether the user may act for ``organisation`` (or a district or campaign).

    Administrators manage everything; an organiser manages the organisations granted to them, and
    a street organiser also the communities of that street; a team is managed by its leaders and by
    whoever manages its owner (a city-wide team by administrators only); a campaign by whoever
    manages one of its lead departments. Each kind's rule is declared in planner/organisations.
    """
    user = _user(user)
    if user is None or organisation is None:
        return False
    if user.is_admin:
        return True
    return _grants(user).cover(organisation)


def _grants(user) -> Grants:
    return Grants(_grant_keys(user), lambda: _led_team_ids(user))


def covered_ids(user, kind: str):
    """The ids of ``kind`` an organiser (not an administrator) manages, for a query (``can_manage``
    as SQL: a list, or a SELECT of ids)."""
    user = _user(user)
    return [] if user is None else _grants(user).covered_ids(kind)


def can_see_full_phone(subject_user, user=None) -> bool:
    """The person themself and administrators; organisers get full numbers through rosters."""
    user = _user(user)
    return bool(user and (user.id == subject_user.id or user.is_admin))


def can_manage_event(event, user=None) -> bool:
    """Administrators, and whoever manages one of the event's host organisations."""
    user = _user(user)
    if user is None:
        return False
    if user.is_admin:
        return True
    return any(can_manage(host.organisation, user) for host in event.hosts)


def managed_events_condition(user=None):
    """SQL condition on Event: ``can_manage_event`` for every event at once (one of its hosts is
    an organisation the user manages, read from the same per-kind rules)."""
    user = _user(user)
    if user is None:
        return db.false()
    if user.is_admin:
        return db.true()
    grants = _grants(user)
    tests = []
    for kind in HOST_KINDS:
        ids = grants.covered_ids(kind)
        if isinstance(ids, list) and not ids:
            continue  # no host of this kind can be theirs
        tests.append(getattr(EventHost, f"{kind}_id").in_(ids))
    return Event.id.in_(db.select(EventHost.event_id).where(db.or_(db.false(), *tests)))


def managed_condition(kind: str, user=None):
    """SQL condition on the ``kind`` model (planner/organisations.KINDS): ``can_manage`` for every
    item of that kind at once."""
    model = KINDS[kind].model
    user = _user(user)
    if user is None:
        return db.false()
    if user.is_admin:
        return db.true()
    return model.id.in_(_grants(user).covered_ids(kind))


def acts_for_anyone(user=None) -> bool:
    """Whether the user organises for an organisation or leads a team (the desk is theirs)."""
    return is_organiser(user) or leads_any_team(user)


def can_manage_campaign(campaign, user=None) -> bool:
    """Administrators, and organisers of one of the campaign's lead departments."""
    return can_manage(campaign, user)


def can_manage_quiz(quiz, user=None) -> bool:
    """Administrators, and organisers who manage the quiz's owning organisation."""
    user = _user(user)
    if user is None:
        return False
    if user.is_admin:
        return True
    return quiz.owner is not None and can_manage(quiz.owner, user)


def can_edit_question_bank(user=None) -> bool:
    """The question bank is shared: every organiser may add to it and edit it."""
    return is_organiser(user)
