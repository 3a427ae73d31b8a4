"""Demo data: 凤凰山社区's kindness shop, stocked by 青岛鑫三利公司, with its earning rules.

It runs before the sign-ups' demo, so the volunteers' demo hours at 凤凰山社区 earn their points
through the same hook as real ones (nothing is written into the ledger by hand).
"""

from __future__ import annotations

from datetime import date

from planner.directory.models import Community, PartnerOrganisation
from planner.extensions import db
from planner.points import services as ledger
from planner.points.models import EarningRule, ShopItem

DONOR = "青岛鑫三利公司"
ITEMS = [
    # name, icon, price, stock, monthly limit
    ("大米（5公斤）", "rice", 20, 10, 1),
    ("花生油（1.8升）", "oil", 30, 6, 1),
    ("挂面（1公斤）", "noodles", 8, 20, None),
    ("洗衣皂", "soap", 5, 30, None),
]


def seed() -> None:
    community = db.session.scalar(db.select(Community).where(Community.name == "凤凰山社区"))
    donor = db.session.scalar(
        db.select(PartnerOrganisation).where(PartnerOrganisation.name == DONOR)
    )
    if community is None or ledger.shop_of(community) is not None:
        return
    shop = ledger.open_shop(community)
    # The demo's history predates today, so its first rule is written as it was set back then.
    db.session.add(
        EarningRule(
            shop_id=shop.id,
            effective_on=date(2024, 9, 1),
            per_hour=10,
            per_audience=5,
            per_quiz=5,
            yearly_cap=2000,
        )
    )
    for name, icon, price, stock, limit in ITEMS:
        db.session.add(
            ShopItem(
                shop_id=shop.id,
                name=name,
                icon=icon,
                price=price,
                stock=stock,
                donor=donor,
                monthly_limit=limit,
            )
        )
    db.session.flush()
