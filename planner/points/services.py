"""The points ledger: shops, earning rules, earning from confirmed records, expiry and the audit.

Whose points: an event's points belong to the shop that covers it, its community's kindness shop,
or else its street's (``shop_for_event``); a quiz's, to the shop covering its event, else its
owner's. Every entry goes through ``_post``, which writes the entry and moves the balance row in
the same transaction; a balance row's CHECK keeps it from going below zero.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update

from planner.database import insert_once, lock_row
from planner.exceptions import DomainError
from planner.extensions import db
from planner.points.models import (
    EARNING,
    EarningRule,
    EntryReason,
    PointsBalance,
    PointsEntry,
    Redemption,
    RedemptionStatus,
    Shop,
)
from planner.timeutil import from_local, to_local, utcnow

DUE_SOON = timedelta(days=30)  # /my/points lists points expiring this soon


class NotEnoughPoints(DomainError):
    message = _l("You do not have enough points for this.")


class RuleNotForward(DomainError):
    message = _l(
        "Earning rules change from a day on, never backwards: choose today or a later day, after"
        " the last change."
    )
    field = "effective_on"


class ShopExists(DomainError):
    message = _l("This organisation already runs a kindness shop.")


# ---------------------------------------------------------------- shops


def shop_of(organisation) -> Shop | None:
    """The kindness shop run by a community or street office, if any."""
    if organisation is None or organisation.organisation_kind not in Shop.organisation_kinds:
        return None
    return db.session.scalar(db.select(Shop).where(Shop.refers_to(organisation)))


def open_shop(organisation) -> Shop:
    """Open the organisation's kindness shop (once: a second request gets the same shop)."""
    shop = Shop()
    shop.organisation = organisation
    return insert_once(shop, lambda: shop_of(organisation))


def load_shop(shop_id: int) -> Shop | None:
    return db.session.get(Shop, shop_id)


def shop_for_community(community) -> Shop | None:
    """The shop that covers a community's events: its own, else its street's."""
    if community is None:
        return None
    shops = db.session.scalars(
        db.select(Shop).where(
            (Shop.community_id == community.id) | (Shop.street_id == community.street_id)
        )
    ).all()
    return min(shops, key=lambda s: s.community_id is None, default=None)


def shop_for_event(event) -> Shop | None:
    """The shop whose points an event earns: its community's, else its street's."""
    return shop_for_community(event.community)


def shop_for_quiz(quiz) -> Shop | None:
    """A quiz earns points at the shop covering its event, else its owner's (community: its own or
    its street's; street: its own)."""
    if quiz.event is not None:
        return shop_for_event(quiz.event)
    if quiz.community is not None:
        return shop_for_community(quiz.community)
    return shop_of(quiz.street) if quiz.street is not None else None


# ---------------------------------------------------------------- earning rules


def rule_on(shop: Shop, day: date) -> EarningRule | None:
    """The shop's rule in force on ``day``: the latest that took effect on or before it."""
    return db.session.scalar(
        db.select(EarningRule)
        .where(EarningRule.shop_id == shop.id, EarningRule.effective_on <= day)
        .order_by(EarningRule.effective_on.desc())
        .limit(1)
    )


def rules_of(shop: Shop) -> list[EarningRule]:
    return list(
        db.session.scalars(
            db.select(EarningRule)
            .where(EarningRule.shop_id == shop.id)
            .order_by(EarningRule.effective_on.desc())
        )
    )


def set_rule(actor, shop: Shop, effective_on: date, now: datetime | None = None, **values):
    """Add a version of the rules from ``effective_on``: today or later, after the last one."""
    today = to_local(now or utcnow()).date()
    lock_row(Shop, shop.id)  # two keepers at once: one version a day
    latest = db.session.scalar(
        db.select(func.max(EarningRule.effective_on)).where(EarningRule.shop_id == shop.id)
    )
    if effective_on < today or (latest is not None and effective_on <= latest):
        raise RuleNotForward()
    rule = EarningRule(shop_id=shop.id, effective_on=effective_on, created_by_id=actor.id, **values)
    db.session.add(rule)
    db.session.flush()
    return rule


def _add_months(moment: datetime, months: int) -> datetime:
    local = to_local(moment)
    month = local.month - 1 + months
    year, month = local.year + month // 12, month % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return from_local(local.replace(tzinfo=None, year=year, month=month, day=day))


# ---------------------------------------------------------------- the ledger


def _balance_row(user_id: int, shop_id: int) -> PointsBalance:
    """The account's balance row, created at zero the first time (once, under races)."""

    def find():
        return db.session.scalar(
            db.select(PointsBalance).where(
                PointsBalance.user_id == user_id, PointsBalance.shop_id == shop_id
            )
        )

    return find() or insert_once(PointsBalance(user_id=user_id, shop_id=shop_id), find)


def _move_balance(user_id: int, shop_id: int, amount: int) -> bool:
    """Add ``amount`` to the balance with one guarded UPDATE; False if it would go below zero."""
    row = _balance_row(user_id, shop_id)
    result = db.session.execute(
        update(PointsBalance)
        .where(PointsBalance.id == row.id, PointsBalance.balance + amount >= 0)
        .values(balance=PointsBalance.balance + amount)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(row, ["balance"])
    return result.rowcount == 1


def _post(entry: PointsEntry) -> PointsEntry:
    """Write a ledger entry and move the balance in the same transaction; refuses to overdraw."""
    if not _move_balance(entry.user_id, entry.shop_id, entry.amount):
        raise NotEnoughPoints()
    db.session.add(entry)
    db.session.flush()
    return entry


def balance_of(user_id: int, shop_id: int) -> int:
    return (
        db.session.scalar(
            db.select(PointsBalance.balance).where(
                PointsBalance.user_id == user_id, PointsBalance.shop_id == shop_id
            )
        )
        or 0
    )


def _earned_in_year(user_id: int, shop_id: int, year: int) -> int:
    start = from_local(datetime(year, 1, 1))
    end = from_local(datetime(year + 1, 1, 1))
    return (
        db.session.scalar(
            db.select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(
                PointsEntry.user_id == user_id,
                PointsEntry.shop_id == shop_id,
                PointsEntry.reason.in_(EARNING),
                PointsEntry.created_at >= start,
                PointsEntry.created_at < end,
            )
        )
        or 0
    )


def _lock_account(user_id: int, shop_id: int) -> PointsBalance:
    """Lock a person's balance row at a shop: what reads the account before writing to it (the
    yearly cap, a reversal, expiry) runs one at a time per account."""
    return lock_row(PointsBalance, _balance_row(user_id, shop_id).id)


def _earn(user_id, shop, rule, reason, amount, now, **source) -> PointsEntry | None:
    """Post earned points under ``rule``, within its yearly cap, expiring as it says."""
    _lock_account(user_id, shop.id)
    limited = False
    if rule.yearly_cap is not None:
        room = rule.yearly_cap - _earned_in_year(user_id, shop.id, to_local(now).year)
        if amount > room:
            amount, limited = max(room, 0), True
    if amount <= 0:
        return None
    expires_at = _add_months(now, rule.expiry_months) if rule.expiry_months else None
    entry = PointsEntry(
        user_id=user_id,
        shop_id=shop.id,
        amount=amount,
        reason=reason,
        rule_id=rule.id,
        expires_at=expires_at,
        limited=limited,
        created_at=now,
        **source,
    )
    return _post(entry)


def points_for_minutes(rule: EarningRule, minutes: int) -> int:
    """Points for service hours: per hour, for whole quarter hours, rounded down."""
    return rule.per_hour * (minutes or 0) // 60


def _service_entries(signup_id: int) -> list[PointsEntry]:
    return list(
        db.session.scalars(
            db.select(PointsEntry)
            .where(PointsEntry.signup_id == signup_id, PointsEntry.reason == EntryReason.SERVICE)
            .order_by(PointsEntry.id)
        )
    )


def on_hours_credited(signup, now: datetime | None = None) -> PointsEntry | None:
    """Bring a sign-up's service points in line with its credited hours (the sign-up row is
    locked by the credit): more hours earn the difference, fewer write a reversing entry.

    The rule is the one in force on the service date, or the one the first entry used (so a
    correction never applies a later rule backwards).
    """
    now = now or utcnow()
    event = signup.shift.event
    shop = shop_for_event(event)
    if shop is None:
        return None
    entries = _service_entries(signup.id)
    rule = entries[0].rule if entries else rule_on(shop, to_local(signup.shift.starts_at).date())
    if rule is None:
        return None
    held = sum(e.amount for e in entries)
    delta = points_for_minutes(rule, signup.minutes or 0) - held
    if delta > 0:
        return _earn(
            signup.user_id,
            shop,
            rule,
            EntryReason.SERVICE,
            delta,
            now,
            signup_id=signup.id,
            note=event.title[:200],
        )
    if delta < 0:
        # Take back what the balance still holds (spent points stay spent: marked "limited").
        take = min(-delta, _lock_account(signup.user_id, shop.id).balance)
        if take == 0:
            return None
        return _post(
            PointsEntry(
                user_id=signup.user_id,
                shop_id=shop.id,
                amount=-take,
                reason=EntryReason.SERVICE,
                rule_id=rule.id,
                signup_id=signup.id,
                note=event.title[:200],
                limited=take < -delta,
                created_at=now,
            )
        )
    return None


def on_audience_attended(booking, now: datetime | None = None) -> PointsEntry | None:
    """Points for an event attended as audience (a confirmed booking of a completed event); once a
    booking."""
    now = now or utcnow()
    shop = shop_for_event(booking.event)
    rule = shop and rule_on(shop, to_local(booking.event.starts_at).date())
    if rule is None or rule.per_audience <= 0:
        return None
    found = db.session.scalar(
        db.select(PointsEntry.id).where(
            PointsEntry.seat_booking_id == booking.id, PointsEntry.reason == EntryReason.AUDIENCE
        )
    )
    if found is not None:
        return None
    return _earn(
        booking.user_id,
        shop,
        rule,
        EntryReason.AUDIENCE,
        rule.per_audience,
        now,
        seat_booking_id=booking.id,
        note=booking.event.title[:200],
    )


def on_attempt_finished(attempt, now: datetime | None = None) -> PointsEntry | None:
    """Points for a quiz passed by a signed-in person: once a quiz and person."""
    if not attempt.passed or attempt.user_id is None:
        return None
    now = now or utcnow()
    shop = shop_for_quiz(attempt.quiz)
    rule = shop and rule_on(shop, to_local(now).date())
    if rule is None or rule.per_quiz <= 0:
        return None
    _lock_account(attempt.user_id, shop.id)  # one award at a time
    found = db.session.scalar(
        db.select(PointsEntry.id).where(
            PointsEntry.user_id == attempt.user_id,
            PointsEntry.quiz_id == attempt.quiz_id,
            PointsEntry.reason == EntryReason.QUIZ,
        )
    )
    if found is not None:
        return None
    return _earn(
        attempt.user_id,
        shop,
        rule,
        EntryReason.QUIZ,
        rule.per_quiz,
        now,
        quiz_id=attempt.quiz_id,
        attempt_id=attempt.id,
        note=attempt.quiz.title[:200],
    )


# ---------------------------------------------------------------- spending


def spend(user_id: int, shop_id: int, redemption: Redemption) -> PointsEntry:
    """Take a redemption's points from the balance (refused when they are not there)."""
    return _post(
        PointsEntry(
            user_id=user_id,
            shop_id=shop_id,
            amount=-redemption.points,
            reason=EntryReason.REDEEMED,
            redemption_id=redemption.id,
            note=redemption.item.name,
        )
    )


def give_back(redemption: Redemption, now: datetime) -> PointsEntry:
    """Return a released redemption's points with a counter-entry."""
    return _post(
        PointsEntry(
            user_id=redemption.user_id,
            shop_id=redemption.shop_id,
            amount=redemption.points,
            reason=EntryReason.RELEASED,
            redemption_id=redemption.id,
            note=redemption.item.name,
            created_at=now,
        )
    )


# ---------------------------------------------------------------- expiry


def _held_by_entry(user_id: int, shop_id: int) -> dict[int, tuple[PointsEntry, int]]:
    """How much of each unexpired earning entry the balance still holds: spending takes the
    points that expire first, so the balance holds the latest-expiring ones."""
    entries = db.session.scalars(
        db.select(PointsEntry).where(
            PointsEntry.user_id == user_id,
            PointsEntry.shop_id == shop_id,
            PointsEntry.reason.in_(EARNING),
            PointsEntry.amount > 0,
        )
    ).all()
    expired = set(
        db.session.scalars(
            db.select(PointsEntry.expires_entry_id).where(
                PointsEntry.user_id == user_id,
                PointsEntry.shop_id == shop_id,
                PointsEntry.reason == EntryReason.EXPIRED,
            )
        )
    )
    never = datetime.max.replace(tzinfo=UTC)
    remaining = balance_of(user_id, shop_id)
    held = {}
    for entry in sorted(entries, key=lambda e: (e.expires_at or never, e.id), reverse=True):
        if entry.id in expired:
            continue
        part = min(entry.amount, remaining)
        remaining -= part
        held[entry.id] = (entry, part)
    return held


@dataclass(frozen=True)
class Due:
    shop: Shop
    points: int
    expires_at: datetime


def due_to_expire(user, now: datetime | None = None, within: timedelta = DUE_SOON) -> list[Due]:
    """A person's points that expire within ``within``, by shop and date."""
    horizon = (now or utcnow()) + within
    due = []
    for balance in balances_of(user):
        for entry, part in _held_by_entry(user.id, balance.shop_id).values():
            if part > 0 and entry.expires_at is not None and entry.expires_at <= horizon:
                due.append(Due(balance.shop, part, entry.expires_at))
    return sorted(due, key=lambda d: d.expires_at)


def expire_points(now: datetime | None = None) -> int:
    """Expire the held part of every earning entry past its date, once (a unique index guards
    each entry's expiry); returns how many entries this run wrote. Safe to run twice."""
    now = now or utcnow()
    accounts = db.session.execute(
        db.select(PointsEntry.user_id, PointsEntry.shop_id)
        .where(PointsEntry.expires_at <= now, PointsEntry.reason.in_(EARNING))
        .distinct()
    ).all()
    written = 0
    for user_id, shop_id in accounts:
        _lock_account(user_id, shop_id)  # one run at a time an account
        for entry, part in _held_by_entry(user_id, shop_id).values():
            if part <= 0 or entry.expires_at is None or entry.expires_at > now:
                continue
            _post(
                PointsEntry(
                    user_id=user_id,
                    shop_id=shop_id,
                    amount=-part,
                    reason=EntryReason.EXPIRED,
                    expires_entry_id=entry.id,
                    created_at=now,
                )
            )
            written += 1
    return written


# ---------------------------------------------------------------- a person's points


def balances_of(user) -> list[PointsBalance]:
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            db.select(PointsBalance)
            .where(PointsBalance.user_id == user.id)
            .options(
                joinedload(PointsBalance.shop).joinedload(Shop.community),
                joinedload(PointsBalance.shop).joinedload(Shop.street),
            )
            .order_by(PointsBalance.shop_id)
        )
    )


def ledger_of(user, limit: int = 100) -> list[PointsEntry]:
    """A person's latest ledger entries, newest first."""
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            db.select(PointsEntry)
            .where(PointsEntry.user_id == user.id)
            .options(
                joinedload(PointsEntry.shop).joinedload(Shop.community),
                joinedload(PointsEntry.shop).joinedload(Shop.street),
            )
            .order_by(PointsEntry.id.desc())
            .limit(limit)
        )
    )


# ---------------------------------------------------------------- the audit


def audit(now: datetime | None = None) -> list[str]:
    """Recompute every balance from the ledger and every service entry from its service record;
    one line per difference (none when everything agrees)."""
    from planner.signups.models import ServiceRecord

    problems = []
    sums = dict(
        ((u, s), total)
        for u, s, total in db.session.execute(
            db.select(
                PointsEntry.user_id, PointsEntry.shop_id, func.sum(PointsEntry.amount)
            ).group_by(PointsEntry.user_id, PointsEntry.shop_id)
        )
    )
    rows = {(b.user_id, b.shop_id): b.balance for b in db.session.scalars(db.select(PointsBalance))}
    for account in sorted(set(sums) | set(rows)):
        if sums.get(account, 0) != rows.get(account, 0):
            problems.append(
                f"balance user={account[0]} shop={account[1]}: row {rows.get(account, 0)},"
                f" ledger {sums.get(account, 0)}"
            )
    by_signup = defaultdict(list)
    for entry in db.session.scalars(
        db.select(PointsEntry).where(PointsEntry.reason == EntryReason.SERVICE)
    ):
        by_signup[entry.signup_id].append(entry)
    records = {
        r.signup_id: r
        for r in db.session.scalars(
            db.select(ServiceRecord).where(ServiceRecord.signup_id.in_(list(by_signup)))
        )
    }
    for signup_id, entries in sorted(by_signup.items()):
        record = records.get(signup_id)
        first = min(entries, key=lambda e: e.id)
        expected = points_for_minutes(first.rule, record.minutes) if record else 0
        held = sum(e.amount for e in entries)
        if held != expected and not any(e.limited for e in entries):
            problems.append(
                f"service points signup={signup_id}: ledger {held}, service record {expected}"
            )
    problems += _unrewarded_service(set(by_signup))
    for redemption_id, status, points, total in db.session.execute(
        db.select(Redemption.id, Redemption.status, Redemption.points, func.sum(PointsEntry.amount))
        .outerjoin(PointsEntry, PointsEntry.redemption_id == Redemption.id)
        .group_by(Redemption.id, Redemption.status, Redemption.points)
    ):
        expected = 0 if status is RedemptionStatus.RELEASED else -points
        if (total or 0) != expected:
            problems.append(f"redemption {redemption_id}: ledger {total or 0}, expected {expected}")
    return problems


def _unrewarded_service(rewarded: set[int]) -> list[str]:
    """Service records whose hours earn points under a rule that existed when they were credited,
    yet have no ledger entry."""
    from planner.directory.models import Community
    from planner.events.models import Event
    from planner.signups.models import ServiceRecord

    shops = {s.organisation_kind_and_id: s.id for s in db.session.scalars(db.select(Shop))}
    rules = defaultdict(list)
    for rule in db.session.scalars(db.select(EarningRule).order_by(EarningRule.effective_on)):
        rules[rule.shop_id].append(rule)
    problems = []
    for signup_id, minutes, day, updated_at, community_id, street_id in db.session.execute(
        db.select(
            ServiceRecord.signup_id,
            ServiceRecord.minutes,
            ServiceRecord.service_date,
            ServiceRecord.updated_at,
            Community.id,
            Community.street_id,
        )
        .join(Event, Event.id == ServiceRecord.event_id)
        .join(Community, Community.id == Event.community_id)
        .where(ServiceRecord.signup_id.is_not(None), ServiceRecord.minutes > 0)
    ):
        if signup_id in rewarded:
            continue
        shop_id = shops.get(("community", community_id)) or shops.get(("street", street_id))
        in_force = [r for r in rules.get(shop_id, []) if r.effective_on <= day]
        rule = in_force[-1] if in_force else None
        if rule and rule.created_at <= updated_at and points_for_minutes(rule, minutes) > 0:
            problems.append(f"service points signup={signup_id}: no ledger entry")
    return problems


def ledger_data(user) -> list[dict]:
    """Every ledger entry of the person, oldest first, for their data download."""
    entries = db.session.scalars(
        db.select(PointsEntry).where(PointsEntry.user_id == user.id).order_by(PointsEntry.id)
    )
    return [
        {
            "shop_id": e.shop_id,
            "amount": e.amount,
            "reason": e.reason.value,
            "note": e.note,
            "at": e.created_at.isoformat(),
            "expires_at": e.expires_at.isoformat() if e.expires_at else None,
        }
        for e in entries
    ]
