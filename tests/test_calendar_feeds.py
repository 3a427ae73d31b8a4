"""What calendar feeds hold: valid iCalendar for three parsers, the right events, the right fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.calendar import cache
from planner.directory.models import VolunteerTeam
from planner.events.models import (
    EventKind,
    EventStatus,
    HostRole,
    ProgrammeItem,
)
from planner.extensions import db
from planner.timeutil import utcnow
from tests.fixtures_calendar import by_uid, parse_feed, vevents

pytestmark = pytest.mark.usefixtures("fresh_feed_cache")

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(
    make_event, make_community, make_department, make_team, make_calendar_campaign, make_user
):
    """A department with its team, a campaign, and a show with hosts, programme and shifts."""
    community = make_community("仰口路社区")
    department = make_department("市委编办")
    team = make_team("精编通政志愿服务队", department_id=department.id)
    campaign = make_calendar_campaign("洁净家园·喜迎国庆")
    organiser = make_user("李编办", phone="13912345678")
    starts_at = datetime(2030, 10, 1, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
    show = make_event(
        "小戏小剧展演",
        kind=EventKind.SHOW,
        starts_at=starts_at,
        community=community,
        hosts=(department, team),
        shifts=(("引导员", 10), ("摄影", 2)),
        campaign=campaign,
        latitude=36.0623,
        longitude=120.3801,
        address="仰口路12号",
        description="移风易俗主题小戏。",
        created_by_id=organiser.id,
    )
    show.hosts[1].role = HostRole.COHOST
    show.shifts[0].confirmed_count = 3
    show.programme.append(
        ProgrammeItem(position=1, title="喜事新办", performer_text="凤凰山社区文艺社团")
    )
    db.session.commit()
    return {
        "community": community,
        "street": community.street,
        "district": community.street.district,
        "department": department,
        "team": team,
        "campaign": campaign,
        "show": show,
        "organiser": organiser,
    }


def feed_urls(w) -> list[str]:
    return [
        f"/events/{w['show'].id}.ics",
        "/calendar/all.ics",
        "/calendar/all.ics?kind=show",
        f"/calendar/districts/{w['district'].id}.ics",
        f"/calendar/streets/{w['street'].id}.ics",
        f"/calendar/communities/{w['community'].id}.ics",
        f"/calendar/departments/{w['department'].id}.ics",
        f"/calendar/teams/{w['team'].id}.ics",
        f"/calendar/campaigns/{w['campaign'].id}.ics",
        f"/calendar/campaigns/{w['campaign'].id}.ics?kind=show&lang=en",
    ]


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return parse_feed(response.data)


def test_every_public_feed_kind_is_accepted_by_icalendar_ical_and_vobject(client, world):
    for url in feed_urls(world):
        calendar = fetch(client, url)
        assert [str(e["UID"]) for e in vevents(calendar)] == [world["show"].uuid], url


def test_an_empty_feed_is_still_a_valid_calendar(client, make_community):
    community = make_community()
    for url in ("/calendar/all.ics", f"/calendar/communities/{community.id}.ics"):
        calendar = fetch(client, url)
        assert vevents(calendar) == []
        assert calendar["X-WR-CALNAME"]


def test_calendar_properties_name_the_scope_in_the_requested_language(client, world):
    url = f"/calendar/communities/{world['community'].id}.ics"
    zh = fetch(client, url)
    assert str(zh["NAME"]) == str(zh["X-WR-CALNAME"]) == "仰口路社区 · 新风活动"
    en = fetch(client, url + "?lang=en")
    assert str(en["X-WR-CALNAME"]) == "仰口路社区 · Xinfeng events"
    assert str(fetch(client, url + "?lang=xx")["X-WR-CALNAME"]) == "仰口路社区 · 新风活动"
    assert str(fetch(client, "/calendar/all.ics?kind=show&lang=en")["NAME"]) == (
        "Xinfeng: all events · Opera and drama show"
    )
    for calendar in (zh, en):
        assert str(calendar["VERSION"]) == "2.0"
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert str(calendar["PRODID"]).startswith("-//Xinfeng//")
        assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    body = client.get(url).data.decode()
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body
    assert "\r\nX-PUBLISHED-TTL:PT6H\r\n" in body


def test_refresh_interval_follows_the_setting(app, client, make_community):
    app.config["PLANNER_CALENDAR_REFRESH_HOURS"] = 2
    body = client.get("/calendar/all.ics").data.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT2H" in body
    assert "X-PUBLISHED-TTL:PT2H" in body


def test_each_feed_has_its_own_stable_calendar_uid(client, world):
    uids = [str(fetch(client, url)["UID"]) for url in feed_urls(world)]
    assert len(set(uids)) == len(uids)
    assert [str(fetch(client, url)["UID"]) for url in feed_urls(world)] == uids
    # The language is presentation: the same feed keeps its UID.
    assert str(fetch(client, "/calendar/all.ics?lang=en")["UID"]) == uids[1]


def test_event_fields(client, world):
    show = world["show"]
    calendar = fetch(client, f"/calendar/communities/{world['community'].id}.ics")
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [str(tz["TZID"]) for tz in timezones] == ["Asia/Shanghai"]
    event = by_uid(calendar)[show.uuid]
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event["DTSTART"].dt == datetime(2030, 10, 1, 9, 30, tzinfo=SHANGHAI)
    assert event["DTEND"].dt == datetime(2030, 10, 1, 11, 30, tzinfo=SHANGHAI)
    assert event["DTSTAMP"].to_ical().endswith(b"Z")
    assert event["CREATED"].to_ical().endswith(b"Z")
    assert event["LAST-MODIFIED"].to_ical().endswith(b"Z")
    assert event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "小戏小剧展演"
    assert str(event["LOCATION"]) == (
        f"社区广场, 仰口路12号, 仰口路社区, {world['street'].name}, 市南区"
    )
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"http://localhost/events/{show.id}"
    assert event["GEO"].latitude == pytest.approx(36.0623)
    assert event["GEO"].longitude == pytest.approx(120.3801)
    assert [str(c) for c in event["CATEGORIES"].cats] == ["小戏小剧展演", "洁净家园·喜迎国庆"]
    description = str(event["DESCRIPTION"])
    for text in (
        "类型：小戏小剧展演",
        "主题活动：洁净家园·喜迎国庆",
        "主办：市委编办、精编通政志愿服务队（协办）",
        "移风易俗主题小戏。",
        "1. 喜事新办 — 凤凰山社区文艺社团",
        "- 引导员 2030-10-01 09:30–11:30：剩余 7 个名额（共 10 个）",
        "- 摄影 2030-10-01 09:30–11:30：剩余 2 个名额（共 2 个）",
        f"http://localhost/events/{show.id}",
    ):
        assert text in description, text
    assert "ATTENDEE" not in event
    # METHOD:PUBLISH wants an ORGANIZER (RFC 5546): the host organisation at a no-reply address.
    assert str(event["ORGANIZER"]) == "mailto:no-reply@xinfeng.invalid"
    assert event["ORGANIZER"].params["CN"] == "市委编办"


def test_event_text_in_english(client, world):
    calendar = fetch(client, f"/events/{world['show'].id}.ics?lang=en")
    event = vevents(calendar)[0]
    description = str(event["DESCRIPTION"])
    assert "Kind: Opera and drama show" in description
    assert "Hosts: 市委编办, 精编通政志愿服务队 (co-host)" in description
    assert "7 places left of 10" in description
    assert [str(c) for c in event["CATEGORIES"].cats][0] == "Opera and drama show"


def test_public_url_setting_is_used_for_links(app, client, world):
    app.config["PLANNER_PUBLIC_URL"] = "https://xinfeng.example.cn"
    event = vevents(fetch(client, "/calendar/all.ics"))[0]
    assert str(event["URL"]) == f"https://xinfeng.example.cn/events/{world['show'].id}"


def test_drafts_never_appear(client, world, make_event):
    draft = make_event("草稿活动", status=EventStatus.DRAFT, community=world["community"])
    for url in feed_urls(world):
        assert draft.uuid.encode() not in client.get(url).data, url
    assert client.get(f"/events/{draft.id}.ics").status_code == 404


def test_unknown_things_are_404(client, world):
    for url in (
        "/events/999999.ics",
        "/calendar/communities/999999.ics",
        "/calendar/planets/1.ics",
        "/calendar/all.ics?kind=party",
        f"/calendar/communities/{world['community'].id}.ics?kind=%E2%9C%93",
    ):
        assert client.get(url).status_code == 404, url


def test_a_draft_campaign_has_no_feed(client, make_calendar_campaign):
    from planner.events.models import CampaignStatus

    campaign = make_calendar_campaign(status=CampaignStatus.DRAFT)
    assert client.get(f"/calendar/campaigns/{campaign.id}.ics").status_code == 404


def test_kind_filter_keeps_one_kind(client, world, make_event):
    cleanup = make_event("环境卫生清理", kind=EventKind.CLEANUP, community=world["community"])
    community_url = f"/calendar/communities/{world['community'].id}.ics"
    assert set(by_uid(fetch(client, community_url))) == {world["show"].uuid, cleanup.uuid}
    assert set(by_uid(fetch(client, community_url + "?kind=cleanup"))) == {cleanup.uuid}
    assert set(by_uid(fetch(client, "/calendar/all.ics?kind=show"))) == {world["show"].uuid}


def test_scopes_hold_the_events_of_their_place_or_organisation(
    client, world, make_event, make_community, make_department, make_team
):
    elsewhere = make_community("天山社区", district_name="李沧区")
    other_department = make_department("市财政局")
    troupe = make_team("凤凰山社区文艺社团", community_id=elsewhere.id)
    unrelated = make_event("别处的活动", community=elsewhere, hosts=(other_department,))
    hosted_by_street = make_event("街道主办", community=elsewhere, hosts=(world["street"],))
    by_team_of_department = make_event("队伍主办", community=elsewhere, hosts=(world["team"],))
    performed = make_event("社团演出", kind=EventKind.GALA, community=elsewhere)
    performed.programme.append(ProgrammeItem(position=1, title="太极", performer_team=troupe))
    db.session.commit()
    show = world["show"]

    def uids(url):
        return set(by_uid(fetch(client, url)))

    assert uids(f"/calendar/communities/{world['community'].id}.ics") == {show.uuid}
    assert uids(f"/calendar/streets/{world['street'].id}.ics") == {show.uuid, hosted_by_street.uuid}
    assert uids(f"/calendar/districts/{world['district'].id}.ics") == {
        show.uuid,
        hosted_by_street.uuid,
    }
    assert uids(f"/calendar/departments/{world['department'].id}.ics") == {
        show.uuid,
        by_team_of_department.uuid,
    }
    assert uids(f"/calendar/teams/{world['team'].id}.ics") == {
        show.uuid,
        by_team_of_department.uuid,
    }
    assert uids(f"/calendar/teams/{troupe.id}.ics") == {performed.uuid}
    assert uids(f"/calendar/campaigns/{world['campaign'].id}.ics") == {show.uuid}
    assert unrelated.uuid in uids("/calendar/all.ics")
    assert isinstance(db.session.get(VolunteerTeam, troupe.id), VolunteerTeam)


def test_feeds_cover_events_from_thirty_days_ago_onward(app, client, make_event, make_community):
    community = make_community()
    now = utcnow().replace(microsecond=0)
    recent = make_event(
        "二十九天前", starts_at=now - timedelta(days=29, hours=3), community=community
    )
    old = make_event("三十一天前", starts_at=now - timedelta(days=31, hours=3), community=community)
    assert set(by_uid(fetch(client, "/calendar/all.ics"))) == {recent.uuid}
    # A single event's download works at any date.
    assert client.get(f"/events/{old.id}.ics").status_code == 200
    app.config["PLANNER_CALENDAR_PAST_DAYS"] = 60
    assert set(by_uid(fetch(client, "/calendar/all.ics"))) == {recent.uuid, old.uuid}


def cancel(event, reason="天气原因"):
    """What the events service does on cancelling: status, reason, revision and updated_at."""
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason
    event.revision += 1
    event.updated_at = utcnow()
    db.session.commit()


def test_cancelled_events_stay_marked_with_a_bumped_sequence(client, world):
    show = world["show"]
    cancel(show)
    zh = by_uid(fetch(client, "/calendar/all.ics"))[show.uuid]
    assert str(zh["STATUS"]) == "CANCELLED"
    assert str(zh["SUMMARY"]) == "[已取消] 小戏小剧展演"
    assert zh["SEQUENCE"] == 1
    assert "已取消：天气原因" in str(zh["DESCRIPTION"])
    en = by_uid(fetch(client, "/calendar/all.ics?lang=en"))[show.uuid]
    assert str(en["SUMMARY"]) == "[Cancelled] 小戏小剧展演"
    assert "Cancelled: 天气原因" in str(en["DESCRIPTION"])


def test_cancelled_events_drop_out_after_thirty_days(client, world):
    show = world["show"]
    cancel(show)
    show.revised_at = utcnow() - timedelta(days=29)
    db.session.commit()
    assert show.uuid in by_uid(fetch(client, "/calendar/all.ics"))
    show.revised_at = utcnow() - timedelta(days=31)
    db.session.commit()
    cache.clear()  # thirty days passing in a moment: forget the version remembered until then
    assert by_uid(fetch(client, "/calendar/all.ics")) == {}


def test_uid_stays_sequence_moves_on_time_place_status_and_last_modified_on_anything_shown(
    client, world
):
    show = world["show"]
    an_hour_ago = utcnow() - timedelta(hours=1)
    show.created_at = show.updated_at = show.revised_at = show.modified_at = an_hour_ago
    db.session.commit()
    url = f"/calendar/communities/{world['community'].id}.ics"
    before = by_uid(fetch(client, url))[show.uuid]

    # The title and description change: a calendar shows them, so LAST-MODIFIED moves; the
    # time, place and status stay, so SEQUENCE does not.
    show.title = "小戏小剧展演（更正）"
    show.description = "更正后的介绍。"
    show.updated_at = utcnow()
    db.session.commit()
    cosmetic = by_uid(fetch(client, url))[show.uuid]
    assert str(cosmetic["SUMMARY"]) == "小戏小剧展演（更正）"
    assert cosmetic["SEQUENCE"] == before["SEQUENCE"] == 0
    assert cosmetic["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert cosmetic["DTSTAMP"].dt > before["DTSTAMP"].dt

    # Time, then place: each one bumps the revision (the events service's rule).
    show.starts_at += timedelta(hours=1)
    show.ends_at += timedelta(hours=1)
    show.revision += 1
    show.updated_at = utcnow()
    db.session.commit()
    moved = by_uid(fetch(client, url))[show.uuid]
    assert moved["SEQUENCE"] == 1
    assert moved["DTSTAMP"].dt >= moved["LAST-MODIFIED"].dt
    assert moved["LAST-MODIFIED"].dt >= cosmetic["LAST-MODIFIED"].dt
    assert moved["DTSTART"].dt == datetime(2030, 10, 1, 10, 30, tzinfo=SHANGHAI)

    show.venue = "社区活动中心"
    show.revision += 1
    show.updated_at = utcnow()
    db.session.commit()
    replaced = by_uid(fetch(client, url))[show.uuid]
    assert replaced["SEQUENCE"] == 2
    assert str(replaced["LOCATION"]).startswith("社区活动中心")
    assert {before["UID"], cosmetic["UID"], moved["UID"], replaced["UID"]} == {show.uuid}


def test_long_chinese_text_folds_at_75_octets_without_splitting_a_character(client, make_event):
    title = "移风易俗树新风文明风尚我先行" * 8  # 112 characters, 336 octets
    event = make_event(title[:120], description="喜事新办、丧事简办、婚事节俭。" * 40)
    body = client.get(f"/events/{event.id}.ics").data
    lines = body.split(b"\r\n")
    assert body.endswith(b"\r\n")
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # no character cut in two
    assert any(line.startswith(b" ") for line in lines), "long lines are folded"
    assert str(vevents(parse_feed(body))[0]["SUMMARY"]) == title[:120]


def test_no_phone_number_or_volunteer_name_in_any_public_feed(
    client, world, make_user, make_membership, make_calendar_token
):
    from planner.directory.models import TeamRole

    leader = make_user("陈队长", phone="13987654321")
    make_membership(world["team"], leader, role=TeamRole.LEADER)
    make_calendar_token(leader)
    secrets = [
        "陈队长",
        "13987654321",
        "3987654321",
        world["organiser"].real_name,
        "13912345678",
        "ATTENDEE",
    ]
    for url in feed_urls(world):
        text = client.get(url).data.decode()
        for secret in secrets:
            assert secret not in text, (url, secret)
        for event in vevents(parse_feed(text.encode())):
            assert str(event["ORGANIZER"]) == "mailto:no-reply@xinfeng.invalid"
            assert event["ORGANIZER"].params["CN"] == "市委编办"


def test_the_same_body_whatever_the_accept_header(client, world):
    url = f"/calendar/communities/{world['community'].id}.ics"
    plain = client.get(url)
    for accept in ("text/html", "application/json", "*/*", "text/calendar"):
        response = client.get(url, headers={"Accept": accept, "Accept-Language": "en"})
        assert response.data == plain.data
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_bumping_the_revision_stamps_revised_at_and_nothing_else_does(make_event):
    event = make_event()
    assert event.revised_at is None
    event.title = "新标题"
    db.session.commit()
    assert event.revised_at is None
    event.revision += 1
    db.session.commit()
    first = event.revised_at
    assert first is not None and abs(first - utcnow()) < timedelta(seconds=5)
    event.revision = event.revision  # same value: no new stamp
    db.session.commit()
    assert event.revised_at == first
