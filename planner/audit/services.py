"""Writing the audit log, and reading it back."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from planner.audit.models import AuditEntry
from planner.extensions import db

LOG_PER_PAGE = 50


def record(actor, action: str, subject, **details: Any) -> AuditEntry:
    """Append one audit entry for ``actor`` doing ``action`` to ``subject``; flush only."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        details={k: _plain(v) for k, v in details.items()},
    )
    db.session.add(entry)
    return entry


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def log_page(per_page: int = LOG_PER_PAGE) -> Pagination:
    """The audit log as administrators read it: newest first, with each actor."""
    query = (
        db.select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    )
    return db.paginate(query, per_page=per_page, error_out=False)
