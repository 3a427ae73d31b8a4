"""Geography (district → street → community), organisations, partnerships and volunteer teams."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.columns import ArchivableMixin, enum_column
from planner.extensions import db
from planner.timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from planner.accounts.models import User

NAME_MAX = 80


class OrganisationRef:
    """A row that refers to exactly one organisation, through one foreign key per kind of
    organisation it allows (a check constraint keeps the others NULL).

    ``organisation_kinds`` names the kinds (``"department"``, ``"street"`` …): each is both the
    relationship's name and, with ``_id``, its column's. Every organisation model says its own kind
    in ``organisation_kind``; planner/organisations.py is the registry of kinds.
    """

    organisation_kinds: ClassVar[tuple[str, ...]]

    def _get_organisation(self):
        for kind in self.organisation_kinds:
            organisation = getattr(self, kind)
            if organisation is not None:
                return organisation
        return None

    def _set_organisation(self, organisation) -> None:
        kind = None if organisation is None else organisation.organisation_kind
        if kind is not None and kind not in self.organisation_kinds:
            raise ValueError(f"{type(self).__name__} cannot refer to a {kind}")
        for name in self.organisation_kinds:
            setattr(self, name, organisation if name == kind else None)

    organisation = property(_get_organisation, _set_organisation)

    def _get_kind_and_id(self) -> tuple[str, int] | None:
        for kind in self.organisation_kinds:
            ident = getattr(self, f"{kind}_id")
            if ident is not None:
                return kind, ident
        return None

    def _set_kind_and_id(self, value: tuple[str, int] | None) -> None:
        kind, ident = value or (None, None)
        if kind is not None and kind not in self.organisation_kinds:
            raise ValueError(f"{type(self).__name__} cannot refer to a {kind}")
        for name in self.organisation_kinds:
            setattr(self, f"{name}_id", ident if name == kind else None)

    # ``(kind, id)`` through the foreign keys alone, without loading the organisation.
    organisation_kind_and_id = property(_get_kind_and_id, _set_kind_and_id)

    @classmethod
    def refers_to(cls, organisation):
        """SQL condition: the row refers to ``organisation``."""
        return getattr(cls, f"{organisation.organisation_kind}_id") == organisation.id


class District(ArchivableMixin, db.Model):
    organisation_kind = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)

    streets: Mapped[list[Street]] = relationship(back_populates="district", order_by="Street.name")

    def __str__(self) -> str:
        return self.name


class Street(ArchivableMixin, db.Model):
    organisation_kind = "street"
    __table_args__ = (UniqueConstraint("district_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))

    district: Mapped[District] = relationship(back_populates="streets")
    communities: Mapped[list[Community]] = relationship(
        back_populates="street", order_by="Community.name"
    )

    def __str__(self) -> str:
        return self.name


class Community(ArchivableMixin, db.Model):
    organisation_kind = "community"
    __table_args__ = (UniqueConstraint("street_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    address: Mapped[str] = mapped_column(String(200), default="")

    street: Mapped[Street] = relationship(back_populates="communities")
    convention_items: Mapped[list[ConventionItem]] = relationship(
        back_populates="community",
        order_by="ConventionItem.position",
        cascade="all, delete-orphan",
    )

    def __str__(self) -> str:
        return self.name


class ConventionItem(db.Model):
    """One line of a community's civilisation convention (社区文明公约), in order."""

    __table_args__ = (UniqueConstraint("community_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(200))

    community: Mapped[Community] = relationship(back_populates="convention_items")


class Department(ArchivableMixin, db.Model):
    organisation_kind = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.name


class PartnerOrganisation(ArchivableMixin, db.Model):
    organisation_kind = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.name


class Partnership(ArchivableMixin, db.Model):
    """A department's partnership (共建) with a community."""

    __table_args__ = (UniqueConstraint("department_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    since: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(200), default="")

    department: Mapped[Department] = relationship()
    community: Mapped[Community] = relationship()


class JoinPolicy(enum.Enum):
    OPEN = "open"
    APPROVAL = "approval"


class TeamRole(enum.Enum):
    LEADER = "leader"
    MEMBER = "member"


class MembershipStatus(enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"


class VolunteerTeam(ArchivableMixin, OrganisationRef, db.Model):
    """A volunteer service team (志愿服务队) owned by a department, a community or the city."""

    organisation_kind = "team"
    organisation_kinds = ("department", "community")  # the owner's

    __table_args__ = (
        UniqueConstraint("name"),
        CheckConstraint("department_id IS NULL OR community_id IS NULL", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    join_policy: Mapped[JoinPolicy] = mapped_column(
        enum_column(JoinPolicy, name="join_policy"), default=JoinPolicy.APPROVAL
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)

    department: Mapped[Department | None] = relationship()
    community: Mapped[Community | None] = relationship()

    # The owning organisation; ``None`` for a city-wide team.
    owner = OrganisationRef.organisation

    def __str__(self) -> str:
        return self.name


class TeamMembership(db.Model):
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_team.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[TeamRole] = mapped_column(
        enum_column(TeamRole, name="team_role"), default=TeamRole.MEMBER
    )
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, name="membership_status"), default=MembershipStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    team: Mapped[VolunteerTeam] = relationship()
    user: Mapped[User] = relationship()
