"""Registration, authentication, passwords and organiser grants."""

from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l

from planner.accounts.models import OrganiserGrant, User
from planner.audit import services as audit
from planner.database import insert_once
from planner.exceptions import DomainError
from planner.extensions import db
from planner.timeutil import utcnow

PASSWORD_MIN = 8


class InvalidPhone(DomainError):
    message = _l("Enter a valid mainland China mobile number, e.g. 13812341234.")
    field = "phone"


class PhoneTaken(DomainError):
    message = _l("An account with this mobile number already exists.")
    field = "phone"


class WrongPassword(DomainError):
    message = _l("The current password is not correct.")
    field = "current_password"


class GrantExists(DomainError):
    message = _l("This person already organises for that organisation.")


def normalise_phone(raw: str) -> str:
    """Parse a mainland mobile number in any common spelling; return it as E.164 (+86…)."""
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone() from exc
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise InvalidPhone()
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidPhone()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_by_phone(raw: str) -> User | None:
    try:
        phone = normalise_phone(raw)
    except InvalidPhone:
        return None
    return db.session.scalar(db.select(User).where(User.phone == phone))


def register_user(
    phone: str, real_name: str, password: str, nickname: str = "", locale: str | None = None
) -> User:
    """Create a volunteer account; the phone must be new. Consent is recorded now."""
    normalised = normalise_phone(phone)
    if db.session.scalar(db.select(User.id).where(User.phone == normalised)) is not None:
        raise PhoneTaken()
    user = User(
        phone=normalised,
        real_name=real_name.strip(),
        nickname=nickname.strip(),
        locale=locale,
        consented_at=utcnow(),
    )
    user.set_password(password)
    # The phone is unique: the same number registered twice at once makes one account.
    if insert_once(user, lambda: find_by_phone(normalised)) is not user:
        raise PhoneTaken()
    return user


def authenticate(phone: str, password: str) -> User | None:
    """The active user with this phone and password, or None (one answer for every failure)."""
    user = find_by_phone(phone)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise WrongPassword()
    user.set_password(new)
    audit.record(user, "password.change", user)


def grant_organiser(actor: User, user: User, organisation) -> OrganiserGrant:
    """Let ``user`` organise for a department, street or community."""
    for grant in user.grants:
        if grant.organisation is organisation:
            raise GrantExists()
    grant = OrganiserGrant(user=user, granted_by_id=actor.id)
    grant.organisation = organisation
    db.session.add(grant)
    db.session.flush()
    audit.record(actor, "grant.create", user, organisation=str(organisation))
    return grant


def revoke_grant(actor: User, grant: OrganiserGrant) -> None:
    audit.record(actor, "grant.revoke", grant.user, organisation=str(grant.organisation))
    db.session.delete(grant)
