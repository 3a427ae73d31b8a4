"""The household's own part of a banquet's event page: its table, a hole of
``planner.pagecache`` (filled for each person, also when the page comes from the shared copy)."""

from __future__ import annotations

from flask import g, get_template_attribute
from flask_login import current_user

from planner import pagecache
from planner.banquets.seating import table_number_of


def prepare(event, dishes) -> None:
    """Load the household's table before the event page renders (``dishes``: dishes_link)."""
    if dishes is not None and dishes.enabled:
        _table(event.id)


def _table(event_id: int) -> int | None:
    cache = g.setdefault("_banquet_table", {})
    if event_id not in cache:
        cache[event_id] = table_number_of(event_id, current_user)
    return cache[event_id]


@pagecache.hole("dish_table")
def table_badge(event_id) -> str:
    number = _table(int(event_id))
    return get_template_attribute("banquets/_table_badge.html", "table_badge")(number)
