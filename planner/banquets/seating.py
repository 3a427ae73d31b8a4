"""A banquet's tables: seating households in booking order, each party together, and moves."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.models import User
from planner.banquets.models import BanquetTable, DishClaim, MenuPlan, TableGuest
from planner.banquets.plans import lock_plan
from planner.events.models import Event
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups.models import SeatBooking, SeatStatus


class NoSuchHousehold(DomainError):
    message = _l("That household has no confirmed seats at this banquet.")


class TableFull(DomainError):
    field = "table"

    def __init__(self, number: int, free: int):
        super().__init__(
            _l("Table %(number)d has only %(free)d seats free.", number=number, free=free)
        )


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
    return seat_unseated(event, plan)


def seat_unseated(event: Event, plan: MenuPlan) -> int:
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


def tables_assigned(event: Event) -> bool:
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


def table_number_of(event: Event | int, user: User) -> int | None:
    """The household's table number, once tables are assigned (``event``: the event or its id)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        db.select(BanquetTable.number)
        .join(TableGuest, TableGuest.table_id == BanquetTable.id)
        .join(SeatBooking, SeatBooking.id == TableGuest.booking_id)
        .where(
            BanquetTable.event_id == getattr(event, "id", event),
            SeatBooking.user_id == user.id,
            SeatBooking.status == SeatStatus.CONFIRMED,
        )
    )
