"""The kindness shop's shelf and counter: items, redeeming, the pick-up code, handing over,
releasing what nobody picked up, and the keeper's monthly report."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, update
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.audit import services as audit
from planner.database import lock_row
from planner.directory.models import PartnerOrganisation
from planner.exceptions import DomainError
from planner.extensions import db
from planner.points import services as ledger
from planner.points.models import (
    EARNING,
    EntryReason,
    PointsEntry,
    Redemption,
    RedemptionStatus,
    Shop,
    ShopItem,
)
from planner.timeutil import from_local, to_local, utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the counter
CODE_LENGTH = 8


class OutOfStock(DomainError):
    message = _l("Sorry, this item has just run out.")


class MonthlyLimitReached(DomainError):
    message = _l("You have already redeemed this item as many times as allowed this month.")


class CodeInvalid(DomainError):
    message = _l("This pick-up code is not valid at this shop.")
    field = "code"


class NotWaiting(DomainError):
    message = _l("This redemption has already been handed over or released.")


# ---------------------------------------------------------------- the shelf


def items_of(shop: Shop, in_stock_only: bool = False) -> list[ShopItem]:
    query = (
        db.select(ShopItem)
        .where(ShopItem.shop_id == shop.id, ShopItem.active.is_(True))
        .options(joinedload(ShopItem.donor))
        .order_by(ShopItem.price, ShopItem.id)
    )
    if in_stock_only:
        query = query.where(ShopItem.stock > 0)
    return list(db.session.scalars(query))


def donations_of(partner: PartnerOrganisation) -> list[ShopItem]:
    """What a partner organisation donated, at every shop, with how many were handed out: counts
    only, never who received them."""
    return list(
        db.session.scalars(
            db.select(ShopItem)
            .where(ShopItem.donor_id == partner.id)
            .options(
                joinedload(ShopItem.shop).joinedload(Shop.community),
                joinedload(ShopItem.shop).joinedload(Shop.street),
            )
            .order_by(ShopItem.shop_id, ShopItem.id)
        )
    )


def load_partner(partner_id: int) -> PartnerOrganisation | None:
    return db.session.get(PartnerOrganisation, partner_id)


def load_item(shop: Shop, item_id: int) -> ShopItem | None:
    item = db.session.get(ShopItem, item_id)
    return item if item is not None and item.shop_id == shop.id else None


def partners() -> list[PartnerOrganisation]:
    return list(
        db.session.scalars(
            db.select(PartnerOrganisation)
            .where(PartnerOrganisation.archived_at.is_(None))
            .order_by(PartnerOrganisation.name)
        )
    )


def save_item(actor: User, shop: Shop, item: ShopItem | None = None, **values) -> ShopItem:
    """List a new item, or change one (its stock included), audited."""
    if item is None:
        item = ShopItem(shop_id=shop.id)
        db.session.add(item)
    else:
        item = lock_row(ShopItem, item.id)  # a redemption at the same moment keeps its unit
    for name, value in values.items():
        setattr(item, name, value)
    db.session.flush()
    audit.record(actor, "shop.item", item, **{k: str(v) for k, v in values.items()})
    return item


def set_release_days(actor: User, shop: Shop, days: int) -> None:
    """How long a redemption waits for pick-up before it is released (audited)."""
    shop.release_after_days = days
    audit.record(actor, "shop.release_days", shop, days=days)
    db.session.flush()


# ---------------------------------------------------------------- redeeming


def _month_start(now: datetime) -> datetime:
    local = to_local(now)
    return from_local(datetime(local.year, local.month, 1))


def _redeemed_this_month(user: User, item: ShopItem, now: datetime) -> int:
    return db.session.scalar(
        db.select(func.count(Redemption.id)).where(
            Redemption.user_id == user.id,
            Redemption.item_id == item.id,
            Redemption.status != RedemptionStatus.RELEASED,
            Redemption.created_at >= _month_start(now),
        )
    )


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def redeem(user: User, shop: Shop, item_id: int, now: datetime | None = None) -> Redemption:
    """Exchange points for one unit of an item: the stock and the balance are taken in this one
    transaction, with the item's row locked (so the last units go to exactly as many people)."""
    now = now or utcnow()
    item = lock_row(ShopItem, item_id)
    if item.shop_id != shop.id or not item.active:
        raise OutOfStock()
    if (
        item.monthly_limit is not None
        and _redeemed_this_month(user, item, now) >= item.monthly_limit
    ):
        raise MonthlyLimitReached()
    taken = db.session.execute(
        update(ShopItem)
        .where(ShopItem.id == item.id, ShopItem.stock > 0)
        .values(stock=ShopItem.stock - 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise OutOfStock()
    db.session.expire(item, ["stock"])
    redemption = Redemption(
        shop_id=shop.id,
        item=item,
        user_id=user.id,
        points=item.price,
        code=_new_code(),
        created_at=now,
    )
    db.session.add(redemption)
    db.session.flush()
    ledger.spend(user.id, shop.id, redemption)  # raises NotEnoughPoints: the request rolls back
    return redemption


def redemptions_of(user: User) -> list[Redemption]:
    """A person's redemptions, the ones waiting first, then the latest."""
    rows = db.session.scalars(
        db.select(Redemption)
        .where(Redemption.user_id == user.id)
        .options(joinedload(Redemption.item))
        .order_by(Redemption.id.desc())
        .limit(50)
    ).all()
    return sorted(rows, key=lambda r: r.status is not RedemptionStatus.WAITING)


def redemptions_data(user: User) -> list[dict]:
    """Every redemption of the person, for their data download (not the pick-up code)."""
    rows = db.session.scalars(
        db.select(Redemption)
        .where(Redemption.user_id == user.id)
        .options(joinedload(Redemption.item))
        .order_by(Redemption.id)
    )
    return [
        {
            "shop_id": r.shop_id,
            "item": r.item.name,
            "points": r.points,
            "status": r.status.value,
            "at": r.created_at.isoformat(),
            "handed_over_at": r.handed_over_at.isoformat() if r.handed_over_at else None,
        }
        for r in rows
    ]


def load_redemption(redemption_id: int) -> Redemption | None:
    return db.session.get(Redemption, redemption_id)


# ---------------------------------------------------------------- the pick-up code


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="xinfeng-pickup")


def pickup_token(redemption: Redemption) -> str:
    """What the pick-up QR code carries: the redemption and its code, signed."""
    return _serializer().dumps([redemption.id, redemption.code])


def find_by_token(shop: Shop, token: str) -> Redemption:
    """The shop's redemption a scanned pick-up token names; raises CodeInvalid."""
    try:
        redemption_id, code = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise CodeInvalid() from exc
    redemption = (
        db.session.get(Redemption, redemption_id) if isinstance(redemption_id, int) else None
    )
    if redemption is None or redemption.shop_id != shop.id or redemption.code != code:
        raise CodeInvalid()
    return redemption


def find_by_code(shop: Shop, code: str) -> Redemption:
    """The shop's redemption with a typed code (spaces and case forgiven); raises CodeInvalid."""
    code = "".join((code or "").split()).upper()
    redemption = db.session.scalar(db.select(Redemption).where(Redemption.code == code[:20]))
    if redemption is None or redemption.shop_id != shop.id:
        raise CodeInvalid()
    return redemption


def hand_over(actor: User, redemption: Redemption, now: datetime | None = None) -> Redemption:
    """The keeper hands the item over, once (a second scan is told it is done)."""
    redemption = lock_row(Redemption, redemption.id, column=Redemption.status)
    if redemption.status is not RedemptionStatus.WAITING:
        raise NotWaiting()
    redemption.status = RedemptionStatus.HANDED_OVER
    redemption.handed_over_at = now or utcnow()
    redemption.handed_over_by_id = actor.id
    db.session.execute(
        update(ShopItem)
        .where(ShopItem.id == redemption.item_id)
        .values(handed_out=ShopItem.handed_out + 1)
        .execution_options(synchronize_session=False)
    )
    audit.record(actor, "shop.hand_over", redemption, user=redemption.user_id)
    db.session.flush()
    return redemption


def release_unclaimed(now: datetime | None = None) -> int:
    """Release redemptions not picked up within their shop's days: points and stock return, once
    (each redemption's row is locked and its status checked); safe to run twice."""
    now = now or utcnow()
    stale = db.session.execute(
        db.select(Redemption.id, Shop.release_after_days)
        .join(Shop, Shop.id == Redemption.shop_id)
        .where(Redemption.status == RedemptionStatus.WAITING)
    ).all()
    released = 0
    for redemption_id, days in stale:
        redemption = lock_row(Redemption, redemption_id, column=Redemption.status)
        if redemption.status is not RedemptionStatus.WAITING:
            continue
        if redemption.created_at + timedelta(days=days) > now:
            continue
        redemption.status = RedemptionStatus.RELEASED
        redemption.released_at = now
        db.session.execute(
            update(ShopItem)
            .where(ShopItem.id == redemption.item_id)
            .values(stock=ShopItem.stock + 1)
            .execution_options(synchronize_session=False)
        )
        ledger.give_back(redemption, now)
        released += 1
    return released


# ---------------------------------------------------------------- the keeper's pages


def waiting_at(shop: Shop) -> list[Redemption]:
    return list(
        db.session.scalars(
            db.select(Redemption)
            .where(Redemption.shop_id == shop.id, Redemption.status == RedemptionStatus.WAITING)
            .options(joinedload(Redemption.item), joinedload(Redemption.user))
            .order_by(Redemption.id)
        )
    )


@dataclass(frozen=True)
class MonthReport:
    month: date
    issued: int  # points earned in the month (net of reversals)
    redeemed: int  # points spent in the month (net of returns)
    expired: int
    outstanding: int  # every balance at the shop now
    by_donor: list[tuple[str, str, int]]  # donor, item, units handed over in the month


def month_report(shop: Shop, month: date) -> MonthReport:
    """Points issued, redeemed and outstanding, and items handed over per donor, in a month."""
    start = from_local(datetime(month.year, month.month, 1))
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    end = from_local(datetime(following.year, following.month, 1))

    def total(*reasons) -> int:
        return (
            db.session.scalar(
                db.select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(
                    PointsEntry.shop_id == shop.id,
                    PointsEntry.reason.in_(reasons),
                    PointsEntry.created_at >= start,
                    PointsEntry.created_at < end,
                )
            )
            or 0
        )

    from planner.points.models import PointsBalance

    outstanding = db.session.scalar(
        db.select(func.coalesce(func.sum(PointsBalance.balance), 0)).where(
            PointsBalance.shop_id == shop.id
        )
    )
    rows = db.session.execute(
        db.select(PartnerOrganisation.name, ShopItem.name, func.count(Redemption.id))
        .join(ShopItem, ShopItem.id == Redemption.item_id)
        .outerjoin(PartnerOrganisation, PartnerOrganisation.id == ShopItem.donor_id)
        .where(
            Redemption.shop_id == shop.id,
            Redemption.status == RedemptionStatus.HANDED_OVER,
            Redemption.handed_over_at >= start,
            Redemption.handed_over_at < end,
        )
        .group_by(PartnerOrganisation.name, ShopItem.name)
        .order_by(PartnerOrganisation.name, ShopItem.name)
    ).all()
    return MonthReport(
        month=month,
        issued=total(*EARNING),
        redeemed=-total(EntryReason.REDEEMED, EntryReason.RELEASED),
        expired=-total(EntryReason.EXPIRED),
        outstanding=outstanding or 0,
        by_donor=[(donor or "", item, count) for donor, item, count in rows],
    )
