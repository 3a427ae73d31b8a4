"""The banquet's rules: the menu plan, claiming a dish under the plan's limits, tables, no waste.

Every change to an event's dishes or tables first locks its ``MenuPlan`` row (``lock_plan``:
``planner.database.lock_row``), so the checks that follow are serialised; a claim then takes its
place with a guarded ``UPDATE … WHERE claimed < wanted`` whose row count decides, and the database
holds the same limit (``CHECK claimed BETWEEN 0 AND wanted``; one claim a household per event).
A household is a resident holding confirmed audience seats (``planner.signups.bookings``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.models import User
from planner.banquets import notices
from planner.banquets.models import BanquetTable, DishCategory, DishClaim, MenuPlan, TableGuest
from planner.banquets.names import TAGS, category_name
from planner.database import insert_once, lock_row
from planner.events.models import Event, EventKind, EventStatus
from planner.events.timing import has_ended
from planner.events.workflow import touch
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups import reports as signup_reports
from planner.signups.models import SeatBooking, SeatStatus
from planner.timeutil import utcnow

# The menu a plan starts with: 中文, English, dishes wanted.
DEFAULT_CATEGORIES = (
    ("凉菜", "Cold dishes", 6),
    ("热菜", "Hot dishes", 12),
    ("主食", "Staples", 4),
    ("汤", "Soups", 3),
    ("点心/甜品", "Snacks and desserts", 4),
    ("饮品", "Drinks", 3),
)
MAX_PLATES = 5


class NotABanquet(DomainError):
    message = _l("Dishes are for neighbourhood banquets that take audience seats.")


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


class BadMenuLine(DomainError):
    field = "categories"

    def __init__(self, number: int):
        super().__init__(
            _l(
                "Line %(line)d: write the category as 名称 | English name | dishes wanted (0–500).",
                line=number,
            )
        )


class CategoryHasClaims(DomainError):
    field = "categories"

    def __init__(self, category: DishCategory):
        super().__init__(
            _l(
                "“%(category)s” already has %(claimed)d dishes claimed: it cannot want fewer or go.",
                category=category.name_zh,
                claimed=category.claimed,
            )
        )


class NoCategories(DomainError):
    message = _l("The menu needs at least one category.")
    field = "categories"


class NoSuchHousehold(DomainError):
    message = _l("That household has no confirmed seats at this banquet.")


class TableFull(DomainError):
    field = "table"

    def __init__(self, number: int, free: int):
        super().__init__(
            _l("Table %(number)d has only %(free)d seats free.", number=number, free=free)
        )


class NotEnded(DomainError):
    message = _l("Leftovers are recorded after the banquet has ended.")


class TooManyLeftovers(DomainError):
    field = "leftover_plates"

    def __init__(self, served: int):
        super().__init__(_l("At most the %(served)d plates served can come back.", served=served))


# ---------------------------------------------------------------- the plan


def plan_of(event: Event) -> MenuPlan | None:
    """The event's menu plan with its categories, or None while *Dishes* is off."""
    return db.session.scalar(
        db.select(MenuPlan)
        .where(MenuPlan.event_id == event.id)
        .options(selectinload(MenuPlan.categories))
    )


def lock_plan(event_id: int) -> MenuPlan:
    """Lock the event's plan (all its claims and tables) for the rest of the transaction."""
    plan_id = db.session.scalar(db.select(MenuPlan.id).where(MenuPlan.event_id == event_id))
    if plan_id is None:
        raise NotABanquet()
    return lock_row(MenuPlan, plan_id, selectinload(MenuPlan.categories))


def takes_dishes(event: Event) -> bool:
    return event.kind is EventKind.BANQUET and bool(event.seats_capacity)


def enable_dishes(event: Event) -> MenuPlan:
    """Turn *Dishes* on with the default menu; a second request gets the first one's plan."""
    if not takes_dishes(event):
        raise NotABanquet()
    plan = MenuPlan(
        event_id=event.id,
        tables_planned=math.ceil(event.seats_capacity / 10),
        categories=[
            DishCategory(position=i, name_zh=zh, name_en=en, wanted=wanted)
            for i, (zh, en, wanted) in enumerate(DEFAULT_CATEGORIES)
        ],
    )
    plan = insert_once(plan, lambda: plan_of(event))
    touch(event, bump=False)  # the event page (cached for visitors) links to the dishes now
    return plan


def menu_lines(plan: MenuPlan) -> str:
    """The categories as the plan form writes them: one ``名称 | English | wanted`` a line."""
    return "\n".join(f"{c.name_zh} | {c.name_en} | {c.wanted}" for c in plan.categories)


_LINE = re.compile(r"^([^|]{1,20}?)\s*\|\s*([^|]{0,40}?)\s*\|\s*(\d{1,3})$")


def parse_menu_lines(text: str) -> list[tuple[str, str, int]]:
    """``名称 | English | wanted`` lines into (中文, English, wanted); blank lines are skipped."""
    rows: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None or int(match[3]) > 500 or match[1].strip() in seen:
            raise BadMenuLine(number)
        seen.add(match[1].strip())
        rows.append((match[1].strip(), match[2].strip(), int(match[3])))
    if not rows:
        raise NoCategories()
    return rows


def save_plan(
    event: Event,
    *,
    lines: str,
    seats_per_table: int,
    tables_planned: int,
    extra_plates: int,
    notes: str,
) -> MenuPlan:
    """Set the menu: categories kept by their Chinese name, none wanting fewer than claimed."""
    rows = parse_menu_lines(lines)
    plan = lock_plan(event.id)
    existing = {c.name_zh: c for c in plan.categories}
    wanted_names = {zh for zh, _en, _wanted in rows}
    for category in plan.categories:
        if category.name_zh not in wanted_names and category.claimed:
            raise CategoryHasClaims(category)
    for position, (zh, en, wanted) in enumerate(rows):
        category = existing.get(zh)
        if category is None:
            category = DishCategory(name_zh=zh)
            plan.categories.append(category)
        elif wanted < category.claimed:
            raise CategoryHasClaims(category)
        category.name_en, category.wanted, category.position = en, wanted, position
    for category in list(plan.categories):
        if category.name_zh not in wanted_names:
            plan.categories.remove(category)
    plan.seats_per_table = seats_per_table
    plan.tables_planned = tables_planned
    plan.extra_plates = extra_plates
    plan.notes = notes
    db.session.flush()
    return plan


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
    if _tables_assigned(event):
        # Tables are set: a household claiming now gets its table at once (first with room).
        _seat_unseated(event, plan)
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


# ---------------------------------------------------------------- tables


@dataclass
class TableRow:
    table: BanquetTable
    bookings: list[SeatBooking]

    @property
    def used(self) -> int:
        return sum(b.party_size for b in self.bookings)

    @property
    def free(self) -> int:
        return self.table.seats - self.used


@dataclass
class TablePlan:
    rows: list[TableRow]
    unseated: list[SeatBooking]
    claims: dict[int, DishClaim]  # by user id


def _households(event: Event) -> list[SeatBooking]:
    """Confirmed seat bookings in booking order, with their residents."""
    return db.session.scalars(
        db.select(SeatBooking)
        .where(SeatBooking.event_id == event.id, SeatBooking.status == SeatStatus.CONFIRMED)
        .options(joinedload(SeatBooking.user))
        .order_by(SeatBooking.arrival, SeatBooking.id)
    ).all()


def table_plan(event: Event) -> TablePlan:
    """The tables in order with their households; confirmed households not yet seated."""
    households = _households(event)
    by_id = {b.id: b for b in households}
    tables = db.session.scalars(
        db.select(BanquetTable)
        .where(BanquetTable.event_id == event.id)
        .options(selectinload(BanquetTable.guests))
        .order_by(BanquetTable.number)
    ).all()
    seated: set[int] = set()
    rows = []
    for table in tables:
        mine = [by_id[g.booking_id] for g in table.guests if g.booking_id in by_id]
        mine.sort(key=lambda b: (b.arrival, b.id))
        seated.update(b.id for b in mine)
        rows.append(TableRow(table, mine))
    claims = db.session.scalars(
        db.select(DishClaim)
        .where(DishClaim.event_id == event.id)
        .options(joinedload(DishClaim.category))
    ).all()
    return TablePlan(
        rows=rows,
        unseated=[b for b in households if b.id not in seated],
        claims={c.user_id: c for c in claims},
    )


def _drop_stale_guests(event: Event) -> None:
    """Households whose seats are no longer confirmed leave their tables."""
    live = db.select(SeatBooking.id).where(
        SeatBooking.event_id == event.id, SeatBooking.status == SeatStatus.CONFIRMED
    )
    tables = db.select(BanquetTable.id).where(BanquetTable.event_id == event.id)
    db.session.execute(
        db.delete(TableGuest).where(
            TableGuest.table_id.in_(tables), TableGuest.booking_id.not_in(live)
        )
    )


def assign_tables(event: Event, *, afresh: bool = False) -> int:
    """Seat households in booking order, each party together at the first table with room.

    A party larger than a table gets a table of its own (shown over its seats). ``afresh``
    undoes every earlier assignment and move first. Returns how many households were seated."""
    plan = lock_plan(event.id)
    if afresh:
        tables = db.select(BanquetTable.id).where(BanquetTable.event_id == event.id)
        db.session.execute(db.delete(TableGuest).where(TableGuest.table_id.in_(tables)))
    return _seat_unseated(event, plan)


def _seat_unseated(event: Event, plan: MenuPlan) -> int:
    """Seat the confirmed households without a table (plan locked); returns how many."""
    _drop_stale_guests(event)
    db.session.expire_all()
    current = table_plan(event)
    rows = current.rows
    for number in range(len(rows) + 1, plan.tables_planned + 1):
        rows.append(_new_table(event, number, plan.seats_per_table))
    for booking in current.unseated:
        row = next((r for r in rows if r.free >= booking.party_size), None)
        if row is None:
            row = next((r for r in rows if not r.bookings), None)
        if row is None:
            number = (rows[-1].table.number if rows else 0) + 1
            row = _new_table(event, number, plan.seats_per_table)
            rows.append(row)
        row.table.guests.append(TableGuest(booking_id=booking.id))
        row.bookings.append(booking)
    db.session.flush()
    return len(current.unseated)


def _tables_assigned(event: Event) -> bool:
    return (
        db.session.scalar(
            db.select(BanquetTable.id).where(BanquetTable.event_id == event.id).limit(1)
        )
        is not None
    )


def _new_table(event: Event, number: int, seats: int) -> TableRow:
    table = BanquetTable(event_id=event.id, number=number, seats=seats)
    db.session.add(table)
    return TableRow(table, [])


def move_household(event: Event, booking_id: int, number: int) -> None:
    """Seat one household at table ``number`` (made when new), if its party fits there."""
    plan = lock_plan(event.id)
    current = table_plan(event)
    booking = next(
        (b for r in current.rows for b in r.bookings if b.id == booking_id), None
    ) or next((b for b in current.unseated if b.id == booking_id), None)
    if booking is None:
        raise NoSuchHousehold()
    row = next((r for r in current.rows if r.table.number == number), None)
    if row is None:
        row = _new_table(event, number, plan.seats_per_table)
        db.session.flush()
    if booking in row.bookings:
        return
    if row.free < booking.party_size and row.bookings:
        raise TableFull(number, max(row.free, 0))
    db.session.execute(db.delete(TableGuest).where(TableGuest.booking_id == booking.id))
    row.table.guests.append(TableGuest(booking_id=booking.id))
    db.session.flush()


def table_number_of(event: Event, user: User) -> int | None:
    """The household's table number, once tables are assigned."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        db.select(BanquetTable.number)
        .join(TableGuest, TableGuest.table_id == BanquetTable.id)
        .join(SeatBooking, SeatBooking.id == TableGuest.booking_id)
        .where(
            BanquetTable.event_id == event.id,
            SeatBooking.user_id == user.id,
            SeatBooking.status == SeatStatus.CONFIRMED,
        )
    )


# ---------------------------------------------------------------- leftovers


@dataclass(frozen=True)
class Leftovers:
    """How much came back: plates served (the dishes' plates) and plates with leftovers."""

    plates_served: int
    leftover_plates: int
    note: str

    @property
    def clean_plate_rate(self) -> float:
        """光盘率: the share of plates that came back empty (1.0 when nothing was served)."""
        if not self.plates_served:
            return 1.0
        return max(self.plates_served - self.leftover_plates, 0) / self.plates_served


def plates_served(event: Event) -> int:
    return db.session.scalar(
        db.select(func.coalesce(func.sum(DishClaim.plates), 0)).where(
            DishClaim.event_id == event.id
        )
    )


def record_leftovers(event: Event, leftover_plates: int, note: str, *, now=None) -> MenuPlan:
    """After the banquet: how many plates came back with food (the clean-plate rate)."""
    now = now or utcnow()
    if not has_ended(event, now):
        raise NotEnded()
    plan = lock_plan(event.id)
    served = plates_served(event)
    if leftover_plates > served:
        raise TooManyLeftovers(served)
    plan.leftover_plates = leftover_plates
    plan.leftovers_note = note
    plan.leftovers_recorded_at = now
    touch(event, bump=False)  # the event page shows the clean-plate rate
    db.session.flush()
    return plan


def leftovers_of(event: Event) -> Leftovers | None:
    """The recorded leftovers and clean-plate rate of a banquet; None until recorded.

    For statistics pages: one query."""
    row = db.session.execute(
        db.select(MenuPlan.leftover_plates, MenuPlan.leftovers_note).where(
            MenuPlan.event_id == event.id, MenuPlan.leftover_plates.is_not(None)
        )
    ).first()
    if row is None:
        return None
    return Leftovers(plates_served(event), row.leftover_plates, row.leftovers_note)


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
    table: int | None = None  # the household's table number, once seated
    leftovers: Leftovers | None = None  # once recorded, after the banquet


def dishes_link(event: Event, user) -> DishesLink | None:
    """What the event page says of the banquet's dishes: None when it takes none."""
    if not takes_dishes(event):
        return None
    if db.session.scalar(db.select(MenuPlan.id).where(MenuPlan.event_id == event.id)) is None:
        return DishesLink(enabled=False)
    return DishesLink(
        enabled=True, table=table_number_of(event, user), leftovers=leftovers_of(event)
    )
