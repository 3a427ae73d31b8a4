"""Aware-UTC storage and Asia/Shanghai display of times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    """The zone every time is shown in (``PLANNER_TIMEZONE``, Asia/Shanghai by default)."""
    name = current_app.config["PLANNER_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def to_local(value: datetime) -> datetime:
    return value.astimezone(local_zone())


def local_now() -> datetime:
    return to_local(utcnow())


def from_local(naive: datetime) -> datetime:
    """Interpret a naive wall-clock time typed by a user as local time; return it in UTC."""
    return naive.replace(tzinfo=local_zone()).astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; SQLite hands back naive values, which are UTC by construction."""

    impl = DateTime
    cache_ok = True

    def __init__(self, timezone: bool = True):
        super().__init__(timezone=True)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def render_migration_item(type_, obj, autogen_context):
    """Alembic hook: write our column types into migrations as plain SQLAlchemy types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
