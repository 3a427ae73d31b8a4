"""Personal calendar feed tokens, and the stamp that dates an event's last significant change."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.events.models import Event
from planner.extensions import db
from planner.timeutil import UTCDateTime, utcnow

TOKEN_BYTES = 32  # 256 bits of randomness, well above the 128 the feed needs


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class CalendarToken(db.Model):
    """The secret in a user's personal feed URL; regenerating revokes the old one."""

    __table_args__ = (
        # At most one live token a user: the feed URL they see is the only one that works.
        Index(
            "uq_calendar_token_live_user",
            "user_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    # A VALARM the day before each event, in the personal feed only.
    remind_day_before: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Preference changes alter the feed body; this dates them for Last-Modified.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


@event.listens_for(Event.revision, "set")
def _stamp_revision(target: Event, value, oldvalue, _initiator) -> None:
    """Whenever an event's revision changes, date it: that is its iCalendar LAST-MODIFIED."""
    if value != oldvalue:
        target.revised_at = utcnow()
