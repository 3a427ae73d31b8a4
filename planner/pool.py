"""Connections that went stale while idle are replaced before a request uses them.

SQLAlchemy's ``pool_pre_ping`` checks every connection at every checkout: one more round trip to
PostgreSQL for every request, about a tenth of a worker's time in a sign-up rush. A connection in
steady use has just proved itself; only one that sat idle may have been cut (a database restart,
a PgBouncer or firewall timeout). So the pool pings a connection only when it was idle longer
than ``PLANNER_DB_PING_AFTER`` seconds (default 10), and a failed ping makes the pool discard it
and connect afresh, as ``pool_pre_ping`` would.
"""

from __future__ import annotations

import time

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

_RETURNED = "planner_returned_at"


def register(engine, ping_after: float) -> None:
    """Ping ``engine``'s pooled connections idle for more than ``ping_after`` seconds."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get(_RETURNED)
        if returned is None or time.monotonic() - returned <= ping_after:
            return  # new, or in use moments ago
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            if not getattr(dbapi_connection, "autocommit", True):
                dbapi_connection.rollback()  # the ping's own transaction, on PostgreSQL
        except Exception as exc:  # noqa: BLE001 - any failure means: use another connection
            raise DisconnectionError() from exc
