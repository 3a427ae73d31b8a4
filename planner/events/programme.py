"""A show's or gala's programme: its items, in order."""

from __future__ import annotations

from planner.audit import services as audit
from planner.events.models import Event, ProgrammeItem
from planner.events.validation import PERFORMER_MAX, TITLE_MAX, bounded
from planner.events.workflow import ensure_open, touch
from planner.extensions import db


def add_programme_item(
    actor,
    event: Event,
    title: str,
    performer_team_id: int | None,
    performer_text: str,
    duration_minutes: int | None,
) -> ProgrammeItem:
    """Add an item at the end of the programme."""
    ensure_open(event)
    item = ProgrammeItem(
        position=max((i.position for i in event.programme), default=0) + 1,
        title=bounded(title, TITLE_MAX, "title", required=True),
        performer_team_id=performer_team_id,
        performer_text=bounded(performer_text, PERFORMER_MAX, "performer_text"),
        duration_minutes=duration_minutes,
    )
    event.programme.append(item)
    touch(event, bump=False)
    db.session.flush()
    audit.record(actor, "event.programme.add", event, title=item.title)
    return item


def remove_programme_item(actor, event: Event, item: ProgrammeItem) -> None:
    ensure_open(event)
    event.programme.remove(item)
    touch(event, bump=False)
    audit.record(actor, "event.programme.remove", event, title=item.title)


def move_programme_item(actor, event: Event, item: ProgrammeItem, step: int) -> None:
    """Swap an item with its neighbour above (step -1) or below (+1); the ends stay put."""
    ensure_open(event)
    items = list(event.programme)
    index = items.index(item)
    other_index = index + step
    if not 0 <= other_index < len(items):
        return
    other = items[other_index]
    # Positions are unique per event: park one item while the other takes its place.
    first, second = item.position, other.position
    item.position = -1
    db.session.flush()
    other.position = first
    db.session.flush()
    item.position = second
    touch(event, bump=False)
    db.session.flush()
    audit.record(actor, "event.programme.move", event, title=item.title, step=step)
