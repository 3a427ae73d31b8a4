"""The banquet's dishes: a household claims one under the plan's limits, the menu as it fills
with its no-waste figures, the day-before reminders and what the event page says.

A household is a resident holding confirmed audience seats (``planner.signups.bookings``). A claim
first locks the event's plan (``plans.lock_plan``), then takes its place with a guarded
``UPDATE … WHERE claimed < wanted`` whose row count decides; the database holds the same limit
(``CHECK claimed BETWEEN 0 AND wanted``; one claim a household per event). The menu plan is in
``plans.py``, tables in ``seating.py``, leftovers in ``waste.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.banquets import notices
from planner.banquets.models import BanquetTable, DishCategory, DishClaim, MenuPlan, TableGuest
from planner.banquets.names import TAGS, category_name
from planner.banquets.plans import lock_plan, takes_dishes
from planner.banquets.seating import seat_unseated, tables_assigned
from planner.banquets.waste import Leftovers, leftovers_of
from planner.events.models import Event, EventStatus
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups import reports as signup_reports
from planner.signups.models import SeatBooking, SeatStatus
from planner.timeutil import utcnow

MAX_PLATES = 5


class SeatsFirst(DomainError):
    message = _l("Book seats first: the households with confirmed seats bring the dishes.")


class ClaimsClosed(DomainError):
    message = _l("The cut-off has passed: dishes can no longer be claimed, changed or withdrawn.")


class NoClaim(DomainError):
    message = _l("You have not claimed a dish.")


class UnknownCategory(DomainError):
    message = _l("Choose one of the menu's categories.")
    field = "category"


class UnknownTag(DomainError):
    message = _l("Choose tags from the list.")
    field = "tags"


class CategoryFull(DomainError):
    """The category has all the dishes it wants; says which are still needed."""

    field = "category"

    def __init__(self, category: DishCategory, needed: list[DishCategory]):
        if needed:
            message = _l(
                "“%(category)s” has all the dishes it needs. Still needed: %(needed)s.",
                category=category_name(category),
                needed=", ".join(f"{category_name(c)} ({c.still_needed})" for c in needed),
            )
        else:
            message = _l(
                "“%(category)s” has all the dishes it needs, and so has every other category.",
                category=category_name(category),
            )
        super().__init__(message)


# ---------------------------------------------------------------- claims


def claims_close_at(event: Event) -> datetime:
    """Dishes may be claimed, changed and withdrawn until the event's cancellation cut-off."""
    return event.starts_at - timedelta(minutes=event.cancellation_cutoff_minutes)


def claims_open(event: Event, now=None) -> bool:
    return (now or utcnow()) < claims_close_at(event)


def household_booking(event: Event, user: User) -> SeatBooking | None:
    """The user's confirmed seat booking for the event: what makes them a household."""
    booking = signup_reports.my_seats_for(event, user)
    return booking if booking is not None and booking.status is SeatStatus.CONFIRMED else None


def claim_of(event: Event, user: User) -> DishClaim | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        db.select(DishClaim)
        .where(DishClaim.event_id == event.id, DishClaim.user_id == user.id)
        .options(joinedload(DishClaim.category))
    )


def _take(category: DishCategory) -> bool:
    result = db.session.execute(
        update(DishCategory)
        .where(DishCategory.id == category.id, DishCategory.claimed < DishCategory.wanted)
        .values(claimed=DishCategory.claimed + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(category, ["claimed"])
    return result.rowcount == 1


def _release(category: DishCategory) -> None:
    db.session.execute(
        update(DishCategory)
        .where(DishCategory.id == category.id)
        .values(claimed=DishCategory.claimed - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(category, ["claimed"])


def _check_tags(tags: list[str]) -> str:
    if any(t not in TAGS for t in tags):
        raise UnknownTag()
    return ",".join(t for t in TAGS if t in tags)


def claim_dish(
    event: Event,
    user: User,
    *,
    category_id: int,
    name: str,
    plates: int,
    tags: list[str],
    now=None,
) -> DishClaim:
    """Claim (or change) the household's dish: a place in the category while it wants more."""
    if not claims_open(event, now):
        raise ClaimsClosed()
    plan = lock_plan(event.id)
    if household_booking(event, user) is None:
        raise SeatsFirst()
    category = next((c for c in plan.categories if c.id == category_id), None)
    if category is None:
        raise UnknownCategory()
    tag_text = _check_tags(tags)
    claim = claim_of(event, user)
    if claim is None or claim.category_id != category.id:
        if not _take(category):
            needed = [c for c in plan.categories if c.still_needed and c.id != category.id]
            raise CategoryFull(category, needed)
        if claim is not None:
            _release(claim.category)
    if claim is None:
        claim = DishClaim(event_id=event.id, user=user, revision=1)
        db.session.add(claim)
    else:
        claim.revision += 1
    claim.category = category
    claim.name, claim.plates, claim.tags = name, plates, tag_text
    db.session.flush()
    if tables_assigned(event):
        # Tables are set: a household claiming now gets its table at once (first with room).
        seat_unseated(event, plan)
    notices.notify_claimed(claim, event)
    return claim


def withdraw_dish(event: Event, user: User, *, now=None) -> None:
    """Withdraw the household's dish, freeing its place in the category."""
    if not claims_open(event, now):
        raise ClaimsClosed()
    lock_plan(event.id)
    claim = claim_of(event, user)
    if claim is None:
        raise NoClaim()
    _release(claim.category)
    db.session.delete(claim)
    db.session.flush()


def household_left(booking: SeatBooking) -> None:
    """A household cancelled its seats: its dish is withdrawn and it leaves its table."""
    claim = db.session.scalar(
        db.select(DishClaim).where(
            DishClaim.event_id == booking.event_id, DishClaim.user_id == booking.user_id
        )
    )
    seated = db.session.scalar(db.select(TableGuest.id).where(TableGuest.booking_id == booking.id))
    if claim is None and seated is None:
        return
    lock_plan(booking.event_id)
    if claim is not None:
        _release(claim.category)
        db.session.delete(claim)
    db.session.execute(db.delete(TableGuest).where(TableGuest.booking_id == booking.id))
    db.session.flush()


# ---------------------------------------------------------------- the menu as it fills


@dataclass
class NoWaste:
    """Plates against the guideline: N + extra plates for a table of N people."""

    people: int  # confirmed seats
    tables: int  # the tables they fill
    plates: int  # claimed so far
    guideline: int  # for the people who booked
    plates_wanted: int  # one a dish the plan wants, at least
    full_guideline: int  # for the planned tables, full

    @property
    def per_table(self) -> float:
        return self.plates / self.tables

    @property
    def guideline_per_table(self) -> float:
        return self.guideline / self.tables

    @property
    def well_over(self) -> bool:
        """More than a plate a table over the guideline, now or in the plan: the organiser is
        warned."""
        return (
            self.plates > self.guideline + self.tables or self.plates_wanted > self.full_guideline
        )


@dataclass
class Menu:
    event: Event
    plan: MenuPlan
    claims: dict[int, list[DishClaim]] = field(default_factory=dict)  # by category id
    no_waste: NoWaste | None = None

    @property
    def still_needed(self) -> list[DishCategory]:
        return [c for c in self.plan.categories if c.still_needed]

    @property
    def dishes(self) -> int:
        return sum(len(v) for v in self.claims.values())


def menu_of(event: Event, plan: MenuPlan) -> Menu:
    """The plan's categories with their claims (households loaded) and the no-waste figures."""
    claims = db.session.scalars(
        db.select(DishClaim)
        .where(DishClaim.event_id == event.id)
        .options(joinedload(DishClaim.user))
        .order_by(DishClaim.category_id, DishClaim.id)
    ).all()
    menu = Menu(event=event, plan=plan)
    for category in plan.categories:
        menu.claims[category.id] = []
    for claim in claims:
        menu.claims.setdefault(claim.category_id, []).append(claim)
    people = event.seats_confirmed
    tables = max(math.ceil(people / plan.seats_per_table), 1)
    full = max(plan.tables_planned, 1)
    menu.no_waste = NoWaste(
        people=people,
        tables=tables,
        plates=sum(c.plates for c in claims),
        guideline=people + plan.extra_plates * tables,
        plates_wanted=sum(c.wanted for c in plan.categories),
        full_guideline=full * (plan.seats_per_table + plan.extra_plates),
    )
    return menu


# ---------------------------------------------------------------- reminders


def send_reminders(start: datetime, end: datetime) -> int:
    """Remind every household of a banquet starting in [start, end) of its table and dish."""
    bookings = db.session.execute(
        db.select(SeatBooking, BanquetTable.number)
        .join(Event, Event.id == SeatBooking.event_id)
        .join(MenuPlan, MenuPlan.event_id == Event.id)
        .outerjoin(TableGuest, TableGuest.booking_id == SeatBooking.id)
        .outerjoin(BanquetTable, BanquetTable.id == TableGuest.table_id)
        .where(
            SeatBooking.status == SeatStatus.CONFIRMED,
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at >= start,
            Event.starts_at < end,
        )
        .options(joinedload(SeatBooking.user), joinedload(SeatBooking.event))
        .order_by(SeatBooking.id)
    ).all()
    if not bookings:
        return 0
    claims = {
        (c.event_id, c.user_id): c
        for c in db.session.scalars(
            db.select(DishClaim)
            .where(DishClaim.event_id.in_({b.event_id for b, _n in bookings}))
            .options(joinedload(DishClaim.category))
        )
    }
    for booking, number in bookings:
        notices.notify_reminder(booking, number, claims.get((booking.event_id, booking.user_id)))
    return len(bookings)


# ---------------------------------------------------------------- the event page


@dataclass(frozen=True)
class DishesLink:
    enabled: bool  # *Dishes* is on (else only its organisers are offered to turn it on)
    leftovers: Leftovers | None = None  # once recorded, after the banquet


def dishes_link(event: Event) -> DishesLink | None:
    """What the event page says of the banquet's dishes: None when it takes none. The household's
    own table is a hole of the page (planner/banquets/personal.py)."""
    if not takes_dishes(event):
        return None
    if db.session.scalar(db.select(MenuPlan.id).where(MenuPlan.event_id == event.id)) is None:
        return DishesLink(enabled=False)
    return DishesLink(enabled=True, leftovers=leftovers_of(event))


def claims_data(user: User) -> list[dict]:
    """The person's dish claims, for their data download."""
    claims = db.session.scalars(
        db.select(DishClaim)
        .where(DishClaim.user_id == user.id)
        .options(joinedload(DishClaim.category))
        .order_by(DishClaim.id)
    )
    return [
        {
            "event_id": c.event_id,
            "category": c.category.name_zh,
            "dish": c.name,
            "plates": c.plates,
            "tags": c.tags,
            "claimed_at": c.created_at.isoformat(),
        }
        for c in claims
    ]
