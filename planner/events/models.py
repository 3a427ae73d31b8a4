"""Campaigns, events, their hosts, programme, shifts and audience seats."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.columns import enum_column
from planner.directory.models import (
    Community,
    Department,
    OrganisationRef,
    PartnerOrganisation,
    Street,
    VolunteerTeam,
)
from planner.extensions import db
from planner.timeutil import UTCDateTime, utcnow


class EventKind(enum.Enum):
    CLEANUP = "cleanup"
    SHOW = "show"
    BANQUET = "banquet"
    GALA = "gala"
    LECTURE = "lecture"
    QUIZ = "quiz"
    SERVICE = "service"


class EventStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class CampaignStatus(enum.Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class HostRole(enum.Enum):
    HOST = "host"
    COHOST = "cohost"


class Campaign(db.Model):
    """A themed drive (主题活动) over a date range, led by one or more departments."""

    organisation_kind = "campaign"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slogan: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[CampaignStatus] = mapped_column(
        enum_column(CampaignStatus, name="campaign_status"), default=CampaignStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lead_departments: Mapped[list[Department]] = relationship(
        secondary="campaign_department", order_by="Department.name"
    )

    def __str__(self) -> str:
        return self.name


class CampaignDepartment(db.Model):
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)


class EventSeries(db.Model):
    """The rule a weekly, fortnightly or monthly series was made by (its iCalendar RRULE).

    Its occurrences are events sharing its id as ``Event.series_id``; occurrence ``n`` of the rule
    (``Event.series_position``) starts ``n`` steps after ``starts_at``, at the same local time.
    """

    __table_args__ = (
        CheckConstraint(
            "frequency IN ('weekly', 'fortnightly', 'monthly')", name="frequency_known"
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Event(db.Model):
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "seats_capacity IS NULL OR (seats_capacity BETWEEN 1 AND 100000)", name="seats_in_range"
        ),
        CheckConstraint("max_party_size BETWEEN 1 AND 50", name="party_size_in_range"),
        # Never more seats booked than the event has (none while it takes no bookings).
        CheckConstraint(
            "seats_confirmed <= COALESCE(seats_capacity, 0)", name="seats_confirmed_within_capacity"
        ),
        # An occurrence of a series has its place in the series' rule, and each place one event.
        CheckConstraint(
            "(series_id IS NULL) = (series_position IS NULL)", name="series_position_with_series"
        ),
        CheckConstraint("series_position >= 0", name="series_position_not_negative"),
        UniqueConstraint("series_id", "series_position"),
        Index("ix_event_status_starts_at", "status", "starts_at"),
        # The public listing walks events in start order and counts them from this index alone.
        Index("ix_event_starts_at_ends_at_status", "starts_at", "ends_at", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Calendar feeds use this as the iCalendar UID: it never changes.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, name="event_kind"), index=True)
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, name="event_status"), default=EventStatus.DRAFT
    )
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    description: Mapped[str] = mapped_column(Text, default="")
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    # Goes up whenever time, place or status changes (iCalendar SEQUENCE).
    revision: Mapped[int] = mapped_column(default=0)
    # When revision last went up (iCalendar LAST-MODIFIED); stamped automatically by a listener in
    # planner/calendar/models.py, so services only ever bump revision.
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    series_id: Mapped[str | None] = mapped_column(ForeignKey("event_series.id"), index=True)
    # Which occurrence of the series' rule this is (0 the first): its iCalendar RECURRENCE-ID,
    # however the occurrence was moved since.
    series_position: Mapped[int | None]
    seats_capacity: Mapped[int | None]
    # Audience seats taken by confirmed bookings; kept in step inside the booking transaction.
    seats_confirmed: Mapped[int] = mapped_column(default=0, server_default="0")
    max_party_size: Mapped[int] = mapped_column(default=4)
    cancellation_cutoff_minutes: Mapped[int] = mapped_column(default=120)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Any edit at all (cache keys, feed versions, DTSTAMP).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # When anything a calendar shows of the event last changed (iCalendar LAST-MODIFIED); stamped
    # by listeners in planner/calendar/models.py, which say what a calendar shows.
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign | None] = relationship()
    community: Mapped[Community | None] = relationship()
    hosts: Mapped[list[EventHost]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventHost.id"
    )
    programme: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="ProgrammeItem.position"
    )
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(Shift.starts_at, Shift.id)"
    )

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Everyone may see it (drafts only those who manage the event)."""
        return self.status is not EventStatus.DRAFT

    @property
    def is_open(self) -> bool:
        """Still being planned or run: drafts and published events may be edited."""
        return self.status in (EventStatus.DRAFT, EventStatus.PUBLISHED)

    @property
    def takes_volunteers(self) -> bool:
        """Published and not over yet: remaining places are worth showing."""
        return self.status is EventStatus.PUBLISHED and self.ends_at > utcnow()

    @property
    def volunteer_capacity(self) -> int:
        return sum(shift.capacity for shift in self.shifts)

    @property
    def volunteer_places_left(self) -> int:
        """Volunteer places still free over all shifts (needs ``shifts`` loaded)."""
        return sum(shift.remaining for shift in self.shifts)


class EventHost(OrganisationRef, db.Model):
    """An organisation hosting or co-hosting an event (exactly one organisation a row)."""

    organisation_kinds = ("department", "partner", "street", "community", "team")

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN department_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN partner_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN street_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN community_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN team_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    role: Mapped[HostRole] = mapped_column(
        enum_column(HostRole, name="host_role"), default=HostRole.HOST
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_organisation.id"), index=True
    )
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_team.id"), index=True)

    event: Mapped[Event] = relationship(back_populates="hosts")
    department: Mapped[Department | None] = relationship()
    partner: Mapped[PartnerOrganisation | None] = relationship()
    street: Mapped[Street | None] = relationship()
    community: Mapped[Community | None] = relationship()
    team: Mapped[VolunteerTeam | None] = relationship()


class ProgrammeItem(db.Model):
    """One item of a show's or gala's programme (节目单)."""

    __table_args__ = (
        UniqueConstraint("event_id", "position"),
        CheckConstraint(
            "duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 600",
            name="duration_in_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    performer_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteer_team.id"), index=True
    )
    performer_text: Mapped[str] = mapped_column(String(120), default="")
    duration_minutes: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="programme")
    performer_team: Mapped[VolunteerTeam | None] = relationship()

    @property
    def performer(self) -> str:
        return self.performer_team.name if self.performer_team else self.performer_text


def places_left(capacity: int, confirmed: int) -> int:
    """Places a shift still offers (never below zero, even after its capacity was lowered)."""
    return max(capacity - confirmed, 0)


class Shift(db.Model):
    """A volunteer shift (岗位/时段) inside an event."""

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity BETWEEN 1 AND 10000", name="capacity_in_range"),
        # Never more confirmed places than the shift has.
        CheckConstraint("confirmed_count <= capacity", name="confirmed_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    role: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int]
    requirements: Mapped[str] = mapped_column(String(300), default="")
    # Confirmed places taken; kept in step with sign-ups inside the same transaction.
    confirmed_count: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="shifts")

    @property
    def remaining(self) -> int:
        return places_left(self.capacity, self.confirmed_count)
