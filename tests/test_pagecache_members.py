"""The page cache for signed-in volunteers (planner/pagecache.py): one stored copy of the event page,
the listing and the sign-up page serves every volunteer, and each request fills in the person's own
parts (their sign-up, its waitlist position, places left, their name, their CSRF token)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from planner import pagecache
from planner.extensions import db
from planner.signups.models import SignupStatus
from planner.timeutil import utcnow
from tests.test_pagecache import _empty_cache, app_config  # noqa: F401 - the cache on, empty


@pytest.fixture
def signed_in(app):
    """``signed_in(user)``: a client of its own with ``user``'s session (no password check)."""

    def make(user):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        return client

    return make


def _tokens_out(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="…"', page)


def _fresh(app, client, url: str) -> str:
    """The page rendered for the client's person alone: the cache turned off."""
    app.config["PLANNER_PAGE_CACHE_SECONDS"] = 0
    try:
        response = client.get(url)
        assert "X-Page-Cache" not in response.headers
        return _tokens_out(response.get_data(as_text=True))
    finally:
        app.config["PLANNER_PAGE_CACHE_SECONDS"] = 30


@pytest.fixture
def rush_event(make_event, make_user, make_volunteers, sign_up):
    """An open event with a shift of two places taken by two others, a roomy shift, and people
    in every state: waitlisted second, confirmed, cancelled, and with no sign-up at all."""
    event = make_event(title="国庆文明引导", shifts=(("引导员", 2), ("宣传员", 10)))
    full, roomy = event.shifts
    first, second, ahead = make_volunteers(3, prefix="别人")
    sign_up(full, first)
    sign_up(full, second)
    sign_up(full, ahead)  # waitlisted first
    people = {
        "nobody": make_user("没报名"),
        "waitlisted": make_user("候补者"),
        "confirmed": make_user("已报名"),
        "cancelled": make_user("已取消"),
    }
    sign_up(full, people["waitlisted"])
    sign_up(roomy, people["confirmed"])
    from planner.signups import places

    places.cancel(sign_up(roomy, people["cancelled"]), people["cancelled"])
    db.session.commit()
    return event, people


def test_every_volunteer_gets_the_shared_copy_with_their_own_parts_byte_for_byte(
    app, rush_event, signed_in, make_user
):
    event, people = rush_event
    full, roomy = event.shifts
    urls = [
        f"/events/{event.id}",
        "/events",
        f"/shifts/{full.id}/signup",
        f"/shifts/{full.id}/signup?done=1",
        f"/shifts/{roomy.id}/signup?done=1",
    ]
    primer = signed_in(make_user("先来的人"))
    for url in urls:
        assert primer.get(url).headers["X-Page-Cache"] == "miss", url
    for state, person in people.items():
        client = signed_in(person)
        for url in urls:
            response = client.get(url)
            assert response.headers["X-Page-Cache"] == "hit", (state, url)
            page = _tokens_out(response.get_data(as_text=True))
            assert page == _fresh(app, client, url), (state, url)
            assert person.real_name in page and "先来的人" not in page
            assert "<!--xf:" not in page and "xinfeng-" not in page


def test_each_person_sees_their_own_state(rush_event, signed_in):
    event, people = rush_event
    full, roomy = event.shifts
    pages = {
        state: signed_in(person).get(f"/events/{event.id}").get_data(as_text=True)
        for state, person in people.items()
    }
    assert "候补第 2 位" in pages["waitlisted"]
    assert "您已报名" in pages["confirmed"] and "候补第 2 位" not in pages["confirmed"]
    for state in ("nobody", "cancelled"):
        assert "您已报名" not in pages[state] and "候补第 2 位" not in pages[state]
    done = signed_in(people["waitlisted"]).get(f"/shifts/{full.id}/signup?done=1")
    assert "该岗位已满：您已进入候补" in done.get_data(as_text=True)
    done = signed_in(people["confirmed"]).get(f"/shifts/{roomy.id}/signup?done=1")
    assert "报名成功，到时见！" in done.get_data(as_text=True)
    nothing = signed_in(people["nobody"]).get(f"/shifts/{roomy.id}/signup?done=1")
    assert "报名成功" not in nothing.get_data(as_text=True)
    assert "确认报名" in nothing.get_data(as_text=True)


def test_the_stored_copy_holds_nothing_of_the_person_who_rendered_it(rush_event, signed_in):
    event, people = rush_event
    person = people["waitlisted"]
    signed_in(person).get(f"/events/{event.id}")
    stored = [v for k, (_, v) in pagecache.pages._local.items() if k.startswith("m|")]
    assert len(stored) == 1
    assert person.real_name.encode() not in stored[0]
    assert b"<!--xf:shift " in stored[0] and pagecache.NAME_MARK.encode() in stored[0]
    assert pagecache.TOKEN_MARK in stored[0]


def test_places_left_are_exact_for_volunteers_while_the_copy_stays(
    rush_event, signed_in, make_volunteers, sign_up
):
    event, people = rush_event
    roomy = event.shifts[1]
    client = signed_in(people["nobody"])
    assert "剩余 9 个名额" in client.get(f"/events/{event.id}").get_data(as_text=True)
    sign_up(roomy, make_volunteers(1, prefix="又一位")[0])
    response = client.get(f"/events/{event.id}")
    assert response.headers["X-Page-Cache"] == "hit"
    assert "剩余 8 个名额" in response.get_data(as_text=True)
    page = client.get(f"/shifts/{roomy.id}/signup").get_data(as_text=True)
    assert "余 8 个名额（共 10 个）" in page


def test_an_edit_shows_to_volunteers_at_once(rush_event, signed_in):
    event, people = rush_event
    client = signed_in(people["nobody"])
    client.get(f"/events/{event.id}")
    client.get(f"/shifts/{event.shifts[0].id}/signup")
    event.title = "改名后的活动"
    event.updated_at = utcnow()
    db.session.commit()
    for url in (f"/events/{event.id}", f"/shifts/{event.shifts[0].id}/signup"):
        response = client.get(url)
        assert response.headers["X-Page-Cache"] == "miss"
        assert "改名后的活动" in response.get_data(as_text=True)


def test_organisers_leaders_and_administrators_always_get_a_fresh_page(
    rush_event, signed_in, make_user, make_team, organiser
):
    from planner.directory.models import MembershipStatus, TeamMembership, TeamRole

    event, _people = rush_event
    leader = make_user("队长")
    db.session.add(
        TeamMembership(
            team=make_team(), user=leader, role=TeamRole.LEADER, status=MembershipStatus.ACTIVE
        )
    )
    db.session.commit()
    for person in (make_user("管理员", admin=True), organiser[0], leader):
        for url in (f"/events/{event.id}", f"/shifts/{event.shifts[0].id}/signup", "/events"):
            assert "X-Page-Cache" not in signed_in(person).get(url).headers, (person, url)
    assert not [k for k in pagecache.pages._local if k.startswith("m|")]


def test_seats_and_the_banquet_table_are_holes_too(app, make_event, make_user, signed_in):
    from planner.banquets import plans
    from planner.events.models import EventKind
    from planner.signups import bookings

    event = make_event(
        kind=EventKind.BANQUET, shifts=(("引导员", 5),), seats_capacity=40, max_party_size=4
    )
    booker, other = make_user("订座的人"), make_user("没订座的人")
    bookings.book_seats(event.id, booker, 3)
    plans.enable_dishes(event)
    db.session.commit()
    url = f"/events/{event.id}"
    assert signed_in(make_user("先来的人")).get(url).headers["X-Page-Cache"] == "miss"
    for person in (booker, other):
        client = signed_in(person)
        response = client.get(url)
        assert response.headers["X-Page-Cache"] == "hit"
        page = _tokens_out(response.get_data(as_text=True))
        assert page == _fresh(app, client, url)
    booked = signed_in(booker).get(url).get_data(as_text=True)
    assert "您已预约 3 个席位。" in booked and "余 37 个席位（共 40 个）" in booked
    assert "菜品与桌位" in booked or "Dishes" in booked or "🍲" in booked
    assert "您已预约" not in signed_in(other).get(url).get_data(as_text=True)


def test_a_page_cannot_forge_a_hole_and_names_stay_escaped(make_event, make_user, signed_in):
    event = make_event(description="<!--xf:shift 1 1 1--> 请勿伪造", shifts=(("引导员", 5),))
    person = make_user("<b>阿丽</b>")
    client = signed_in(make_user("先来的人"))
    client.get(f"/events/{event.id}")
    page = signed_in(person).get(f"/events/{event.id}").get_data(as_text=True)
    assert "&lt;!--xf:shift 1 1 1--&gt; 请勿伪造" in page
    assert "&lt;b&gt;阿丽&lt;/b&gt;" in page and "<b>阿丽</b>" not in page


def test_a_volunteer_page_from_the_cache_costs_two_queries(rush_event, signed_in, count_queries):
    event, people = rush_event
    signed_in(people["confirmed"]).get(f"/events/{event.id}")
    client = signed_in(people["waitlisted"])
    for url in (f"/events/{event.id}", f"/shifts/{event.shifts[0].id}/signup?done=1"):
        client.get(url)
        with count_queries() as counter:
            response = client.get(url)
        assert response.headers["X-Page-Cache"] == "hit"
        # The user with what they act for; the page's version with the shifts' places and mine.
        assert counter.count == 2, counter.statements


def test_a_past_event_shows_what_became_of_ones_sign_up(make_event, make_user, signed_in, sign_up):
    event = make_event(shifts=(("引导员", 5),))
    person = make_user("来过的人")
    signup = sign_up(event.shifts[0], person)
    event.starts_at -= timedelta(days=10)
    event.ends_at -= timedelta(days=10)
    db.session.commit()
    signup.status = SignupStatus.ATTENDED
    db.session.commit()
    client = signed_in(person)
    signed_in(make_user("先来的人")).get(f"/shifts/{event.shifts[0].id}/signup")
    page = client.get(f"/shifts/{event.shifts[0].id}/signup").get_data(as_text=True)
    assert "已到岗" in page and "确认报名" not in page and "本活动已于" in page


def test_a_copy_whose_holes_this_release_does_not_know_is_rendered_afresh(
    rush_event, signed_in, make_user
):
    event, people = rush_event
    url = f"/events/{event.id}"
    signed_in(make_user("先来的人")).get(url)
    [key] = [k for k in pagecache.pages._local if k.startswith("m|")]
    expires, body = pagecache.pages._local[key]
    pagecache.pages._local[key] = (expires, body.replace(b"<!--xf:shift ", b"<!--xf:gone ", 1))
    response = signed_in(people["waitlisted"]).get(url)
    assert response.status_code == 200 and "X-Page-Cache" not in response.headers
    assert "候补第 2 位" in response.get_data(as_text=True)


def test_cached_pages_read_without_a_transaction_and_writes_keep_theirs(
    rush_event, signed_in, make_user, count_queries
):
    event, people = rush_event
    client = signed_in(people["nobody"])
    shift = event.shifts[1]
    pages = (f"/events/{event.id}", f"/shifts/{shift.id}/signup", "/events")
    signup_url = f"/shifts/{shift.id}/signup"
    for url in pages:
        client.get(url)  # stored
    visitor = pagecache.current_app.test_client()
    with count_queries() as seen:
        for url in pages:
            assert client.get(url).headers["X-Page-Cache"] == "hit"
        assert visitor.get(pages[0]).status_code == 200
    assert seen.count and not any(seen.in_transaction)  # no BEGIN and ROLLBACK around them
    page = client.get(signup_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    with count_queries() as seen:
        response = client.post(signup_url, data={"csrf_token": token})
    assert response.status_code == 302 and seen.count and all(seen.in_transaction)
    # Another person's page rendered afresh (an organiser's) keeps its transaction too.
    admin = signed_in(make_user("管理员", admin=True))
    with count_queries() as seen:
        admin.get("/account")
    assert seen.count and all(seen.in_transaction)


def test_a_view_marked_as_only_reading_that_writes_is_refused_and_leaves_nothing(app, make_user):
    from planner.accounts.models import User
    from planner.database import WriteWhileReading, reads_only

    user = make_user("改名前")

    @reads_only
    def renames():
        db.session.execute(db.update(User).where(User.id == user.id).values(real_name="改名后"))
        return "renamed"

    app.add_url_rule("/test-renames", "test_renames", renames)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(WriteWhileReading):
        app.test_client().get("/test-renames")
    db.session.expire_all()
    assert db.session.get(User, user.id).real_name == "改名前"
