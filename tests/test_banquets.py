"""The neighbourhood banquet: the menu plan's limits, claims, tables, leftovers, notices, pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from planner.banquets import plans, seating, services, waste
from planner.banquets.models import DishCategory, DishClaim
from planner.events.models import EventKind
from planner.extensions import db
from planner.notifications.models import Notification
from planner.signups import bookings, notices


@pytest.fixture
def banquet(make_event, organiser):
    """A published banquet in three days (120 seats, parties of up to 6) with *Dishes* on."""
    _user, department = organiser
    event = make_event(
        title="测试百家宴",
        kind=EventKind.BANQUET,
        seats_capacity=120,
        max_party_size=6,
        hosts=(department,),
    )
    plans.enable_dishes(event)
    db.session.commit()
    return event


@pytest.fixture
def household(banquet, make_user):
    """``household(name, party)``: a resident with confirmed seats at the banquet."""

    def make(name: str = "居民", party: int = 3):
        user = make_user(name)
        bookings.book_seats(banquet.id, user, party)
        db.session.commit()
        return user

    return make


def _category(event, name_zh: str) -> DishCategory:
    return next(c for c in plans.plan_of(event).categories if c.name_zh == name_zh)


def _claim(event, user, name_zh="热菜", dish="红烧肉", **kwargs):
    kwargs.setdefault("plates", 1)
    kwargs.setdefault("tags", [])
    claim = services.claim_dish(
        event, user, category_id=_category(event, name_zh).id, name=dish, **kwargs
    )
    db.session.commit()
    return claim


def _set_wanted(event, name_zh: str, wanted: int) -> None:
    _category(event, name_zh).wanted = wanted
    db.session.commit()


# ---------------------------------------------------------------- claims


def test_a_household_with_seats_claims_a_dish_and_its_category_counts_it(
    banquet, household, in_request
):
    resident = household("张晓明")
    claim = _claim(banquet, resident, tags=["spicy", "halal"], plates=2)
    assert (claim.name, claim.plates, claim.tag_codes) == ("红烧肉", 2, ["halal", "spicy"])
    assert _category(banquet, "热菜").claimed == 1


def test_only_households_with_confirmed_seats_bring_a_dish(banquet, make_user, in_request):
    with pytest.raises(services.SeatsFirst):
        _claim(banquet, make_user("没订座"))


def test_a_full_category_refuses_and_names_the_categories_still_needed(
    banquet, household, in_request
):
    _set_wanted(banquet, "热菜", 1)
    _claim(banquet, household("一号"))
    with pytest.raises(services.CategoryFull) as refused:
        _claim(banquet, household("二号"), dish="糖醋鱼")
    message = str(refused.value.message)
    assert "热菜" in message and "凉菜 (6)" in message and "汤 (3)" in message
    assert _category(banquet, "热菜").claimed == 1


def test_changing_the_category_moves_the_claim_and_withdrawing_frees_it(
    banquet, household, in_request
):
    resident = household()
    _claim(banquet, resident)
    _claim(banquet, resident, "汤", dish="紫菜蛋花汤")
    assert (_category(banquet, "热菜").claimed, _category(banquet, "汤").claimed) == (0, 1)
    assert db.session.scalar(db.select(db.func.count(DishClaim.id))) == 1
    services.withdraw_dish(banquet, resident)
    db.session.commit()
    assert _category(banquet, "汤").claimed == 0
    with pytest.raises(services.NoClaim):
        services.withdraw_dish(banquet, resident)


def test_after_the_cut_off_a_dish_can_no_longer_be_claimed_or_withdrawn(
    banquet, household, in_request
):
    resident = household()
    _claim(banquet, resident)
    late = banquet.starts_at - timedelta(minutes=banquet.cancellation_cutoff_minutes - 1)
    with pytest.raises(services.ClaimsClosed):
        _claim(banquet, resident, "汤", dish="汤", now=late)
    with pytest.raises(services.ClaimsClosed):
        services.withdraw_dish(banquet, resident, now=late)


def test_unknown_tags_and_categories_are_refused(banquet, household, in_request):
    resident = household()
    with pytest.raises(services.UnknownTag):
        _claim(banquet, resident, tags=["pork"])
    db.session.rollback()
    with pytest.raises(services.UnknownCategory):
        services.claim_dish(banquet, resident, category_id=999999, name="x", plates=1, tags=[])


def test_the_database_refuses_more_claims_than_a_category_wants(banquet, household, in_request):
    _set_wanted(banquet, "汤", 1)
    _claim(banquet, household(), "汤", dish="汤")
    category = _category(banquet, "汤")
    with pytest.raises(IntegrityError):
        db.session.execute(
            db.update(DishCategory).where(DishCategory.id == category.id).values(claimed=2)
        )
        db.session.flush()
    db.session.rollback()


def test_one_claim_a_household_is_held_by_the_database(banquet, household, in_request):
    resident = household()
    first = _claim(banquet, resident)
    db.session.add(
        DishClaim(
            event_id=banquet.id, category_id=first.category_id, user_id=resident.id, name="再来"
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_fifty_households_claiming_the_last_five_hot_dishes_get_five(
    banquet, household, at_once, in_request
):
    _set_wanted(banquet, "热菜", 5)
    residents = [household(f"住户{i:02d}", 1).id for i in range(50)]
    event_id, category_id = banquet.id, _category(banquet, "热菜").id
    turn = iter(residents)

    def claim():
        from planner.accounts.models import User
        from planner.events.models import Event

        user = db.session.get(User, next(turn))
        return services.claim_dish(
            db.session.get(Event, event_id),
            user,
            category_id=category_id,
            name="菜",
            plates=1,
            tags=[],
        )

    results = at_once(claim, n=50)
    refused = [r for r in results if isinstance(r, services.CategoryFull)]
    assert len([r for r in results if isinstance(r, DishClaim)]) == 5
    assert len(refused) == 45
    assert _category(banquet, "热菜").claimed == 5


def test_a_menu_plan_keeps_claimed_categories_and_refuses_wanting_fewer(
    banquet, household, in_request
):
    _claim(banquet, household())
    common = {"seats_per_table": 8, "tables_planned": 12, "extra_plates": 1, "notes": "自带餐盒"}
    with pytest.raises(plans.CategoryHasClaims):
        plans.save_plan(banquet, lines="凉菜 | Cold dishes | 4", **common)
    db.session.rollback()
    with pytest.raises(plans.BadMenuLine):
        plans.save_plan(banquet, lines="热菜 | Hot | many", **common)
    db.session.rollback()
    plan = plans.save_plan(banquet, lines="热菜 | Hot dishes | 3\n水果 | Fruit | 2", **common)
    db.session.commit()
    assert [(c.name_zh, c.wanted, c.claimed) for c in plan.categories] == [
        ("热菜", 3, 1),
        ("水果", 2, 0),
    ]
    assert (plan.seats_per_table, plan.notes) == (8, "自带餐盒")


def test_no_waste_warns_when_the_plates_are_well_over_the_guideline(banquet, household, in_request):
    one = household("一", 6)
    household("二", 4)
    menu = services.menu_of(banquet, plans.plan_of(banquet))
    # 10 people fill one table: the guideline is 10 + 1 plates.
    assert (menu.no_waste.tables, menu.no_waste.guideline, menu.no_waste.well_over) == (
        1,
        11,
        False,
    )
    for i in range(3):
        _claim(banquet, household(f"多{i}", 1), "凉菜", dish=f"凉菜{i}", plates=5)
    _claim(banquet, one, plates=5)
    menu = services.menu_of(banquet, plans.plan_of(banquet))
    # 13 people at two tables: guideline 15; 20 plates is more than a plate a table over.
    assert (menu.no_waste.plates, menu.no_waste.guideline, menu.no_waste.well_over) == (
        20,
        15,
        True,
    )


def test_no_waste_warns_when_the_plan_wants_more_than_full_tables_eat(banquet, in_request):
    plan = plans.plan_of(banquet)
    plan.tables_planned = 2
    db.session.commit()
    # 32 dishes wanted; two full tables of ten eat 2 × 11 = 22 plates.
    assert services.menu_of(banquet, plan).no_waste.well_over


# ---------------------------------------------------------------- tables


def test_tables_seat_parties_together_in_booking_order(banquet, household, in_request):
    plan = plans.plan_of(banquet)
    plan.tables_planned, plan.seats_per_table = 0, 10
    db.session.commit()
    first, second, third, fourth = (
        household(n, p) for n, p in (("甲", 6), ("乙", 3), ("丙", 6), ("丁", 1))
    )
    assert seating.assign_tables(banquet) == 4
    db.session.commit()
    seated = {
        b.user.real_name: row.table.number
        for row in seating.table_plan(banquet).rows
        for b in row.bookings
    }
    assert seated == {"甲": 1, "乙": 1, "丙": 2, "丁": 1}
    assert seating.table_number_of(banquet, third) == 2
    assert seating.assign_tables(banquet) == 0  # nobody is moved twice


def test_an_organiser_moves_a_household_only_to_a_table_with_room(banquet, household, in_request):
    plan = plans.plan_of(banquet)
    plan.tables_planned, plan.seats_per_table = 0, 10
    db.session.commit()
    big, small = household("甲", 6), household("乙", 5)
    seating.assign_tables(banquet)
    db.session.commit()
    rows = seating.table_plan(banquet).rows
    small_booking = next(b for r in rows for b in r.bookings if b.user_id == small.id)
    big_booking = next(b for r in rows for b in r.bookings if b.user_id == big.id)
    with pytest.raises(seating.TableFull):
        seating.move_household(banquet, big_booking.id, seating.table_number_of(banquet, small))
    db.session.rollback()
    seating.move_household(banquet, small_booking.id, 7)
    db.session.commit()
    assert seating.table_number_of(banquet, small) == 7


# ---------------------------------------------------------------- leftovers and notices


def test_leftovers_are_recorded_after_the_banquet_as_a_clean_plate_rate(
    banquet, household, in_request
):
    _claim(banquet, household("一"), plates=3)
    _claim(banquet, household("二"), "汤", dish="汤", plates=1)
    with pytest.raises(waste.NotEnded):
        waste.record_leftovers(banquet, 1, "")
    after = banquet.ends_at + timedelta(hours=1)
    with pytest.raises(waste.TooManyLeftovers):
        waste.record_leftovers(banquet, 5, "", now=after)
    waste.record_leftovers(banquet, 1, "剩一盘凉菜", now=after)
    db.session.commit()
    leftovers = waste.leftovers_of(banquet)
    assert (leftovers.plates_served, leftovers.leftover_plates) == (4, 1)
    assert leftovers.clean_plate_rate == 0.75


def test_a_claim_is_confirmed_through_the_outbox(banquet, household, in_request):
    resident = household()
    _claim(banquet, resident)
    note = db.session.scalar(
        db.select(Notification).where(Notification.recipient_id == resident.id)
    )
    assert "红烧肉" in note.body and "热菜" in note.body


def test_the_day_before_households_are_reminded_of_their_table_and_dish(
    banquet, household, in_request
):
    resident = household()
    _claim(banquet, resident)
    seating.assign_tables(banquet)
    db.session.commit()
    day_before = banquet.starts_at - timedelta(days=1)
    notices.send_reminders(now=day_before)
    notices.send_reminders(now=day_before)  # twice: one reminder
    db.session.commit()
    reminders = db.session.scalars(
        db.select(Notification).where(
            Notification.recipient_id == resident.id, Notification.dedupe_key.like("banquet:%")
        )
    ).all()
    assert len(reminders) == 1
    assert "您的桌号：1" in reminders[0].body and "红烧肉" in reminders[0].body


# ---------------------------------------------------------------- pages


def test_visitors_see_the_menu_with_masked_names_and_organisers_full_names(
    banquet, household, client, auth, organiser, in_request
):
    _claim(banquet, household("张晓明"), tags=["spicy"])
    page = client.get(f"/events/{banquet.id}/dishes").get_data(as_text=True)
    assert "红烧肉" in page and "张*明" in page and "张晓明" not in page and "1 / 12" in page
    auth.login(organiser[0])
    page = client.get(f"/events/{banquet.id}/dishes").get_data(as_text=True)
    assert "张晓明" in page
    assert "张晓明" in client.get(f"/events/{banquet.id}/dishes/print").get_data(as_text=True)


def test_a_resident_claims_on_the_page_and_sees_the_menu_and_table_number(
    banquet, household, client, auth
):
    resident = household("刘海燕")
    auth.login(resident)
    page = client.get(f"/events/{banquet.id}/dishes").get_data(as_text=True)
    form = {
        "category": str(_category(banquet, "热菜").id),
        "name": "红烧肉",
        "plates": "2",
        "tags": ["spicy"],
        "csrf_token": _csrf(page),
    }
    reply = client.post(f"/events/{banquet.id}/dishes", data=form)
    assert reply.status_code == 302
    seating.assign_tables(banquet)
    db.session.commit()
    page = client.get(f"/events/{banquet.id}/dishes").get_data(as_text=True)
    assert "红烧肉" in page and "您的桌号：1" in page
    assert "您的桌号：1" in client.get(f"/events/{banquet.id}").get_data(as_text=True)


def test_a_full_category_on_the_page_says_so_and_suggests_what_is_needed(
    banquet, household, client, auth, in_request
):
    _set_wanted(banquet, "热菜", 0)
    auth.login(household())
    page = client.get(f"/events/{banquet.id}/dishes").get_data(as_text=True)
    reply = client.post(
        f"/events/{banquet.id}/dishes",
        data={
            "category": str(_category(banquet, "热菜").id),
            "name": "红烧肉",
            "plates": "1",
            "csrf_token": _csrf(page),
        },
    )
    text = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "还需要" in text and "凉菜" in text


def test_the_dishes_page_runs_a_constant_number_of_queries(
    banquet, household, client, count_queries, in_request
):
    _claim(banquet, household("一"))
    client.get(f"/events/{banquet.id}/dishes")
    with count_queries() as few:
        client.get(f"/events/{banquet.id}/dishes")
    for i in range(5):
        _claim(banquet, household(f"多{i}"), "凉菜", dish=f"凉菜{i}")
    with count_queries() as many:
        client.get(f"/events/{banquet.id}/dishes")
    assert few.count == many.count


def test_only_organisers_plan_the_menu_and_seat_tables(banquet, household, client, auth):
    auth.login(household())
    for path in ("dishes/plan", "tables", "tables/print"):
        assert client.get(f"/events/{banquet.id}/{path}").status_code == 403


def test_an_organiser_sets_the_plan_seats_tables_and_prints_cards(
    banquet, household, client, auth, organiser
):
    household("甲", 4)
    auth.login(organiser[0])
    page = client.get(f"/events/{banquet.id}/dishes/plan").get_data(as_text=True)
    reply = client.post(
        f"/events/{banquet.id}/dishes/plan",
        data={
            "categories": "热菜 | Hot dishes | 10\n凉菜 | Cold dishes | 5",
            "tables_planned": "2",
            "seats_per_table": "10",
            "extra_plates": "1",
            "notes": "请自带餐盒",
            "csrf_token": _csrf(page),
        },
    )
    assert reply.status_code == 302
    page = client.get(f"/events/{banquet.id}/tables").get_data(as_text=True)
    assert (
        client.post(
            f"/events/{banquet.id}/tables/assign", data={"csrf_token": _csrf(page)}
        ).status_code
        == 302
    )
    cards = client.get(f"/events/{banquet.id}/tables/print").get_data(as_text=True)
    assert "甲" in cards and "table-card-number" in cards


def test_the_dishes_page_is_in_english_too(banquet, client):
    page = client.get(f"/events/{banquet.id}/dishes", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Hot dishes" in page and "Still needed" in page


def test_events_without_dishes_have_no_dishes_page(make_event, client):
    event = make_event()
    assert client.get(f"/events/{event.id}/dishes").status_code == 404


def _csrf(page: str) -> str:
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def test_once_tables_are_set_a_household_claiming_a_dish_gets_its_table_at_once(
    banquet, household, in_request
):
    household("早订", 4)
    seating.assign_tables(banquet)
    db.session.commit()
    late = household("晚订", 3)
    assert seating.table_number_of(banquet, late) is None
    _claim(banquet, late)
    assert seating.table_number_of(banquet, late) == 1


def test_the_demo_banquets_have_a_menu_claims_tables_and_leftovers(seeded, in_request):
    from planner.banquets import demo
    from planner.events.models import Event

    past = db.session.scalar(db.select(Event).where(Event.title == demo.PAST))
    coming = db.session.scalar(db.select(Event).where(Event.title == demo.COMING))
    assert waste.leftovers_of(past).clean_plate_rate == 0.9
    assert [len(r.bookings) for r in seating.table_plan(past).rows] == [3, 2]
    menu = services.menu_of(coming, plans.plan_of(coming))
    assert menu.dishes == 3 and _category(coming, "热菜").still_needed == 12
    assert [r.used for r in seating.table_plan(coming).rows][:1] == [9]


def test_the_event_page_links_to_the_dishes_and_shows_the_clean_plate_rate(seeded, client):
    from planner.banquets import demo
    from planner.events.models import Event

    past = db.session.scalar(db.select(Event).where(Event.title == demo.PAST))
    page = client.get(f"/events/{past.id}").get_data(as_text=True)
    assert f"/events/{past.id}/dishes" in page and "光盘率：90%" in page


def test_a_household_cancelling_its_seats_withdraws_its_dish_and_leaves_its_table(
    banquet, household, in_request
):
    resident = household()
    _claim(banquet, resident)
    seating.assign_tables(banquet)
    db.session.commit()
    bookings.cancel_seats(services.household_booking(banquet, resident))
    db.session.commit()
    assert _category(banquet, "热菜").claimed == 0
    assert services.claim_of(banquet, resident) is None
    assert seating.table_number_of(banquet, resident) is None


def test_a_households_dish_is_in_its_data_download(banquet, household, in_request, client, auth):
    resident = household("下载数据的居民")
    _claim(banquet, resident, dish="饺子", tags=["vegetarian"])
    auth.login(resident)
    data = client.get("/my/data.json").get_json()
    (claim,) = data["dish_claims"]
    assert (claim["event_id"], claim["category"], claim["dish"]) == (banquet.id, "热菜", "饺子")
    assert "vegetarian" in claim["tags"]
