"""Service points and the kindness shop: public shelves, a volunteer's own points, the keeper's
counter (organisers of the shop's community or street, and administrators)."""

from planner.directory.models import Community
from planner.extensions import db
from planner.points.models import Redemption, RedemptionStatus, Shop, ShopItem
from tests.permission_rules import Rule

LOGIN = 302
# The demo shop is 凤凰山社区's: the world's organiser acts for a department, so only
# administrators keep it.
KEEPERS = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=403, admin=200)
KEEPER_POSTS = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=403, admin=302)


def build(world):
    """The demo shop, one of its items, and a redemption of the world's volunteer."""
    community = db.session.scalar(db.select(Community).where(Community.name == "凤凰山社区"))
    shop = db.session.scalar(db.select(Shop).where(Shop.community_id == community.id))
    item = db.session.scalar(
        db.select(ShopItem).where(ShopItem.shop_id == shop.id).order_by(ShopItem.id)
    )
    redemption = Redemption(
        shop_id=shop.id,
        item_id=item.id,
        user_id=world["users"]["volunteer"].id,
        points=10,
        code="PERMTEST",
        status=RedemptionStatus.WAITING,
    )
    db.session.add(redemption)
    db.session.flush()
    world.update(
        shop_community=community.id, shop=shop.id, shop_item=item.id, redemption=redemption.id
    )


RULES = [
    Rule("points.community_shop", "GET", "/communities/{shop_community}/shop"),
    Rule("points.street_shop", "GET", "/streets/{street}/shop"),
    Rule("points.donations", "GET", "/partners/{partner}/donations"),
    Rule("points.mine", "GET", "/my/points", anonymous=LOGIN),
    # Only its owner sees a pick-up code; to anyone else it does not exist.
    Rule(
        "points.redemption",
        "GET",
        "/my/redemptions/{redemption}",
        anonymous=LOGIN,
        volunteer=200,
        leader=404,
        organiser=404,
        admin=404,
    ),
    # Without the points the shop page says so (a redirect back to it with the reason).
    Rule(
        "points.redeem", "POST", "/shops/{shop}/items/{shop_item}/redeem", 302, 302, 302, 302, 302
    ),
    Rule("points.manage", "GET", "/shops/{shop}/manage", **KEEPERS),
    Rule("points.settings", "POST", "/shops/{shop}/settings", **KEEPER_POSTS),
    Rule("points.set_rules", "POST", "/shops/{shop}/rules", **KEEPERS),
    Rule("points.edit_item", "GET", "/shops/{shop}/items/{shop_item}/edit", **KEEPERS),
    Rule("points.counter", "POST", "/shops/{shop}/counter", **KEEPER_POSTS),
    Rule("points.pickup", "GET", "/shops/{shop}/pickup/not-a-token", **KEEPER_POSTS),
    Rule("points.report", "GET", "/shops/{shop}/report.xlsx?month=2024-10", **KEEPERS),
    Rule(
        "points.open_shop",
        "POST",
        "/communities/{community}/shop/open",
        anonymous=LOGIN,
        volunteer=403,
        leader=403,
        organiser=403,
        admin=302,
    ),
]
