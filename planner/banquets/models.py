"""A banquet's menu plan, its dish categories, the dishes households claim, and the tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.events.models import Event
from planner.extensions import db
from planner.signups.models import SeatBooking
from planner.timeutil import UTCDateTime, utcnow


class MenuPlan(db.Model):
    """An event's *Dishes*: its categories, tables, the no-waste guideline and, after, leftovers.

    Every change to the claims of the event locks this row first (``services.lock_plan``)."""

    __table_args__ = (
        CheckConstraint("seats_per_table BETWEEN 2 AND 30", name="seats_per_table_in_range"),
        CheckConstraint("tables_planned BETWEEN 0 AND 500", name="tables_planned_in_range"),
        CheckConstraint("extra_plates BETWEEN 0 AND 10", name="extra_plates_in_range"),
        CheckConstraint(
            "leftover_plates IS NULL OR leftover_plates >= 0", name="leftover_plates_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), unique=True)
    seats_per_table: Mapped[int] = mapped_column(default=10)
    tables_planned: Mapped[int] = mapped_column(default=0)
    # The no-waste guideline: plates for a table of N people are at most N + extra_plates.
    extra_plates: Mapped[int] = mapped_column(default=1)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Recorded by the organiser after the banquet: plates that came back with food on them.
    leftover_plates: Mapped[int | None]
    leftovers_note: Mapped[str] = mapped_column(String(300), default="")
    leftovers_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[Event] = relationship()
    categories: Mapped[list[DishCategory]] = relationship(
        back_populates="plan", order_by="DishCategory.position", cascade="all, delete-orphan"
    )


class DishCategory(db.Model):
    """凉菜, 热菜, 主食 …: how many dishes of the kind are wanted and how many are claimed."""

    __table_args__ = (
        UniqueConstraint("plan_id", "name_zh"),
        CheckConstraint("wanted BETWEEN 0 AND 500", name="wanted_in_range"),
        # The plan's limit, held by the database too: never more claims than wanted.
        CheckConstraint("claimed BETWEEN 0 AND wanted", name="claimed_within_wanted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("menu_plan.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name_zh: Mapped[str] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(40), default="")
    wanted: Mapped[int] = mapped_column(default=0)
    claimed: Mapped[int] = mapped_column(default=0, server_default="0")

    plan: Mapped[MenuPlan] = relationship(back_populates="categories")

    @property
    def still_needed(self) -> int:
        return max(self.wanted - self.claimed, 0)


class DishClaim(db.Model):
    """The dish one household brings to the banquet (one a household)."""

    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint("plates BETWEEN 1 AND 5", name="plates_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("dish_category.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    plates: Mapped[int] = mapped_column(default=1)
    # Tag codes joined by commas (``TAGS`` in services): halal, vegetarian, nuts, spicy.
    tags: Mapped[str] = mapped_column(String(80), default="")
    # Bumped at each change, so each confirmation is its own outbox message.
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    category: Mapped[DishCategory] = relationship()
    user: Mapped[User] = relationship()

    @property
    def tag_codes(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class BanquetTable(db.Model):
    """One numbered table of a banquet."""

    __table_args__ = (
        UniqueConstraint("event_id", "number"),
        CheckConstraint("number BETWEEN 1 AND 999", name="number_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    number: Mapped[int]
    seats: Mapped[int] = mapped_column(default=10)

    guests: Mapped[list[TableGuest]] = relationship(
        back_populates="table", cascade="all, delete-orphan"
    )


class TableGuest(db.Model):
    """A household (its seat booking, with the party size) seated at a table: one table each."""

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("banquet_table.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("seat_booking.id"), unique=True)

    table: Mapped[BanquetTable] = relationship(back_populates="guests")
    booking: Mapped[SeatBooking] = relationship()
