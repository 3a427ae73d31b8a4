"""Service points and the kindness shop: earning from confirmed records, reversing entries,
redeeming, the pick-up code, releasing, expiry, the audit, and the pages."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from planner.extensions import db
from planner.points import services as ledger
from planner.points import shop as shelf
from planner.points.models import (
    EarningRule,
    EntryReason,
    PointsBalance,
    PointsEntry,
    RedemptionStatus,
    ShopItem,
)
from planner.signups import attendance
from planner.timeutil import local_now, utcnow

pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture
def shop(make_community):
    """A community's shop earning 10 points a service hour since last year."""
    community = make_community("积分社区")
    shop = ledger.open_shop(community)
    db.session.add(
        EarningRule(
            shop_id=shop.id,
            effective_on=date.today() - timedelta(days=400),
            per_hour=10,
            per_audience=5,
            per_quiz=3,
        )
    )
    db.session.commit()
    return shop


@pytest.fixture
def served(shop, make_event, sign_up, rewind, make_user):
    """A volunteer on a two-hour shift at the shop's community that ended yesterday."""
    event = make_event(shifts=(("清扫", 5),), community=shop.community, hours=2)
    user = make_user("志愿者")
    signup = sign_up(event.shifts[0], user)
    rewind(event)
    return signup, user, make_user("组织者", admin=True)


def _item(shop, stock=5, price=10, **fields):
    item = ShopItem(shop_id=shop.id, name="大米（5公斤）", icon="rice", price=price, stock=stock)
    for name, value in fields.items():
        setattr(item, name, value)
    db.session.add(item)
    db.session.commit()
    return item


def _balance(user, shop):
    return ledger.balance_of(user.id, shop.id)


# ---------------------------------------------------------------- earning


def test_confirmed_hours_earn_points_in_the_same_transaction(served, shop):
    signup, user, organiser = served
    attendance.confirm_hours(organiser, [signup])
    db.session.rollback()  # not committed: the points go with the hours
    assert _balance(user, shop) == 0
    attendance.confirm_hours(organiser, [signup])
    db.session.commit()
    assert _balance(user, shop) == 20
    entry = db.session.scalar(db.select(PointsEntry))
    assert (entry.reason, entry.signup_id, entry.rule.per_hour) == (
        EntryReason.SERVICE,
        signup.id,
        10,
    )


def test_a_correction_that_lowers_hours_writes_a_reversing_entry(served, shop):
    signup, user, organiser = served
    attendance.confirm_hours(organiser, [signup])
    db.session.commit()
    correction = attendance.request_correction(user, signup, 60, "提前离开")
    attendance.decide_correction(organiser, correction, accept=True)
    db.session.commit()
    amounts = db.session.scalars(db.select(PointsEntry.amount).order_by(PointsEntry.id)).all()
    assert amounts == [20, -10]
    assert _balance(user, shop) == 10
    assert ledger.audit() == []


def test_a_correction_that_raises_hours_earns_the_difference(served, shop):
    signup, user, organiser = served
    attendance.confirm_hours(organiser, [signup])
    attendance.set_minutes(organiser, signup, 180, "补记")
    db.session.commit()
    assert _balance(user, shop) == 30


def test_the_yearly_cap_limits_what_is_earned(served, shop):
    signup, user, organiser = served
    db.session.get(EarningRule, ledger.rule_on(shop, date.today()).id).yearly_cap = 15
    db.session.commit()
    attendance.confirm_hours(organiser, [signup])
    db.session.commit()
    assert _balance(user, shop) == 15
    assert ledger.audit() == []


def test_an_event_of_a_community_without_a_shop_earns_at_its_streets(
    make_community, make_event, make_volunteers, sign_up, rewind, make_user
):
    street_shop_owner = make_community()
    shop = ledger.open_shop(street_shop_owner.street)
    db.session.add(EarningRule(shop_id=shop.id, effective_on=date(2020, 1, 1), per_hour=4))
    other = make_community(street=street_shop_owner.street)
    event = make_event(shifts=(("清扫", 5),), community=other, hours=2)
    signup = sign_up(event.shifts[0], make_volunteers(1)[0])
    rewind(event)
    attendance.confirm_hours(make_user(admin=True), [signup])
    db.session.commit()
    assert _balance(signup.user, shop) == 8


def test_rules_change_only_forward(shop, make_user):
    keeper = make_user(admin=True)
    with pytest.raises(ledger.RuleNotForward):
        ledger.set_rule(keeper, shop, date.today() - timedelta(days=1), per_hour=1)
    ledger.set_rule(keeper, shop, date.today() + timedelta(days=1), per_hour=20)
    with pytest.raises(ledger.RuleNotForward):
        ledger.set_rule(keeper, shop, date.today() + timedelta(days=1), per_hour=30)


def test_audience_of_a_completed_event_earns_once(shop, make_event, make_user, rewind):
    from planner.events import workflow
    from planner.signups import bookings

    event = make_event(community=shop.community, seats_capacity=10)
    resident = make_user("居民")
    bookings.book_seats(event.id, resident, 2)
    db.session.commit()
    rewind(event)
    workflow.complete(make_user(admin=True), event)
    db.session.commit()
    assert _balance(resident, shop) == 5


def test_passing_a_quiz_earns_once(shop, make_user):
    from planner.quizzes import attempts
    from planner.quizzes.models import Attempt, Quiz

    quiz = Quiz(title="移风易俗", community=shop.community, published=True, pass_percent=0)
    user = make_user()
    db.session.add(quiz)
    db.session.flush()
    for _ in range(2):
        attempt = Attempt(quiz=quiz, user=user, started_at=utcnow())
        db.session.add(attempt)
        db.session.flush()
        attempts.finish(attempt)  # no questions, pass mark 0: passed
    db.session.commit()
    assert _balance(user, shop) == 3


def test_passing_a_live_round_earns_a_signed_in_player_the_quiz_points(
    shop, make_user, make_question, make_quiz
):
    from planner.quizzes import live

    question = make_question()
    quiz = make_quiz([question], owner=shop.community, pass_percent=50)
    admin, player_user = make_user("管理员", admin=True), make_user("现场答题者")
    round_ = live.create_round(admin, quiz, 20)
    player = live.join(round_, "phone-token-1", "小明", player_user)
    guest = live.join(round_, "phone-token-2", "访客")
    live.advance(admin, round_)
    right = next(o.id for o in question.options if o.is_correct)
    live.submit(round_, player, right)
    live.submit(round_, guest, right)
    live.finish(admin, round_)
    db.session.commit()
    assert _balance(player_user, shop) == 3


# ---------------------------------------------------------------- spending


@pytest.fixture
def earner(served, shop):
    signup, user, organiser = served
    attendance.confirm_hours(organiser, [signup])  # 20 points
    db.session.commit()
    return user


def test_the_ledger_and_redemptions_are_in_the_data_download(earner, shop, client, auth):
    item = _item(shop, stock=2, price=15)
    shelf.redeem(earner, shop, item.id)
    db.session.commit()
    auth.login(earner)
    data = client.get("/my/data.json").get_json()
    assert [(e["amount"], e["reason"]) for e in data["points"]] == [
        (20, "service"),
        (-15, "redeemed"),
    ]
    (redemption,) = data["redemptions"]
    assert (redemption["points"], redemption["status"]) == (15, "waiting")
    assert "code" not in redemption


def test_redeeming_takes_points_and_stock_together(earner, shop):
    item = _item(shop, stock=2, price=15)
    redemption = shelf.redeem(earner, shop, item.id)
    db.session.commit()
    assert (_balance(earner, shop), db.session.get(ShopItem, item.id).stock) == (5, 1)
    assert redemption.status is RedemptionStatus.WAITING and len(redemption.code) == 8


def test_a_balance_never_goes_below_zero(earner, shop):
    item = _item(shop, stock=5, price=15)
    shelf.redeem(earner, shop, item.id)
    db.session.commit()
    with pytest.raises(ledger.NotEnoughPoints):
        shelf.redeem(earner, shop, item.id)
    db.session.rollback()
    assert (_balance(earner, shop), db.session.get(ShopItem, item.id).stock) == (5, 4)


def test_the_stock_never_goes_below_zero(earner, shop):
    item = _item(shop, stock=0, price=1)
    with pytest.raises(shelf.OutOfStock):
        shelf.redeem(earner, shop, item.id)


def test_the_monthly_limit_counts_per_person(earner, shop):
    item = _item(shop, stock=5, price=1, monthly_limit=1)
    shelf.redeem(earner, shop, item.id)
    with pytest.raises(shelf.MonthlyLimitReached):
        shelf.redeem(earner, shop, item.id)


def test_a_correction_after_spending_takes_back_only_what_is_left(earner, shop, served):
    signup, _user, organiser = served
    shelf.redeem(earner, shop, _item(shop, price=15).id)
    attendance.set_minutes(organiser, signup, 0, "未到场")
    db.session.commit()
    assert _balance(earner, shop) == 0
    assert ledger.audit() == []


def test_the_pickup_code_hands_over_once(earner, shop, make_user):
    keeper = make_user(admin=True)
    redemption = shelf.redeem(earner, shop, _item(shop).id)
    token = shelf.pickup_token(redemption)
    assert shelf.find_by_token(shop, token) is redemption
    assert shelf.find_by_code(shop, redemption.code.lower()) is redemption
    shelf.hand_over(keeper, redemption)
    with pytest.raises(shelf.NotWaiting):
        shelf.hand_over(keeper, redemption)
    assert redemption.item.handed_out == 1


@pytest.mark.parametrize("token", ["", "nonsense", "WyJhIiwiYiJd.bad"])
def test_forged_pickup_codes_are_refused(shop, token):
    with pytest.raises(shelf.CodeInvalid):
        shelf.find_by_token(shop, token)
    with pytest.raises(shelf.CodeInvalid):
        shelf.find_by_code(shop, token)


def test_unclaimed_redemptions_are_released_once(earner, shop):
    item = _item(shop, stock=3, price=15)
    redemption = shelf.redeem(earner, shop, item.id)
    db.session.commit()
    later = utcnow() + timedelta(days=shop.release_after_days, minutes=1)
    assert shelf.release_unclaimed(utcnow()) == 0
    assert shelf.release_unclaimed(later) == 1
    assert shelf.release_unclaimed(later) == 0
    db.session.commit()
    assert redemption.status is RedemptionStatus.RELEASED
    assert (_balance(earner, shop), db.session.get(ShopItem, item.id).stock) == (20, 3)
    assert ledger.audit() == []


def test_points_expire_once_and_spending_takes_the_oldest_first(served, shop):
    signup, user, organiser = served
    ledger.rule_on(shop, date.today()).expiry_months = 1
    db.session.commit()
    attendance.confirm_hours(organiser, [signup])
    shelf.redeem(user, shop, _item(shop, price=5).id)
    db.session.commit()
    due = ledger.due_to_expire(user, within=timedelta(days=40))
    assert [d.points for d in due] == [15]
    later = utcnow() + timedelta(days=40)
    assert ledger.expire_points(later) == 1
    assert ledger.expire_points(later) == 0
    db.session.commit()
    assert _balance(user, shop) == 0
    assert ledger.audit() == []


# ---------------------------------------------------------------- the audit


def test_the_audit_reports_a_tampered_balance_and_a_tampered_entry(earner, shop):
    assert ledger.audit() == []
    db.session.execute(db.update(PointsBalance).values(balance=PointsBalance.balance + 100))
    db.session.commit()
    assert any("balance" in line for line in ledger.audit())
    db.session.execute(db.update(PointsBalance).values(balance=PointsBalance.balance + 100))
    db.session.execute(db.update(PointsEntry).values(amount=220))
    db.session.commit()
    problems = ledger.audit()
    assert any("service points" in line for line in problems)


def test_the_audit_command_says_no_differences(app, runner, earner):
    result = runner.invoke(args=["points-audit"])
    assert result.exit_code == 0 and "no differences" in result.output
    db.session.execute(db.update(PointsBalance).values(balance=1))
    db.session.commit()
    assert runner.invoke(args=["points-audit"]).exit_code != 0


def test_the_daily_commands_are_safe_to_run_twice(app, runner, earner):
    for command in ("points-expire", "shop-release"):
        assert runner.invoke(args=[command]).exit_code == 0
        assert runner.invoke(args=[command]).exit_code == 0


# ---------------------------------------------------------------- pages


def test_the_shop_page_lists_items_in_stock(client, shop, count_queries):
    _item(shop, stock=0).name = "已兑完"
    db.session.commit()
    _item(shop, stock=3)
    url = f"/communities/{shop.community_id}/shop"
    with count_queries() as few:
        page = client.get(url)
    for n in range(5):
        _item(shop, stock=1 + n)
    with count_queries() as more:
        client.get(url)
    assert page.status_code == 200 and "大米" in page.text and "已兑完" not in page.text
    assert few.count == more.count


def test_a_missing_shop_is_not_found(client):
    assert client.get("/communities/999999/shop").status_code == 404
    assert client.get("/streets/999999/shop").status_code == 404


def test_redeeming_on_the_phone_shows_the_pickup_code(client, auth, earner, shop):
    item = _item(shop, price=15)
    auth.login(earner)
    reply = client.post(f"/shops/{shop.id}/items/{item.id}/redeem")
    assert reply.status_code == 302 and "/my/redemptions/" in reply.location
    page = client.get(reply.location)
    assert "<svg" in page.text and "pickup-code" in page.text
    mine = client.get("/my/points")
    assert mine.status_code == 200 and ">5<" not in mine.text
    again = client.post(f"/shops/{shop.id}/items/{item.id}/redeem")
    assert again.status_code == 302 and again.location.endswith(
        f"/communities/{shop.community_id}/shop"
    )


def test_only_the_keeper_manages_the_shop(client, auth, shop, make_user, grant):
    auth.login(make_user())
    assert client.get(f"/shops/{shop.id}/manage").status_code == 403
    keeper = make_user("店长")
    grant(keeper, shop.community)
    auth.logout()
    auth.login(keeper)
    assert client.get(f"/shops/{shop.id}/manage").status_code == 200


def test_the_keeper_hands_over_by_typed_code_and_downloads_the_report(
    client, auth, earner, shop, make_user, grant
):
    keeper = make_user("店长")
    grant(keeper, shop.community)
    redemption = shelf.redeem(earner, shop, _item(shop).id)
    db.session.commit()
    auth.login(keeper)
    found = client.post(f"/shops/{shop.id}/counter", data={"code": redemption.code})
    assert found.status_code == 302 and "/pickup/" in found.location
    assert client.post(found.location).status_code == 302
    db.session.refresh(redemption)
    assert redemption.status is RedemptionStatus.HANDED_OVER
    month = local_now().strftime("%Y-%m")  # the report's months are local
    reply = client.get(f"/shops/{shop.id}/report.xlsx?month={month}")
    book = load_workbook(io.BytesIO(reply.data))
    assert [c.value for c in book.worksheets[0][2]][1:] == [20, 10, 0, 10]
    assert client.get(f"/shops/{shop.id}/report.xlsx?month=2024-13").status_code == 404


def test_a_bad_typed_code_changes_nothing(client, auth, shop, make_user, grant):
    keeper = make_user("店长")
    grant(keeper, shop.community)
    auth.login(keeper)
    reply = client.post(f"/shops/{shop.id}/counter", data={"code": "NOPE"}, follow_redirects=True)
    assert reply.status_code == 200 and "manage" in reply.request.path


def test_the_demo_volunteers_have_points_at_phoenix_hill(seeded):
    from planner.accounts.models import User
    from planner.directory.models import Community

    community = db.session.scalar(db.select(Community).where(Community.name == "凤凰山社区"))
    shop = ledger.shop_of(community)
    volunteer = db.session.scalar(db.select(User).where(User.phone == "+8613800000011"))
    assert _balance(volunteer, shop) > 0
    assert any(i.donor and i.donor.name == "青岛鑫三利公司" for i in shelf.items_of(shop))
    assert ledger.audit() == []


def test_the_audit_reports_hours_that_earned_no_points(earner, shop):
    db.session.execute(db.delete(PointsEntry))
    db.session.execute(db.delete(PointsBalance))
    db.session.commit()
    assert ledger.audit() == [f"service points signup={_signup_of(earner)}: no ledger entry"]


def _signup_of(user):
    from planner.signups.models import Signup

    return db.session.scalar(db.select(Signup.id).where(Signup.user_id == user.id))


def test_my_points_runs_a_constant_number_of_queries(client, auth, earner, shop, count_queries):
    auth.login(earner)
    with count_queries() as few:
        page = client.get("/my/points")
    for _ in range(3):
        shelf.redeem(earner, shop, _item(shop, price=1).id)
    db.session.commit()
    with count_queries() as more:
        client.get("/my/points")
    assert page.status_code == 200 and "测试活动" in page.text
    assert few.count == more.count


def test_the_keeper_sets_rules_forward_and_lists_an_item(client, auth, shop, make_user, grant):
    keeper = make_user("店长")
    grant(keeper, shop.community)
    auth.login(keeper)
    page = client.get(f"/shops/{shop.id}/manage")
    assert 'value="10"' in page.text  # the rules in force, to change from
    past = (date.today() - timedelta(days=1)).isoformat()
    refused = client.post(
        f"/shops/{shop.id}/rules",
        data={"effective_on": past, "per_hour": "20", "per_audience": "0", "per_quiz": "0"},
    )
    assert refused.status_code == 200 and "不能追溯" in refused.text
    later = (date.today() + timedelta(days=2)).isoformat()
    saved = client.post(
        f"/shops/{shop.id}/rules",
        data={"effective_on": later, "per_hour": "20", "per_audience": "0", "per_quiz": "0"},
    )
    assert saved.status_code == 302
    assert ledger.rule_on(shop, date.today() + timedelta(days=3)).per_hour == 20
    bad = client.post(
        f"/shops/{shop.id}/items/new", data={"name": "油", "price": "-1", "stock": "x"}
    )
    assert bad.status_code == 200 and db.session.scalar(db.select(ShopItem.id)) is None
    good = client.post(
        f"/shops/{shop.id}/items/new",
        data={"name": "油", "icon": "oil", "price": "30", "stock": "4", "donor": "", "active": "y"},
    )
    assert good.status_code == 302
    assert client.get(f"/communities/{shop.community_id}/shop").text.count("油") >= 1


def test_the_daily_commands_run_twice_at_once_act_once(served, shop, at_once):
    from planner.points.models import Redemption

    signup, user, organiser = served
    ledger.rule_on(shop, date.today()).expiry_months = 1
    db.session.commit()
    attendance.confirm_hours(organiser, [signup])
    redemption = shelf.redeem(user, shop, _item(shop, stock=2, price=5).id)
    db.session.commit()
    later = utcnow() + timedelta(days=400)
    released = at_once(lambda: shelf.release_unclaimed(later), n=4)
    assert sorted(released) == [0, 0, 0, 1], released
    expired = at_once(lambda: ledger.expire_points(later), n=4)
    assert sorted(expired) == [0, 0, 0, 1], expired
    assert db.session.get(Redemption, redemption.id).status is RedemptionStatus.RELEASED
    assert _balance(user, shop) == 0
    assert ledger.audit() == []


def test_an_organiser_opens_the_shop_once_and_sets_its_pickup_days(
    client, auth, make_community, make_user, grant
):
    community = make_community()
    keeper = make_user("店长")
    grant(keeper, community)
    auth.login(keeper)
    page = client.get(f"/communities/{community.id}/shop")
    assert "/shop/open" in page.text
    first = client.post(f"/communities/{community.id}/shop/open")
    second = client.post(f"/communities/{community.id}/shop/open")
    assert first.location == second.location
    shop = ledger.shop_of(community)
    assert (
        client.post(f"/shops/{shop.id}/settings", data={"release_after_days": "0"}).status_code
        == 302
    )
    assert db.session.get(type(shop), shop.id).release_after_days == 7
    client.post(f"/shops/{shop.id}/settings", data={"release_after_days": "3"})
    db.session.expire_all()
    assert db.session.get(type(shop), shop.id).release_after_days == 3


def test_others_cannot_open_keep_or_hand_over(client, auth, earner, shop, make_user):
    redemption = shelf.redeem(earner, shop, _item(shop).id)
    db.session.commit()
    token = shelf.pickup_token(redemption)
    auth.login(make_user("路人"))
    assert client.post(f"/communities/{shop.community_id}/shop/open").status_code == 403
    for path in (
        f"/shops/{shop.id}/pickup/{token}",
        f"/shops/{shop.id}/report.xlsx?month=2026-01",
        f"/shops/{shop.id}/items/new",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/shops/{shop.id}/pickup/{token}").status_code == 403
    assert client.get(f"/my/redemptions/{redemption.id}").status_code == 404


def test_donors_see_what_their_items_became_in_counts_only(client, earner, shop, make_user):
    from planner.directory.models import PartnerOrganisation

    donor = PartnerOrganisation(name="青岛鑫三利公司")
    db.session.add(donor)
    db.session.commit()
    redemption = shelf.redeem(earner, shop, _item(shop, stock=4, donor_id=donor.id).id)
    shelf.hand_over(make_user(admin=True), redemption)
    db.session.commit()
    page = client.get(f"/partners/{donor.id}/donations")
    assert page.status_code == 200 and "大米" in page.text
    assert '<td class="text-end">3</td><td class="text-end">1</td>' in page.text
    assert earner.real_name not in page.text
    assert client.get("/partners/999999/donations").status_code == 404
