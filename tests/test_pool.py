"""Stale pooled connections (planner/pool.py): pinged only after sitting idle, replaced when the
ping fails; PostgreSQL only (SQLite has no server to cut a connection)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from planner import pool
from planner.extensions import db


@pytest.fixture
def pooled(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite connections are files, not sessions on a server")
    db.session.remove()
    db.engine.dispose()
    with db.engine.connect() as connection:  # now idle in the pool
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    yield pid
    db.engine.dispose()


def _later(monkeypatch, seconds: float) -> None:
    now = pool.time.monotonic()
    monkeypatch.setattr(pool.time, "monotonic", lambda: now + seconds)


def test_a_connection_cut_while_idle_is_replaced_before_a_request_uses_it(pooled, monkeypatch):
    _later(monkeypatch, 11)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pooled


def test_a_connection_used_moments_ago_is_not_pinged(pooled):
    # The cut goes unnoticed until the statement: no round trip was spent on checking it.
    with pytest.raises(OperationalError), db.engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
