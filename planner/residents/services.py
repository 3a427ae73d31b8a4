"""Accounts a community makes for residents without a smartphone (代注册).

An organiser of the community creates the account (a name; a contact number if there is one: a
landline or a relative's mobile, with whose number it is and their consent recorded), signs the
resident up for shifts (``places.sign_up_outcome``, the one way anyone signs up), checks them in
and confirms their hours on the event's roster like anyone's, and asks for their certificates
(``certificates.request_certificate``). The account has no login number and cannot log in until
its owner takes it over (``accounts.services.take_over``).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from planner import permissions
from planner.accounts.models import User
from planner.accounts.services import PRIVACY_NOTICE_VERSION, normalise_contact_phone
from planner.audit import services as audit
from planner.directory.models import Community
from planner.events.models import Event, EventStatus, Shift
from planner.events.scopes import events_of
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups import certificates, places
from planner.signups.models import Certificate, Signup
from planner.timeutil import utcnow

OPEN_SHIFTS_SHOWN = 100


class ConsentMissing(DomainError):
    message = _l("Record whose number this is and that they agreed to it being kept.")
    field = "contact_consent"


class NotTheCommunitysShift(DomainError):
    message = _l("Choose a shift of one of the community's upcoming events.")
    field = "shift"


def communities_for(user: User) -> list[Community]:
    """The communities ``user`` may make accounts for: those they organise for, by name."""
    query = db.select(Community).where(Community.archived_at.is_(None)).order_by(Community.name)
    if not permissions.is_admin(user):
        query = query.where(Community.id.in_(permissions.covered_ids(user, "community")))
    return list(db.session.scalars(query))


def create_resident(
    actor: User, community: Community, real_name: str, contact_phone: str, consent: str
) -> User:
    """Make a managed account for a resident of ``community``; flushes only."""
    contact = normalise_contact_phone(contact_phone) if contact_phone else None
    if contact and not consent.strip():
        raise ConsentMissing()
    resident = User(
        phone=None,
        real_name=real_name.strip(),
        managed_by=community,
        contact_phone=contact,
        contact_consent=consent.strip(),
        phone_verified_at=None,
        consented_at=utcnow(),
        consent_version=PRIVACY_NOTICE_VERSION,
    )
    db.session.add(resident)
    db.session.flush()
    audit.record(actor, "resident.create", resident, community=str(community))
    return resident


def residents_of(user: User) -> list[User]:
    """The managed accounts of the communities ``user`` organises for, by community and name."""
    query = (
        db.select(User)
        .join(Community, Community.id == User.managed_by_community_id)
        .where(User.deleted_at.is_(None))
        .options(joinedload(User.managed_by))
        .order_by(Community.name, User.real_name, User.id)
    )
    if not permissions.is_admin(user):
        query = query.where(Community.id.in_(permissions.covered_ids(user, "community")))
    return list(db.session.scalars(query))


def load_resident(user_id: int) -> User | None:
    """A managed account, with its community; None for any other account."""
    return db.session.scalar(
        db.select(User)
        .where(User.id == user_id, User.managed_by_community_id.is_not(None))
        .options(joinedload(User.managed_by))
    )


def open_shifts(community: Community, now: datetime | None = None) -> list[Shift]:
    """Shifts of the community's published events that have not started, soonest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            db.select(Shift)
            .join(Event, Event.id == Shift.event_id)
            .where(
                events_of(community), Event.status == EventStatus.PUBLISHED, Shift.starts_at > now
            )
            .options(joinedload(Shift.event))
            .order_by(Shift.starts_at, Shift.id)
            .limit(OPEN_SHIFTS_SHOWN)
        )
    )


def sign_up_resident(actor: User, resident: User, shift_id: int, now: datetime | None = None):
    """Sign the resident up for a shift of their community's events (places.sign_up_outcome)."""
    if shift_id not in {shift.id for shift in open_shifts(resident.managed_by, now)}:
        raise NotTheCommunitysShift()
    outcome = places.sign_up_outcome(shift_id, resident, by=actor, now=now)
    audit.record(actor, "resident.sign_up", resident, shift_id=shift_id)
    return outcome


def signups_of(resident: User) -> list[Signup]:
    """The resident's sign-ups with their shifts and events, latest shift first."""
    return list(
        db.session.scalars(
            db.select(Signup)
            .join(Shift, Shift.id == Signup.shift_id)
            .where(Signup.user_id == resident.id)
            .options(joinedload(Signup.shift).joinedload(Shift.event))
            .order_by(Shift.starts_at.desc(), Signup.id)
        )
    )


def request_certificate_for(
    actor: User, resident: User, org, starts_on: date, ends_on: date
) -> Certificate:
    """An organiser asks for a resident's certificate on their behalf."""
    certificate = certificates.request_certificate(resident, org, starts_on, ends_on)
    audit.record(actor, "resident.certificate_request", resident, organisation=str(org))
    return certificate
