"""What cannot be undone asks once, saying what will happen: a dialog with JavaScript
(``data-confirm``), a confirmation page without it; after a live round ends its controls are off."""

from __future__ import annotations

import re

import pytest

from planner.calendar.models import CalendarToken
from planner.extensions import db
from planner.quizzes.models import LivePhase, LiveRound
from planner.signups.models import Signup, SignupStatus

CONFIRMED = {"confirmed": "yes"}


@pytest.fixture
def shift_world(make_user, make_department, make_event, grant):
    department = make_department()
    organiser = make_user("组织者")
    grant(organiser, department)
    event = make_event(title="海滨清扫", hosts=(department,), shifts=(("清扫", 5),))
    return event, organiser


def test_cancelling_a_sign_up_without_javascript_asks_first_and_changes_nothing(
    client, auth, make_user, shift_world, sign_up
):
    event, _organiser = shift_world
    me = make_user()
    signup = sign_up(event.shifts[0], me)
    auth.login(me)
    response = client.post(f"/signups/{signup.id}/cancel", data={"next": "/my/volunteering"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "取消你的报名？" in page
    assert "海滨清扫" in page and "清扫" in page and "候补第一位" in page
    assert db.session.get(Signup, signup.id).status is SignupStatus.CONFIRMED
    # The page's one button posts again, confirmed, and keeps where to go back to.
    assert 'name="confirmed" value="yes"' in page
    assert 'name="next" value="/my/volunteering"' in page
    response = client.post(
        f"/signups/{signup.id}/cancel", data={"next": "/my/volunteering", **CONFIRMED}
    )
    assert response.location.endswith("/my/volunteering")
    assert db.session.get(Signup, signup.id).status is SignupStatus.CANCELLED


def test_cancel_buttons_ask_in_a_dialog_with_javascript(
    client, auth, make_user, shift_world, sign_up
):
    event, _organiser = shift_world
    me = make_user()
    sign_up(event.shifts[0], me)
    auth.login(me)
    for path in (f"/events/{event.id}", "/my/volunteering"):
        page = client.get(path).get_data(as_text=True)
        form = re.search(r'<form[^>]*/cancel"[^>]*>', page).group(0)
        assert 'data-confirm="取消这次报名？' in form, path
        assert "js/confirm.js" in page


def test_a_cancelled_sign_up_for_a_future_shift_stays_under_upcoming_marked_cancelled(
    client, auth, make_user, shift_world, sign_up
):
    event, _organiser = shift_world
    me = make_user()
    signup = sign_up(event.shifts[0], me)
    auth.login(me)
    client.post(f"/signups/{signup.id}/cancel", data=CONFIRMED)
    page = client.get("/my/volunteering").get_data(as_text=True)
    upcoming, past = page.split('<h2 class="h5">往期</h2>')
    assert "海滨清扫" in upcoming and "已取消" in upcoming.split("海滨清扫")[1]
    assert "海滨清扫" not in past


def test_switching_the_calendar_link_off_asks_first(client, auth, make_user, make_calendar_token):
    user = make_user()
    make_calendar_token(user)
    auth.login(user)
    mine = client.get("/calendar/mine").get_data(as_text=True)
    assert re.search(r'action="/calendar/mine/revoke"[^>]*data-confirm="停用你的日历链接？', mine)
    page = client.post("/calendar/mine/revoke").get_data(as_text=True)
    assert "立即失效" in page
    live = db.select(db.func.count(CalendarToken.id)).where(CalendarToken.revoked_at.is_(None))
    assert db.session.scalar(live) == 1
    client.post("/calendar/mine/revoke", data=CONFIRMED)
    assert db.session.scalar(live) == 0


def test_ending_a_live_round_asks_first_then_its_controls_are_off(
    client, auth, make_user, make_question, make_quiz
):
    quiz = make_quiz([make_question(), make_question()])
    auth.login(make_user("主持人", admin=True))
    client.post(f"/quizzes/{quiz.id}/live", data={"seconds_per_question": 20})
    round_ = db.session.scalar(db.select(LiveRound))
    host = client.get(f"/quizzes/live/{round_.id}").get_data(as_text=True)
    assert re.search(r'/end"\s+data-confirm="结束快问快答？', host)
    assert "data-live-control disabled" not in host
    client.post(f"/quizzes/live/{round_.id}/next")
    page = client.post(f"/quizzes/live/{round_.id}/end").get_data(as_text=True)
    assert "本轮不能再出题" in page
    db.session.refresh(round_)
    assert round_.phase is not LivePhase.FINISHED
    client.post(f"/quizzes/live/{round_.id}/end", data=CONFIRMED)
    db.session.refresh(round_)
    assert round_.phase is LivePhase.FINISHED
    host = client.get(f"/quizzes/live/{round_.id}").get_data(as_text=True)
    assert host.count("data-live-control disabled") == 3


def test_confirming_hours_for_everyone_says_how_many_people_and_hours(
    client, auth, shift_world, make_volunteers, sign_up, rewind
):
    event, organiser = shift_world
    for volunteer in make_volunteers(3):
        sign_up(event.shifts[0], volunteer)
    rewind(event)
    auth.login(organiser)
    page = client.post(f"/events/{event.id}/roster/confirm-hours").get_data(as_text=True)
    assert "共 3 名志愿者，合计 6 小时。" in page
    assert "确认，为 3 名志愿者记录共 6 小时" in page
    assert db.session.scalar(db.select(db.func.count(Signup.id)).where(Signup.minutes > 0)) == 0


def test_cancelling_an_event_says_it_cannot_be_undone_and_who_is_told(
    client, auth, make_user, shift_world, sign_up, make_volunteers
):
    event, organiser = shift_world
    for volunteer in make_volunteers(2):
        sign_up(event.shifts[0], volunteer)
    auth.login(organiser)
    page = client.get(f"/events/{event.id}/cancel").get_data(as_text=True)
    assert "取消后无法恢复" in page and "已报名的 2 人会收到通知" in page


def test_deleting_an_account_says_it_cannot_be_undone(client, auth, make_user):
    auth.login(make_user())
    assert "此操作无法撤销。" in client.get("/my/account/delete").get_data(as_text=True)
