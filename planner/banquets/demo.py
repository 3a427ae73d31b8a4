"""Demo banquets: 凤凰山社区's past 百家宴 with its dishes, tables and leftovers, and the coming
冬至 banquet with a menu filling up and tables set (a resident booking now gets a table at once).

Runs after the events and sign-ups seeders and is idempotent."""

from __future__ import annotations

from flask_babel import force_locale

from planner.accounts.models import User
from planner.banquets import plans, seating, services, waste
from planner.banquets.models import DishClaim
from planner.events.models import Event
from planner.extensions import db
from planner.signups import bookings
from planner.signups.models import SeatBooking, SeatStatus
from planner.timeutil import utcnow

PAST = "凤凰山社区“移风易俗树新风 齐聚邻里百家宴”"
COMING = "凤凰山社区冬至百家宴"
# phone, party, category, dish, tags
PAST_DISHES = [
    ("13800000011", 3, "热菜", "红烧肉", ["spicy"]),
    ("13800000012", 2, "凉菜", "拍黄瓜", ["vegetarian"]),
    ("13800000013", 4, "主食", "韭菜盒子", []),
    ("13800000014", 2, "汤", "冬瓜排骨汤", []),
    ("13800000015", 3, "点心/甜品", "红豆糕", ["nuts"]),
]
COMING_DISHES = [
    ("13800000011", 3, "凉菜", "凉拌木耳", ["vegetarian"]),
    ("13800000012", 2, "主食", "三鲜饺子", []),
    ("13800000013", 4, "汤", "清炖羊肉汤", ["halal"]),
]


def _event(title: str) -> Event | None:
    return db.session.scalar(db.select(Event).where(Event.title == title))


def _user(phone: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.phone == "+86" + phone))


def _category_id(plan, name_zh: str) -> int:
    return next(c.id for c in plan.categories if c.name_zh == name_zh)


def seed() -> None:
    with force_locale("zh_Hans_CN"):
        _seed_past()
        _seed_coming()


def _seed_past() -> None:
    """Past banquets take no claims through the service (the cut-off is gone): rows written
    as they were, then the tables and the leftovers the organiser recorded."""
    event = _event(PAST)
    if event is None or plans.plan_of(event) is not None:
        return
    plan = plans.enable_dishes(event)
    plan.tables_planned = 2
    for category, wanted in zip(plan.categories, (2, 3, 2, 1, 1, 1), strict=True):
        category.wanted = wanted  # a menu for the two tables it had
    plan.notes = "请自带餐盒，菜品注明过敏原；吃多少取多少，光盘不浪费。"
    for arrival, (phone, party, category, dish, tags) in enumerate(PAST_DISHES, start=1):
        user = _user(phone)
        db.session.add(
            SeatBooking(
                event=event,
                user=user,
                party_size=party,
                status=SeatStatus.CONFIRMED,
                arrival=arrival,
            )
        )
        event.seats_confirmed += party
        category_id = _category_id(plan, category)
        db.session.add(
            DishClaim(
                event_id=event.id,
                category_id=category_id,
                user=user,
                name=dish,
                plates=2,
                tags=",".join(tags),
            )
        )
        next(c for c in plan.categories if c.id == category_id).claimed += 1
    db.session.flush()
    seating.assign_tables(event)
    waste.record_leftovers(event, 1, "剩半盘韭菜盒子，已打包带走。", now=utcnow())


def _seed_coming() -> None:
    event = _event(COMING)
    if event is None or plans.plan_of(event) is not None:
        return
    plan = plans.enable_dishes(event)
    plan.notes = "冬至吃饺子：欢迎带饺子和汤。请自带餐盒，菜品注明过敏原。"
    for phone, party, category, dish, tags in COMING_DISHES:
        user = _user(phone)
        bookings.book_seats(event.id, user, party)
        services.claim_dish(
            event, user, category_id=_category_id(plan, category), name=dish, plates=2, tags=tags
        )
    seating.assign_tables(event)
