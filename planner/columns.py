"""Column types and mixins that every feature's models share."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum
from sqlalchemy.orm import Mapped, mapped_column

from planner.timeutil import UTCDateTime, utcnow


def enum_column(enum_cls: type[enum.Enum], **kwargs):
    """An Enum column stored by value (short lowercase strings), portable across databases."""
    return Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        validate_strings=True,
        length=20,
        **kwargs,
    )


class ArchivableMixin:
    """Records that others refer to are archived (hidden from new use), never deleted."""

    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
