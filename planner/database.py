"""Transaction helpers for rules that must hold under concurrent requests.

Two tools, used wherever a rule says "one" or "at most N":

- ``lock_row``: lock a row for the rest of the transaction before checking a rule against it
  (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the database's single write lock).
- ``insert_once``: insert a row that a unique index allows once; when a concurrent request inserted
  it first, return the winner's row instead, so the loser gets the winner's page.

And one for views that only read: ``reads_only`` marks a view whose GET requests run without a
transaction (``begin_reading``), which spares PostgreSQL's ``BEGIN`` and ``ROLLBACK``, two of the
four round trips of a signed-in page served from the page cache.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from flask import current_app, request
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from planner.extensions import db

Row = TypeVar("Row")


def reads_only(view):
    """Mark ``view`` as one that never writes to the database on GET (every page the page cache
    serves is one: a stored copy skips the view altogether)."""
    view.reads_only = True
    return view


def begin_reading() -> None:
    """Before a GET of a ``reads_only`` view: its statements run each on its own (autocommit), as
    PostgreSQL's READ COMMITTED sees them in a transaction anyway, without ``BEGIN`` and
    ``ROLLBACK`` around them. Runs before anything else of the request reads the database."""
    if request.method not in ("GET", "HEAD"):
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "reads_only", False) and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


# What writes: a statement that starts so, or a WITH that holds one (the sign-up's).
_WRITES = re.compile(
    r"\s*(INSERT|UPDATE|DELETE)\b|\s*WITH\b.*\b(INSERT|UPDATE|DELETE)\b", re.I | re.S
)


class WriteWhileReading(RuntimeError):
    """A ``reads_only`` view wrote: without a transaction the write would stay, whatever became of
    the request. A bug to fix (take the mark off the view, or the write out of it)."""


def refuse_writes_while_reading(conn, _cursor, statement, _parameters, _context, _many) -> None:
    """``before_cursor_execute`` on the app's engine: no write on a connection ``begin_reading``
    took out of its transaction."""
    if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT" and _WRITES.match(
        statement
    ):
        raise WriteWhileReading(f"{request.endpoint} wrote while reading: {statement[:80]}")


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
