"""A banquet's menu plan: turning *Dishes* on, its categories and settings, and its lock.

Every change to an event's dishes or tables first locks its ``MenuPlan`` row (``lock_plan``:
``planner.database.lock_row``), so the checks that follow are serialised.
"""

from __future__ import annotations

import math
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from planner.banquets.models import DishCategory, MenuPlan
from planner.database import insert_once, lock_row
from planner.events.models import Event, EventKind
from planner.events.workflow import touch
from planner.exceptions import DomainError
from planner.extensions import db

# The menu a plan starts with: 中文, English, dishes wanted.
DEFAULT_CATEGORIES = (
    ("凉菜", "Cold dishes", 6),
    ("热菜", "Hot dishes", 12),
    ("主食", "Staples", 4),
    ("汤", "Soups", 3),
    ("点心/甜品", "Snacks and desserts", 4),
    ("饮品", "Drinks", 3),
)


class NotABanquet(DomainError):
    message = _l("Dishes are for neighbourhood banquets that take audience seats.")


class BadMenuLine(DomainError):
    field = "categories"

    def __init__(self, number: int):
        super().__init__(
            _l(
                "Line %(line)d: write the category as 名称 | English name | dishes wanted (0–500).",
                line=number,
            )
        )


class CategoryHasClaims(DomainError):
    field = "categories"

    def __init__(self, category: DishCategory):
        super().__init__(
            _l(
                "“%(category)s” already has %(claimed)d dishes claimed: it cannot want fewer or go.",
                category=category.name_zh,
                claimed=category.claimed,
            )
        )


class NoCategories(DomainError):
    message = _l("The menu needs at least one category.")
    field = "categories"


def plan_of(event: Event) -> MenuPlan | None:
    """The event's menu plan with its categories, or None while *Dishes* is off."""
    return db.session.scalar(
        db.select(MenuPlan)
        .where(MenuPlan.event_id == event.id)
        .options(selectinload(MenuPlan.categories))
    )


def lock_plan(event_id: int) -> MenuPlan:
    """Lock the event's plan (all its claims and tables) for the rest of the transaction."""
    plan_id = db.session.scalar(db.select(MenuPlan.id).where(MenuPlan.event_id == event_id))
    if plan_id is None:
        raise NotABanquet()
    return lock_row(MenuPlan, plan_id, selectinload(MenuPlan.categories))


def takes_dishes(event: Event) -> bool:
    return event.kind is EventKind.BANQUET and bool(event.seats_capacity)


def enable_dishes(event: Event) -> MenuPlan:
    """Turn *Dishes* on with the default menu; a second request gets the first one's plan."""
    if not takes_dishes(event):
        raise NotABanquet()
    plan = MenuPlan(
        event_id=event.id,
        tables_planned=math.ceil(event.seats_capacity / 10),
        categories=[
            DishCategory(position=i, name_zh=zh, name_en=en, wanted=wanted)
            for i, (zh, en, wanted) in enumerate(DEFAULT_CATEGORIES)
        ],
    )
    plan = insert_once(plan, lambda: plan_of(event))
    touch(event, bump=False)  # the event page (cached for visitors) links to the dishes now
    return plan


def menu_lines(plan: MenuPlan) -> str:
    """The categories as the plan form writes them: one ``名称 | English | wanted`` a line."""
    return "\n".join(f"{c.name_zh} | {c.name_en} | {c.wanted}" for c in plan.categories)


_LINE = re.compile(r"^([^|]{1,20}?)\s*\|\s*([^|]{0,40}?)\s*\|\s*(\d{1,3})$")


def parse_menu_lines(text: str) -> list[tuple[str, str, int]]:
    """``名称 | English | wanted`` lines into (中文, English, wanted); blank lines are skipped."""
    rows: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None or int(match[3]) > 500 or match[1].strip() in seen:
            raise BadMenuLine(number)
        seen.add(match[1].strip())
        rows.append((match[1].strip(), match[2].strip(), int(match[3])))
    if not rows:
        raise NoCategories()
    return rows


def save_plan(
    event: Event,
    *,
    lines: str,
    seats_per_table: int,
    tables_planned: int,
    extra_plates: int,
    notes: str,
) -> MenuPlan:
    """Set the menu: categories kept by their Chinese name, none wanting fewer than claimed."""
    rows = parse_menu_lines(lines)
    plan = lock_plan(event.id)
    existing = {c.name_zh: c for c in plan.categories}
    wanted_names = {zh for zh, _en, _wanted in rows}
    for category in plan.categories:
        if category.name_zh not in wanted_names and category.claimed:
            raise CategoryHasClaims(category)
    for position, (zh, en, wanted) in enumerate(rows):
        category = existing.get(zh)
        if category is None:
            category = DishCategory(name_zh=zh)
            plan.categories.append(category)
        elif wanted < category.claimed:
            raise CategoryHasClaims(category)
        category.name_en, category.wanted, category.position = en, wanted, position
    for category in list(plan.categories):
        if category.name_zh not in wanted_names:
            plan.categories.remove(category)
    plan.seats_per_table = seats_per_table
    plan.tables_planned = tables_planned
    plan.extra_plates = extra_plates
    plan.notes = notes
    db.session.flush()
    return plan
