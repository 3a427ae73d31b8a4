"""The kindness shop under a crowd, over HTTP against gunicorn with four workers: 100 people
redeeming the last 5 items get exactly 5; one person's balance pays for what it holds, no more."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from planner.extensions import db
from planner.timeutil import utcnow

pytestmark = pytest.mark.http_race

_numbers = itertools.count(1)
CROWD = 100


@pytest.fixture
def stocked(race_server):
    """A community's shop with an item (stock 5, 10 points) and a way to give people points."""
    from planner.directory.models import Community, District, Street
    from planner.points import services as ledger
    from planner.points.models import EarningRule, ShopItem

    with race_server.app.app_context(), race_server.app.test_request_context("/"):
        n = next(_numbers)
        street = Street(district=District(name=f"积分区{n}"), name=f"积分街道{n}")
        community = Community(street=street, name=f"积分社区{n}", address="测试路1号")
        db.session.add(community)
        db.session.flush()
        shop = ledger.open_shop(community)
        db.session.add(EarningRule(shop_id=shop.id, effective_on=date(2020, 1, 1), per_quiz=10))
        item = ShopItem(shop_id=shop.id, name="大米（5公斤）", price=10, stock=5)
        db.session.add(item)
        db.session.commit()
        yield shop.id, item.id
        db.session.remove()


def _person_with_points(points: int, shop_id: int) -> str:
    from planner.accounts.models import User
    from planner.points import services as ledger
    from planner.points.models import EntryReason, PointsEntry

    phone = f"+86135{next(_numbers):08d}"
    user = User(phone=phone, real_name="兑换者", consented_at=utcnow())
    user.set_password("correct-horse-9")
    db.session.add(user)
    db.session.flush()
    ledger._post(
        PointsEntry(user_id=user.id, shop_id=shop_id, amount=points, reason=EntryReason.QUIZ)
    )
    db.session.commit()
    return phone


def _counts(item_id: int):
    from planner.points import services as ledger
    from planner.points.models import Redemption, ShopItem

    db.session.expire_all()
    redeemed = db.session.scalar(
        db.select(db.func.count(Redemption.id)).where(Redemption.item_id == item_id)
    )
    return redeemed, db.session.get(ShopItem, item_id).stock, ledger.audit()


def test_a_hundred_people_redeeming_the_last_five_items_get_exactly_five(race_server, stocked):
    shop_id, item_id = stocked
    phones = [_person_with_points(10, shop_id) for _ in range(CROWD)]
    path = f"/shops/{shop_id}/items/{item_id}/redeem"
    replies = race_server.race_from([race_server.client(p) for p in phones], path, {})
    statuses = [getattr(r, "status", r) for r in replies]
    assert all(s == 302 for s in statuses), statuses
    winners = [r for r in replies if r.location.startswith("/my/redemptions/")]
    assert len(winners) == 5
    assert {r.location for r in replies if r not in winners} == {
        f"/communities/{_community_of(shop_id)}/shop"
    }
    assert _counts(item_id) == (5, 0, [])


def _community_of(shop_id: int) -> int:
    from planner.points.models import Shop

    return db.session.get(Shop, shop_id).community_id


def test_one_person_redeeming_ten_times_at_once_spends_only_what_they_hold(race_server, stocked):
    shop_id, item_id = stocked
    phone = _person_with_points(20, shop_id)  # enough for two
    replies = race_server.race(f"/shops/{shop_id}/items/{item_id}/redeem", {}, phone=phone)
    assert sum(r.location.startswith("/my/redemptions/") for r in replies) == 2
    from planner.points import services as ledger

    redeemed, stock, problems = _counts(item_id)
    assert (redeemed, stock, problems) == (2, 3, [])
    assert ledger.balance_of(_user_id(phone), shop_id) == 0


def _user_id(phone: str) -> int:
    from planner.accounts.models import User

    return db.session.scalar(db.select(User.id).where(User.phone == phone))
