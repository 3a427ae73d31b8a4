"""Transaction helpers for rules that must hold under concurrent requests.

Two tools, used wherever a rule says "one" or "at most N":

- ``lock_row``: lock a row for the rest of the transaction before checking a rule against it
  (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the database's single write lock).
- ``insert_once``: insert a row that a unique index allows once; when a concurrent request inserted
  it first, return the winner's row instead, so the loser gets the winner's page.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from planner.extensions import db

Row = TypeVar("Row")


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def lock_row(model, row_id: int, *options, column=None):
    """Lock one row for the rest of the transaction and return it freshly loaded.

    PostgreSQL takes the row lock with SELECT … FOR UPDATE; SQLite has no row locks, so a no-op
    UPDATE of the row (of ``column``, the primary key unless named) takes the database's write lock
    first, waiting under busy_timeout.
    """
    db.session.flush()  # pending edits to the row go first: the fresh load must not drop them
    if _is_sqlite():
        column = model.id if column is None else column
        db.session.execute(
            update(model)
            .where(model.id == row_id)
            .values({column: column})
            .execution_options(synchronize_session=False)
        )
    return db.session.scalars(
        db.select(model)
        .where(model.id == row_id)
        .options(*options)
        .with_for_update(of=model)
        .execution_options(populate_existing=True)
    ).one()


@contextmanager
def savepoint():
    """``db.session.begin_nested()`` that is a real savepoint on SQLite too.

    The sqlite3 driver begins a transaction only before a data change, so a SAVEPOINT sent first
    would start one of its own, and releasing it would commit the request's work early. Beginning
    the transaction first (taking the write lock, as any insert would) keeps it nested.
    """
    if _is_sqlite():
        driver_connection = db.session.connection().connection.driver_connection
        if not driver_connection.in_transaction:
            driver_connection.execute("BEGIN IMMEDIATE")
    with db.session.begin_nested() as nested:
        yield nested


def insert_once(row: Row, winner: Callable[[], Row | None]) -> Row:
    """Insert ``row``; if a unique index says it exists already, return ``winner()`` instead.

    The row is added inside the savepoint, so a conflict undoes only this insert and the request
    goes on. ``winner`` finds the row a concurrent request committed first; when it finds none,
    the conflict was something else and is raised.
    """
    try:
        with savepoint():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        found = winner()
        if found is None:
            raise
        return found
    return row
