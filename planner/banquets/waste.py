"""After a banquet: the plates that came back with food, and the clean-plate rate (光盘率)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from planner.banquets.models import DishClaim, MenuPlan
from planner.banquets.plans import lock_plan
from planner.events.models import Event
from planner.events.timing import has_ended
from planner.events.workflow import touch
from planner.exceptions import DomainError
from planner.extensions import db
from planner.timeutil import utcnow


class NotEnded(DomainError):
    message = _l("Leftovers are recorded after the banquet has ended.")


class TooManyLeftovers(DomainError):
    field = "leftover_plates"

    def __init__(self, served: int):
        super().__init__(_l("At most the %(served)d plates served can come back.", served=served))


@dataclass(frozen=True)
class Leftovers:
    """How much came back: plates served (the dishes' plates) and plates with leftovers."""

    plates_served: int
    leftover_plates: int
    note: str

    @property
    def clean_plate_rate(self) -> float:
        """光盘率: the share of plates that came back empty (1.0 when nothing was served)."""
        if not self.plates_served:
            return 1.0
        return max(self.plates_served - self.leftover_plates, 0) / self.plates_served


def plates_served(event: Event) -> int:
    return db.session.scalar(
        db.select(func.coalesce(func.sum(DishClaim.plates), 0)).where(
            DishClaim.event_id == event.id
        )
    )


def record_leftovers(event: Event, leftover_plates: int, note: str, *, now=None) -> MenuPlan:
    """After the banquet: how many plates came back with food (the clean-plate rate)."""
    now = now or utcnow()
    if not has_ended(event, now):
        raise NotEnded()
    plan = lock_plan(event.id)
    served = plates_served(event)
    if leftover_plates > served:
        raise TooManyLeftovers(served)
    plan.leftover_plates = leftover_plates
    plan.leftovers_note = note
    plan.leftovers_recorded_at = now
    touch(event, bump=False)  # the event page shows the clean-plate rate
    db.session.flush()
    return plan


def leftovers_of(event: Event) -> Leftovers | None:
    """The recorded leftovers and clean-plate rate of a banquet; None until recorded.

    For statistics pages: one query."""
    row = db.session.execute(
        db.select(MenuPlan.leftover_plates, MenuPlan.leftovers_note).where(
            MenuPlan.event_id == event.id, MenuPlan.leftover_plates.is_not(None)
        )
    ).first()
    if row is None:
        return None
    return Leftovers(plates_served(event), row.leftover_plates, row.leftovers_note)
