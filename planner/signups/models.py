"""Sign-ups for shifts, audience-seat bookings, hours corrections, service records, certificates."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.columns import enum_column
from planner.directory.models import (
    Community,
    Department,
    OrganisationRef,
    Street,
    VolunteerTeam,
)
from planner.events.models import Event, Shift
from planner.extensions import db
from planner.timeutil import UTCDateTime, utcnow


class SignupStatus(enum.Enum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class CheckinMethod(enum.Enum):
    """How a check-in or check-out was recorded."""

    CODE = "code"  # the volunteer scanned the venue's code with their own, logged-in phone
    HAND = "hand"  # an organiser marked it on the roster


# Statuses that hold (or wait for) a place.
ACTIVE_STATUSES = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED, SignupStatus.ATTENDED)
# Statuses that take one of the shift's confirmed places.
PLACE_STATUSES = (SignupStatus.CONFIRMED, SignupStatus.ATTENDED, SignupStatus.NO_SHOW)


class Signup(db.Model):
    """One volunteer on one shift; the waitlist is ordered by ``arrival``."""

    __table_args__ = (
        UniqueConstraint("shift_id", "user_id"),
        Index("ix_signup_shift_status_arrival", "shift_id", "status", "arrival"),
        CheckConstraint("minutes IS NULL OR minutes BETWEEN 0 AND 1440", name="minutes_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # The team the volunteer serves with (set when a team leader signed them up).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_team.id"), index=True)
    status: Mapped[SignupStatus] = mapped_column(enum_column(SignupStatus, name="signup_status"))
    # Arrival order on this shift: 1, 2, 3 … assigned under the shift's lock.
    arrival: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    late_cancellation: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How each scan was recorded and, for a code, where: a SHA-256 of the phone's random device
    # cookie (never the cookie) and its network address; kept with the sign-up (see README).
    checkin_method: Mapped[CheckinMethod | None] = mapped_column(
        enum_column(CheckinMethod, name="checkin_method")
    )
    checkin_device: Mapped[str | None] = mapped_column(String(64))
    checkin_address: Mapped[str | None] = mapped_column(String(45))
    checkout_method: Mapped[CheckinMethod | None] = mapped_column(
        enum_column(CheckinMethod, name="checkout_method")
    )
    checkout_device: Mapped[str | None] = mapped_column(String(64))
    checkout_address: Mapped[str | None] = mapped_column(String(45))
    # Credited service time in whole minutes (multiples of 15); None until confirmed.
    minutes: Mapped[int | None]
    hours_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    shift: Mapped[Shift] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    team: Mapped[VolunteerTeam | None] = relationship()
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    @property
    def hours(self) -> float | None:
        return None if self.minutes is None else self.minutes / 60

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class SeatStatus(enum.Enum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class SeatBooking(db.Model):
    """A resident's RSVP for audience seats (banquet table, show seats) with a party size."""

    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint("party_size BETWEEN 1 AND 50", name="party_size_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    party_size: Mapped[int] = mapped_column(default=1)
    status: Mapped[SeatStatus] = mapped_column(enum_column(SeatStatus, name="seat_status"))
    arrival: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()


class CorrectionStatus(enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class HoursCorrection(db.Model):
    """A volunteer's request to correct the hours credited for one sign-up."""

    __table_args__ = (
        CheckConstraint("requested_minutes BETWEEN 0 AND 1440", name="minutes_in_range"),
        # One pending request a sign-up, even when the same request is sent twice at once.
        Index(
            "uq_hours_correction_pending_signup",
            "signup_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("signup.id"), index=True)
    requested_minutes: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[CorrectionStatus] = mapped_column(
        enum_column(CorrectionStatus, name="correction_status"), default=CorrectionStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(String(500), default="")

    signup: Mapped[Signup] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def requested_hours(self) -> float:
        return self.requested_minutes / 60


class ServiceRecord(db.Model):
    """A volunteer service record (志愿服务记录) with what the national rules ask it to hold."""

    __table_args__ = (
        CheckConstraint("minutes BETWEEN 0 AND 1440", name="minutes_in_range"),
        Index("ix_service_record_volunteer_date", "volunteer_id", "service_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("signup.id"), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_team.id"), index=True)
    activity: Mapped[str] = mapped_column(String(200))
    service_date: Mapped[date]
    place: Mapped[str] = mapped_column(String(400), default="")
    content: Mapped[str] = mapped_column(String(300), default="")
    minutes: Mapped[int]
    person_in_charge: Mapped[str] = mapped_column(String(80), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    signup: Mapped[Signup | None] = relationship()
    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id])
    recorder: Mapped[User | None] = relationship(foreign_keys=[recorder_id])
    event: Mapped[Event | None] = relationship()
    team: Mapped[VolunteerTeam | None] = relationship()

    @property
    def hours(self) -> float:
        return self.minutes / 60


class CertificateStatus(enum.Enum):
    REQUESTED = "requested"
    ISSUED = "issued"
    REJECTED = "rejected"
    # It listed service dated after its issue (before hours waited for the service to be over).
    WITHDRAWN = "withdrawn"


class Certificate(OrganisationRef, db.Model):
    """A service certificate (志愿服务证明) over a date range, issued by one organisation."""

    organisation_kinds = ("department", "street", "community")

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        CheckConstraint(
            "(CASE WHEN department_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN street_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN community_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_organisation",
        ),
        # One pending request a volunteer, organisation and date range (one index per kind of
        # organisation: the other two columns are NULL, and NULLs never clash).
        *(
            Index(
                f"uq_certificate_requested_{kind}",
                "volunteer_id",
                f"{kind}_id",
                "starts_on",
                "ends_on",
                unique=True,
                sqlite_where=text("status = 'requested'"),
                postgresql_where=text("status = 'requested'"),
            )
            for kind in ("department", "street", "community")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column(CertificateStatus, name="certificate_status"),
        default=CertificateStatus.REQUESTED,
    )
    total_minutes: Mapped[int] = mapped_column(default=0)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Frozen at issue time so the printed certificate never changes.
    volunteer_name: Mapped[str] = mapped_column(String(40), default="")
    records: Mapped[list] = mapped_column(db.JSON, default=list)

    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    department: Mapped[Department | None] = relationship()
    street: Mapped[Street | None] = relationship()
    community: Mapped[Community | None] = relationship()

    @property
    def total_hours(self) -> float:
        return self.total_minutes / 60
