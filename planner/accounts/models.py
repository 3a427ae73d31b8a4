"""Users (volunteers, organisers, administrators) and organiser grants."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from planner.columns import enum_column
from planner.directory.models import Community, Department, OrganisationRef, Street
from planner.extensions import db
from planner.timeutil import UTCDateTime, utcnow

PHONE_MAX = 20
SESSION_TOKEN_MAX = 64
CONSENT_NOTE_MAX = 200


def new_session_token() -> str:
    """A random, unguessable token naming an account's current sessions."""
    return secrets.token_urlsafe(32)


def mask_phone(phone: str | None) -> str:
    """Show a mainland mobile number as 138****1234."""
    if not phone:
        return ""
    digits = phone.removeprefix("+86")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_name(name: str | None) -> str:
    """Show a real name as 张*明 (or 张* for two characters)."""
    if not name:
        return ""
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _verified_if_it_has_a_number(context) -> datetime | None:
    return utcnow() if context.get_current_parameters().get("phone") else None


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # E.164, e.g. +8613812341234; NULL once the account is deleted and anonymised.
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX), unique=True)
    real_name: Mapped[str] = mapped_column(String(40))
    nickname: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    locale: Mapped[str | None] = mapped_column(String(16))
    # "My community", picked on the home page: its events come first there.
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True)
    is_admin: Mapped[bool] = mapped_column(default=False)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The privacy notice version agreed to (PRIVACY_NOTICE_VERSION); NULL for accounts from before.
    consent_version: Mapped[str | None] = mapped_column(String(20))
    # What sessions and remember cookies carry instead of the id; a new one ends them all.
    session_token: Mapped[str] = mapped_column(
        String(SESSION_TOKEN_MAX), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the owner proved the number theirs with an SMS code. An account is made with a login
    # number only after that proof (registration) or by an operator (create-admin, demo data), so
    # it counts as verified from the start; managed accounts, made without one, are not.
    phone_verified_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), default=_verified_if_it_has_a_number
    )
    # 代注册: an account a community's organisers made for a resident without a smartphone. It has
    # no login number (``phone`` is NULL) and cannot log in until its owner takes it over.
    managed_by_community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community.id"), index=True
    )
    # A managed account's contact number: a landline or a relative's mobile, shared by a household,
    # so not unique and never a login.
    contact_phone: Mapped[str | None] = mapped_column(String(PHONE_MAX))
    # Whose number it is and their consent, as the organiser recorded it.
    contact_consent: Mapped[str] = mapped_column(
        String(CONSENT_NOTE_MAX), default="", server_default=""
    )

    managed_by: Mapped[Community | None] = relationship(foreign_keys=[managed_by_community_id])
    grants: Mapped[list[OrganiserGrant]] = relationship(
        back_populates="user", foreign_keys="OrganiserGrant.user_id", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active and self.deleted_at is None

    def get_id(self) -> str:
        """What Flask-Login stores at each log-in: the session token and a nonce of this log-in,
        so no two log-ins get the same remember cookie (the user loader reads only the token)."""
        return f"{self.session_token}.{secrets.token_urlsafe(9)}"

    def __eq__(self, other):  # UserMixin compares get_id(), which differs at every call
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    __hash__ = object.__hash__

    @property
    def is_managed(self) -> bool:
        return self.managed_by_community_id is not None

    @property
    def local_phone(self) -> str:
        return (self.phone or "").removeprefix("+86")

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.real_name)

    @property
    def display_name(self) -> str:
        return self.nickname or self.real_name

    def set_password(self, password: str) -> None:
        # scrypt unless configured otherwise; the test suite sets a cheap method (tests/conftest.py).
        method = current_app.config.get("PLANNER_PASSWORD_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return self.real_name


class OrganiserGrant(OrganisationRef, db.Model):
    """Lets a user organise for one department, street office or community (exactly one)."""

    organisation_kinds = ("department", "street", "community")

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN department_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN street_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN community_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_organisation",
        ),
        UniqueConstraint("user_id", "department_id", "street_id", "community_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    department: Mapped[Department | None] = relationship()
    street: Mapped[Street | None] = relationship()
    community: Mapped[Community | None] = relationship()


class CodePurpose(enum.Enum):
    """What an SMS code proves the number for."""

    REGISTER = "register"
    RESET = "reset"
    CHANGE_PHONE = "change_phone"
    TAKEOVER = "takeover"


class PhoneCode(db.Model):
    """A six-digit code sent to a number, stored as a keyed hash; one row per code sent."""

    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # The latest code for a number and purpose is the one that counts.
        Index("ix_phone_code_phone_purpose", "phone", "purpose", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(PHONE_MAX))
    purpose: Mapped[CodePurpose] = mapped_column(enum_column(CodePurpose, name="code_purpose"))
    # The account asking, when someone logged in asks (a new number for their account).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    # Indexed: codes older than a day are deleted (codes.send_code), numbers and all.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
