"""Words and numbers a resident reads: past events say they took place and how many came, hours
carry their unit, one date format per language, plain wording for quizzes, calendars and filters."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale

from planner.events.models import Event, EventKind
from planner.extensions import db
from planner.i18n import format_local_date, format_local_datetime, format_minutes
from planner.timeutil import from_local

EN = {"Accept-Language": "en"}


@pytest.fixture
def community_organiser(make_user, make_community, grant):
    community = make_community("凤凰山社区")
    organiser = make_user("赵凤山")
    grant(organiser, community)
    return community, organiser


# ---------------------------------------------------------------- past events


def test_an_event_that_took_place_says_so_and_how_many_came_not_places_left(
    client, make_event, make_volunteers, sign_up, rewind
):
    event = make_event(title="沙滩清扫", shifts=(("清扫", 10),), seats_capacity=50)
    volunteers = make_volunteers(3)
    signups = [sign_up(event.shifts[0], v) for v in volunteers]
    rewind(event)
    for signup in signups[:2]:
        signup.checked_in_at = event.starts_at
    db.session.commit()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "本活动已于" in page and "举行" in page
    assert "到场志愿者 2 人。" in page
    assert "共预约观众席位 0 个。" in page
    for offer in ("剩余", "报名</a>", "预约席位</a>", "个席位（共", "候补"):
        assert offer not in page, offer
    listing = client.get("/events?past=1").get_data(as_text=True)
    card = listing.split("沙滩清扫")[1].split("</article>")[0]
    assert "已举行" in card and "剩余" not in card


def test_the_sign_up_and_seat_pages_of_an_event_that_took_place_offer_nothing(
    client, auth, make_user, make_event, rewind
):
    event = make_event(shifts=(("清扫", 10),), seats_capacity=50)
    rewind(event)
    auth.login(make_user())
    for path in (f"/shifts/{event.shifts[0].id}/signup", f"/events/{event.id}/seats"):
        page = client.get(path).get_data(as_text=True)
        assert "本活动已于" in page, path
        assert "确认报名" not in page and "个席位" not in page and 'name="party_size"' not in page


def test_a_cancelled_event_offers_no_places(client, make_event):
    from planner.events.models import EventStatus

    event = make_event(shifts=(("清扫", 10),), status=EventStatus.CANCELLED)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "本活动已取消" in page or "已取消" in page
    assert "剩余" not in page and "报名</a>" not in page


# ---------------------------------------------------------------- hours, cut-off, dates


def test_hours_always_carry_their_unit(app, client, auth, make_user, make_event, sign_up, rewind):
    me = make_user()
    event = make_event(shifts=(("清扫", 5),))
    signup = sign_up(event.shifts[0], me)
    rewind(event)
    signup.minutes = 90
    db.session.commit()
    auth.login(me)
    page = client.get("/my/volunteering").get_data(as_text=True)
    assert "1.5 小时" in page
    assert not re.search(r'class="fs-3">[\d.]+</div>', page)  # the totals too
    with app.test_request_context(headers=EN), force_locale("en"):
        assert app.jinja_env.filters["hours"](150) == "2.5 h"


def test_no_template_shows_bare_hours():
    """Hours go through ``minutes|hours`` (2.5 小时 / 2.5 h). Only the certificate writes the bare
    figure, in its 时长（小时） column and inside sentences that name the unit themselves."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "templates"
    bare = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if "fmt_hours(" in path.read_text(encoding="utf-8")
    ]
    assert bare == ["signups/certificate.html"]


def test_the_cancellation_cut_off_is_in_hours_when_it_is_whole_hours(
    app, client, auth, make_user, make_event, sign_up
):
    me = make_user()
    event = make_event(shifts=(("清扫", 5),))
    sign_up(event.shifts[0], me)
    auth.login(me)
    page = client.get(f"/shifts/{event.shifts[0].id}/signup").get_data(as_text=True)
    assert "开始前 2 小时内取消记为临时取消" in page
    with app.test_request_context():
        assert (format_minutes(120), format_minutes(90), format_minutes(60)) == (
            "2 小时",
            "90 分钟",
            "1 小时",
        )
    with app.test_request_context(headers=EN), force_locale("en"):
        assert (format_minutes(120), format_minutes(45)) == ("2 hours", "45 minutes")


def test_one_date_format_per_language_long_on_event_pages_short_in_tables(app, client, make_event):
    moment = from_local(datetime(2026, 12, 8, 14, 30))
    with app.test_request_context():
        assert format_local_date(moment) == "2026年12月8日"
        assert format_local_datetime(moment) == "2026年12月8日 14:30"
        assert format_local_date(moment, "long") == "2026年12月8日 星期二"
    with app.test_request_context(headers=EN), force_locale("en"):
        assert format_local_date(moment) == "8 Dec 2026"
        assert format_local_datetime(moment, "short") == "8 Dec 2026 14:30"
        assert format_local_date(moment, "long") == "Tuesday 8 December 2026"
    event = make_event(shifts=(("清扫", 5),))
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        long_form = format_local_date(event.starts_at, "long")
        short_form = format_local_date(event.starts_at)
    assert long_form in client.get(f"/events/{event.id}").text  # the event's page: with weekday
    listing = client.get("/events").text
    assert short_form in listing and long_form not in listing
    for path in (f"/events/{event.id}", "/events"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"\b20\d\d/\d{1,2}/\d{1,2}\b", page), path


# ---------------------------------------------------------------- quizzes


def test_a_prize_quiz_states_pass_mark_and_draw_threshold_apart_and_links_to_the_draw(
    client, make_quiz
):
    quiz = make_quiz(is_prize=True, pass_percent=60, eligible_min_percent=80)
    page = client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)
    assert "得分达到总分的 60% 及以上即为及格" in page
    assert "抽奖资格：得分达到总分的 80% 及以上" in page and "及格只需 60%" in page
    link = re.search(rf'<a [^>]*href="/quizzes/{quiz.id}/draw"[^>]*>', page).group(0)
    assert "btn" not in link


def test_an_english_page_shows_the_quiz_description_in_english_when_it_has_one(client, make_quiz):
    quiz = make_quiz(description="中文说明", description_en="English description")
    assert "English description" in client.get(f"/quizzes/{quiz.id}", headers=EN).text
    assert "中文说明" in client.get(f"/quizzes/{quiz.id}").text
    plain = make_quiz(description="只有中文")
    assert "只有中文" in client.get(f"/quizzes/{plain.id}", headers=EN).text


# ---------------------------------------------------------------- calendars and filters


def test_the_calendar_page_offers_kinds_as_links_and_keeps_the_kind_in_every_feed(
    client, make_community
):
    community = make_community()
    page = client.get("/calendar").get_data(as_text=True)
    assert 'href="/calendar?kind=cleanup"' in page
    assert "?kind=cleanup" not in re.sub(r'href="[^"]*"', "", page)  # never asked to type it
    picked = client.get("/calendar?kind=cleanup").get_data(as_text=True)
    assert 'aria-current="page">环境清理' in picked or 'aria-current="page"' in picked
    assert f"/calendar/communities/{community.id}.ics?kind=cleanup" in picked.replace("&amp;", "&")
    assert client.get("/calendar?kind=nonsense").status_code == 200


def test_the_events_list_subscribes_to_its_filter_or_says_it_subscribes_to_everything(
    client, make_community
):
    community = make_community("华泰社区")
    page = client.get(f"/events?community={community.id}&kind=cleanup").text.replace("&amp;", "&")
    assert re.search(rf"/calendar/communities/{community.id}\.ics\?(lang=zh&)?kind=cleanup", page)
    assert "订阅这些活动" in page and "华泰社区" in page
    searched = client.get(f"/events?community={community.id}&q=清扫").text
    assert "其他筛选条件" in searched
    everything = client.get("/events?q=清扫").text
    assert "这个日历包含全部活动" in everything
    assert "/calendar/all.ics" in everything


def test_picking_a_district_narrows_the_streets_and_communities_offered(client, make_community):
    south = make_community("南社区", district_name="市南区")
    north = make_community("北社区", district_name="市北区")
    page = client.get(f"/events?district={south.street.district_id}").text
    streets = page.split('id="street"')[1].split("</select>")[0]
    communities = page.split('id="community"')[1].split("</select>")[0]
    assert south.street.name in streets and north.street.name not in streets
    assert "南社区" in communities and "北社区" not in communities
    # Each option says where it belongs, so filters.js narrows them before the form is sent.
    assert f'data-district="{south.street.district_id}"' in communities
    assert "js/filters.js" in page
    by_street = client.get(f"/events?street={north.street_id}").text
    assert "北社区" in by_street.split('id="community"')[1].split("</select>")[0]
    assert "南社区" not in by_street.split('id="community"')[1].split("</select>")[0]


# ---------------------------------------------------------------- organisers


def test_the_new_event_form_folds_the_map_position_and_defaults_to_the_hosts_community(
    client, auth, community_organiser
):
    community, organiser = community_organiser
    auth.login(organiser)
    page = client.get("/events/new").text
    folded = page.split("<details")[-1].split("</details>")[0]
    assert 'name="latitude"' in folded and 'name="longitude"' in folded
    picked = re.search(r'<option selected value="(\d+)">[^<]*凤凰山社区', page) or re.search(
        r'<option value="(\d+)" selected>[^<]*凤凰山社区', page
    )
    assert picked and int(picked.group(1)) == community.id
    response = client.post(
        "/events/new",
        data={
            "title": "楼道清扫",
            "kind": EventKind.CLEANUP.value,
            "host": f"community:{community.id}",
            "starts_at": (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%dT09:00"),
            "ends_at": (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%dT11:00"),
            "community_id": "",
            "max_party_size": "4",
        },
    )
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event).where(Event.title == "楼道清扫"))
    assert event.community_id == community.id


def test_adding_a_co_host_says_co_host(client, auth, community_organiser, make_event):
    community, organiser = community_organiser
    event = make_event(hosts=(community,))
    auth.login(organiser)
    page = client.get(f"/events/{event.id}/manage").text
    assert "添加协办单位" in page
