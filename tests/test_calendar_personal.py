"""Personal feeds: secret revocable tokens, the sign-up sources, and the day-before reminder."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from planner import signals
from planner.calendar.models import CalendarToken
from planner.events.models import Event, EventStatus
from planner.extensions import db
from planner.timeutil import utcnow
from tests.fixtures_calendar import by_uid, parse_feed, vevents

pytestmark = pytest.mark.usefixtures("fresh_feed_cache")


def live_tokens(user) -> list[CalendarToken]:
    return list(
        db.session.scalars(
            sa.select(CalendarToken).where(
                CalendarToken.user_id == user.id, CalendarToken.revoked_at.is_(None)
            )
        )
    )


def test_my_calendar_page_needs_a_login(client):
    response = client.get("/calendar/mine")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_user_makes_a_calendar_link_with_at_least_128_secret_bits(client, auth, make_user):
    user = make_user()
    auth.login(user)
    page = client.get("/calendar/mine").data.decode()
    assert "生成我的日历链接" in page
    assert client.post("/calendar/mine/link").status_code == 302
    (token,) = live_tokens(user)
    assert len(token.token) >= 43  # 32 random bytes, URL-safe base64
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token.token)
    page = client.get("/calendar/mine").data.decode()
    assert f"/calendar/me/{token.token}.ics" in page
    assert f"webcal://localhost/calendar/me/{token.token}.ics" in page
    assert "<svg" in page
    assert client.get(f"/calendar/me/{token.token}.ics").status_code == 200


def test_regenerating_the_link_makes_the_old_one_404_and_keeps_the_reminder(
    client, auth, make_user, make_calendar_token
):
    user = make_user()
    old = make_calendar_token(user, remind_day_before=True)
    old_secret = old.token
    auth.login(user)
    assert client.get(f"/calendar/me/{old_secret}.ics").status_code == 200
    client.post("/calendar/mine/link")
    (new,) = live_tokens(user)
    assert new.token != old_secret
    assert new.remind_day_before is True
    assert client.get(f"/calendar/me/{old_secret}.ics").status_code == 404
    assert client.get(f"/calendar/me/{new.token}.ics").status_code == 200


def test_switching_the_link_off_makes_it_404(client, auth, make_user, make_calendar_token):
    user = make_user()
    token = make_calendar_token(user)
    secret = token.token
    auth.login(user)
    client.post("/calendar/mine/revoke", data={"confirmed": "yes"})
    assert live_tokens(user) == []
    assert client.get(f"/calendar/me/{secret}.ics").status_code == 404
    assert "生成我的日历链接" in client.get("/calendar/mine").data.decode()


def test_unknown_tokens_and_tokens_of_deactivated_users_are_404(
    client, make_user, make_calendar_token
):
    assert client.get("/calendar/me/not-a-token.ics").status_code == 404
    assert client.get(f"/calendar/me/{'x' * 200}.ics").status_code == 404
    user = make_user()
    token = make_calendar_token(user)
    user.active = False
    db.session.commit()
    assert client.get(f"/calendar/me/{token.token}.ics").status_code == 404


def test_a_user_has_at_most_one_live_token(make_user, make_calendar_token):
    user = make_user()
    make_calendar_token(user)
    with pytest.raises(IntegrityError):
        make_calendar_token(user)
    db.session.rollback()
    make_calendar_token(user, revoked_at=utcnow())  # revoked ones may pile up


def test_with_no_source_registered_the_personal_feed_is_a_valid_empty_calendar(
    client, make_user, make_calendar_token, make_event
):
    make_event()
    token = make_calendar_token(make_user())
    calendar = parse_feed(client.get(f"/calendar/me/{token.token}.ics").data)
    assert vevents(calendar) == []
    assert str(calendar["X-WR-CALNAME"]) == "我的新风日历"


def test_the_personal_feed_holds_what_the_sources_give_for_that_user_only(
    client, make_user, make_calendar_token, make_event, personal_source
):
    mine, theirs = make_user("甲"), make_user("乙")
    signed_up = make_event("我报名的活动")
    draft = make_event("草稿", status=EventStatus.DRAFT)
    other = make_event("别人报名的活动")
    personal_source({mine.id: [signed_up, draft], theirs.id: [other]})
    token = make_calendar_token(mine)
    response = client.get(f"/calendar/me/{token.token}.ics?lang=en")
    assert response.headers["Cache-Control"] == "private, no-cache"
    calendar = parse_feed(response.data)
    assert set(by_uid(calendar)) == {signed_up.uuid}
    assert str(calendar["NAME"]) == "My Xinfeng calendar"


def test_several_sources_are_combined(client, make_user, make_calendar_token, make_event):
    user = make_user()
    first, second = make_event("岗位报名"), make_event("观众预约")
    token = make_calendar_token(user)
    with (
        signals.personal_events.connected_to(
            lambda u: sa.select(Event.id).where(Event.id == first.id)
        ),
        signals.personal_events.connected_to(
            lambda u: sa.select(Event.id).where(Event.id == second.id)
        ),
    ):
        calendar = parse_feed(client.get(f"/calendar/me/{token.token}.ics").data)
    assert set(by_uid(calendar)) == {first.uuid, second.uuid}


def test_the_day_before_reminder_is_off_by_default_and_only_in_the_personal_feed(
    client, auth, make_user, make_calendar_token, make_event, personal_source
):
    user = make_user()
    event = make_event("社区大扫除")
    cancelled = make_event("取消的活动", status=EventStatus.CANCELLED)
    personal_source({user.id: [event, cancelled]})
    token = make_calendar_token(user)
    secret = token.token
    url = f"/calendar/me/{secret}.ics"
    assert b"BEGIN:VALARM" not in client.get(url).data
    etag = client.get(url).headers["ETag"]

    auth.login(user)
    client.post("/calendar/mine/reminder", data={"remind_day_before": "y"})
    assert live_tokens(user)[0].remind_day_before is True
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    events = by_uid(parse_feed(response.data))
    (alarm,) = events[event.uuid].walk("VALARM")
    assert alarm["TRIGGER"].dt == -timedelta(days=1)
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert str(alarm["DESCRIPTION"]) == "明天：社区大扫除"
    assert list(events[cancelled.uuid].walk("VALARM")) == []
    for public in ("/calendar/all.ics", f"/events/{event.id}.ics"):
        assert b"VALARM" not in client.get(public).data

    client.post("/calendar/mine/reminder", data={})
    assert live_tokens(user)[0].remind_day_before is False
    assert b"BEGIN:VALARM" not in client.get(url).data


def test_setting_a_reminder_without_a_link_changes_nothing(client, auth, make_user):
    user = make_user()
    auth.login(user)
    response = client.post(
        "/calendar/mine/reminder", data={"remind_day_before": "y"}, follow_redirects=True
    )
    assert "你还没有日历链接。" in response.data.decode()
    assert db.session.scalar(sa.select(sa.func.count(CalendarToken.id))) == 0


def test_changing_the_reminder_needs_a_csrf_token(
    app, client, auth, make_user, make_calendar_token
):
    user = make_user()
    make_calendar_token(user)
    auth.login(user)
    app.config["WTF_CSRF_ENABLED"] = True
    assert (
        client.post("/calendar/mine/reminder", data={"remind_day_before": "y"}).status_code == 400
    )
    assert client.post("/calendar/mine/link").status_code == 400
    assert live_tokens(user)[0].remind_day_before is False
