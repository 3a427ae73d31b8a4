"""What the home page shows, and the health check's database round trip."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import joinedload

from planner.directory.models import VolunteerTeam
from planner.extensions import db

HOME_TEAMS = 12


def home_teams(limit: int = HOME_TEAMS) -> tuple[list[VolunteerTeam], bool]:
    """Up to ``limit`` teams not archived, the city's first, then departments', then
    communities', by name; and whether there are more."""
    teams = db.session.scalars(
        db.select(VolunteerTeam)
        .where(VolunteerTeam.archived_at.is_(None))
        .options(joinedload(VolunteerTeam.department), joinedload(VolunteerTeam.community))
        .order_by(
            VolunteerTeam.department_id.is_not(None),
            VolunteerTeam.community_id.is_not(None),
            VolunteerTeam.name,
        )
        .limit(limit + 1)
    ).all()
    return list(teams[:limit]), len(teams) > limit


def ping() -> None:
    """One round trip to the database: raises if it does not answer."""
    db.session.execute(text("SELECT 1"))
