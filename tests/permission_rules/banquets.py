"""The banquet's dishes and tables."""

from datetime import timedelta

from planner.banquets.models import DishCategory, MenuPlan
from planner.directory.models import Department
from planner.events.models import Event, EventHost, EventKind, EventStatus
from planner.extensions import db
from planner.signups.models import SeatBooking, SeatStatus
from planner.timeutil import utcnow
from tests.permission_rules import Rule

LOGIN = 302
MANAGERS = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=200, admin=200)
MANAGER_POSTS = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=302, admin=302)


def _banquet(department, title: str) -> Event:
    starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    event = Event(
        title=title,
        kind=EventKind.BANQUET,
        status=EventStatus.PUBLISHED,
        seats_capacity=50,
        seats_confirmed=2,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
    )
    host = EventHost()
    host.organisation = department
    event.hosts.append(host)
    db.session.add(event)
    return event


def build(world):
    """Two banquets of 市委编办: one with dishes on (the volunteer has seats), one without."""
    department = db.session.get(Department, world["department"])
    banquet = _banquet(department, "权限测试百家宴")
    plain = _banquet(department, "未开启菜品的百家宴")
    hot = DishCategory(name_zh="热菜", name_en="Hot dishes", wanted=5)
    db.session.flush()
    db.session.add(MenuPlan(event_id=banquet.id, tables_planned=2, categories=[hot]))
    db.session.add(
        SeatBooking(
            event=banquet,
            user=world["users"]["volunteer"],
            party_size=2,
            status=SeatStatus.CONFIRMED,
            arrival=1,
        )
    )
    db.session.flush()
    world.update(dish_banquet=banquet.id, plain_banquet=plain.id, hot_dishes=hot.id)


RULES = [
    Rule("banquets.dishes", "GET", "/events/{dish_banquet}/dishes"),
    Rule("banquets.print_menu", "GET", "/events/{dish_banquet}/dishes/print"),
    # Without a category of the menu the form comes back with the reason (claims: test_banquets).
    Rule(
        "banquets.claim",
        "POST",
        "/events/{dish_banquet}/dishes",
        LOGIN,
        200,
        200,
        200,
        200,
        data={"name": "红烧肉", "plates": "1"},
    ),
    Rule(
        "banquets.withdraw",
        "POST",
        "/events/{dish_banquet}/dishes/withdraw",
        LOGIN,
        302,
        302,
        302,
        302,
    ),
    Rule("banquets.plan", "GET", "/events/{dish_banquet}/dishes/plan", **MANAGERS),
    Rule("banquets.enable", "POST", "/events/{plain_banquet}/dishes/enable", **MANAGER_POSTS),
    Rule("banquets.leftovers", "POST", "/events/{dish_banquet}/dishes/leftovers", **MANAGER_POSTS),
    Rule("banquets.tables", "GET", "/events/{dish_banquet}/tables", **MANAGERS),
    Rule("banquets.assign", "POST", "/events/{dish_banquet}/tables/assign", **MANAGER_POSTS),
    Rule("banquets.move", "POST", "/events/{dish_banquet}/tables/move", **MANAGER_POSTS),
    Rule("banquets.print_tables", "GET", "/events/{dish_banquet}/tables/print", **MANAGERS),
]
