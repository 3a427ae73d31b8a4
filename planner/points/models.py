"""Service points (志愿积分) and the kindness shop (爱心超市).

A community or street office that runs a ``Shop`` keeps a points account for each person: an
append-only ledger of ``PointsEntry`` rows (earned by confirmed service under the shop's
``EarningRule`` of the day, spent on a ``Redemption``, returned, reversed, expired), and a
``PointsBalance`` row per person that every entry updates in the same transaction (its CHECK keeps
a balance from going below zero; ``flask points-audit`` reconciles it with the ledger).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.columns import enum_column
from planner.directory.models import Community, OrganisationRef, PartnerOrganisation, Street
from planner.extensions import db
from planner.timeutil import UTCDateTime, utcnow

ITEM_NAME_MAX = 80
# The icons a keeper picks from (Bootstrap Icons names are not served; these are emoji).
ICONS = {
    "rice": "🍚",
    "oil": "🫗",
    "noodles": "🍜",
    "soap": "🧼",
    "towel": "🧻",
    "eggs": "🥚",
    "milk": "🥛",
    "fruit": "🍎",
    "book": "📚",
    "gift": "🎁",
}


class Shop(OrganisationRef, db.Model):
    """The kindness shop of one community or street office (one each)."""

    organisation_kinds = ("street", "community")

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN street_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN community_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_organisation",
        ),
        CheckConstraint("release_after_days BETWEEN 1 AND 90", name="release_days_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"), unique=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), unique=True)
    # Redemptions not picked up within this many days are released (points and stock return).
    release_after_days: Mapped[int] = mapped_column(default=7)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    street: Mapped[Street | None] = relationship()
    community: Mapped[Community | None] = relationship()

    def __str__(self) -> str:
        return str(self.organisation)


class EarningRule(db.Model):
    """A version of a shop's earning rules, in force from ``effective_on`` until the next one."""

    __table_args__ = (
        UniqueConstraint("shop_id", "effective_on"),
        CheckConstraint(
            "per_hour >= 0 AND per_audience >= 0 AND per_quiz >= 0", name="points_not_negative"
        ),
        CheckConstraint("yearly_cap IS NULL OR yearly_cap > 0", name="cap_positive"),
        CheckConstraint(
            "expiry_months IS NULL OR expiry_months BETWEEN 1 AND 120", name="expiry_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"), index=True)
    effective_on: Mapped[date] = mapped_column(Date)
    per_hour: Mapped[int] = mapped_column(default=10)  # per confirmed service hour
    per_audience: Mapped[int] = mapped_column(default=0)  # per event attended as audience
    per_quiz: Mapped[int] = mapped_column(default=0)  # per quiz passed
    yearly_cap: Mapped[int | None]  # earned points a person per calendar year
    expiry_months: Mapped[int | None]  # earned points expire this many months later
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    shop: Mapped[Shop] = relationship()


class EntryReason(enum.Enum):
    SERVICE = "service"  # confirmed service hours (a correction writes another entry)
    AUDIENCE = "audience"  # an event attended as audience
    QUIZ = "quiz"  # a quiz passed
    REDEEMED = "redeemed"  # spent on an item
    RELEASED = "released"  # an unclaimed redemption's points returned
    EXPIRED = "expired"  # earned points that expired


EARNING = (EntryReason.SERVICE, EntryReason.AUDIENCE, EntryReason.QUIZ)


def _once(name: str, column: str, reason: EntryReason) -> Index:
    """A partial unique index: one entry of ``reason`` for each ``column``."""
    where = text(f"reason = '{reason.value}'")
    return Index(name, *column.split(","), unique=True, sqlite_where=where, postgresql_where=where)


class PointsEntry(db.Model):
    """One line of the ledger: never edited, never deleted; a correction is another entry."""

    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        _once("uq_points_entry_audience", "seat_booking_id", EntryReason.AUDIENCE),
        _once("uq_points_entry_quiz", "user_id,quiz_id", EntryReason.QUIZ),
        _once("uq_points_entry_redeemed", "redemption_id", EntryReason.REDEEMED),
        _once("uq_points_entry_released", "redemption_id", EntryReason.RELEASED),
        _once("uq_points_entry_expired", "expires_entry_id", EntryReason.EXPIRED),
        Index("ix_points_entry_account", "user_id", "shop_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"), index=True)
    amount: Mapped[int]
    reason: Mapped[EntryReason] = mapped_column(enum_column(EntryReason, name="points_reason"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("earning_rule.id"))
    # The record that earned or spent the points (one of these).
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("signup.id"), index=True)
    seat_booking_id: Mapped[int | None] = mapped_column(ForeignKey("seat_booking.id"))
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quiz.id"))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id"))
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("redemption.id"), index=True)
    expires_entry_id: Mapped[int | None] = mapped_column(ForeignKey("points_entry.id"))
    # Earned points that expire: when.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The amount was limited (by the yearly cap, or a reversal by what was left to take back).
    limited: Mapped[bool] = mapped_column(default=False)
    # What the record was, as the person reads it in the ledger (an event, a quiz, an item).
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    shop: Mapped[Shop] = relationship()
    rule: Mapped[EarningRule | None] = relationship()


class PointsBalance(db.Model):
    """A person's balance at a shop: the sum of their ledger there, kept with every entry."""

    __table_args__ = (
        UniqueConstraint("user_id", "shop_id"),
        CheckConstraint("balance >= 0", name="balance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"), index=True)
    balance: Mapped[int] = mapped_column(default=0)

    shop: Mapped[Shop] = relationship()


class ShopItem(db.Model):
    """Something on the shelf: its price in points, the stock, and who donated it."""

    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("handed_out >= 0", name="handed_out_not_negative"),
        CheckConstraint("monthly_limit IS NULL OR monthly_limit > 0", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"), index=True)
    name: Mapped[str] = mapped_column(String(ITEM_NAME_MAX))
    icon: Mapped[str] = mapped_column(String(20), default="gift")
    price: Mapped[int]
    stock: Mapped[int] = mapped_column(default=0)
    handed_out: Mapped[int] = mapped_column(default=0)
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("partner_organisation.id"))
    monthly_limit: Mapped[int | None]  # per person per calendar month
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    shop: Mapped[Shop] = relationship()
    donor: Mapped[PartnerOrganisation | None] = relationship()

    @property
    def symbol(self) -> str:
        return ICONS.get(self.icon, ICONS["gift"])


class RedemptionStatus(enum.Enum):
    WAITING = "waiting"  # points and stock taken; waiting to be picked up
    HANDED_OVER = "handed_over"
    RELEASED = "released"  # not picked up in time: points and stock returned


class Redemption(db.Model):
    """A person exchanged points for one item, to pick up at the counter with a code."""

    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        Index("ix_redemption_waiting", "shop_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("shop_item.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    points: Mapped[int]
    # What the keeper types at the counter (the QR code carries it signed).
    code: Mapped[str] = mapped_column(String(12), unique=True)
    status: Mapped[RedemptionStatus] = mapped_column(
        enum_column(RedemptionStatus, name="redemption_status"), default=RedemptionStatus.WAITING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handed_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    shop: Mapped[Shop] = relationship()
    item: Mapped[ShopItem] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
