"""Volunteers on their phones: register and sign up from an event page, then check in at the venue."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from urllib.parse import urlsplit

import zxingcpp
from playwright.sync_api import expect

from tests.browser.checks import check_page, open_menu
from tests.browser.test_calendar_qr import GREY_LEVELS

DEMO_PASSWORD = "xinfeng-demo"

EVENT = "凤凰山社区迎新年联欢晚会"
SHIFT = "后台协助"


def test_a_new_volunteer_signs_up_in_two_taps_from_the_event_page_and_cancels(phone, sms_log):
    page = phone
    taps = 0

    def tap(locator):
        nonlocal taps
        taps += 1
        locator.click()

    page.goto("/events")
    page.get_by_role("link", name=EVENT).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)
    check_page(page)
    shift = page.locator("li.shift").filter(has_text=SHIFT)

    tap(shift.get_by_role("link", name="报名", exact=True))
    # The detour: not logged in, so log-in page → registration → back to the same shift.
    expect(page).to_have_url(re.compile(r"/login\?next="))
    check_page(page)
    page.get_by_role("link", name="注册成为志愿者").click()
    # Registering proves the number with the code sent to it (read here from the log transport),
    # then logs in and goes on to the shift.
    page.get_by_label("手机号", exact=True).fill("13600000071")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码").fill(sms_log.code_for("13600000071"))
    page.get_by_label("真实姓名").fill("王报名")
    page.get_by_label("密码", exact=True).fill("browser-pass-2")
    page.get_by_label("再次输入密码").fill("browser-pass-2")
    page.get_by_label(re.compile("我已阅读隐私说明")).check()
    check_page(page)
    page.get_by_role("button", name="注册").click()

    expect(page).to_have_url(re.compile(r"/shifts/\d+/signup$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SHIFT)
    check_page(page)
    tap(page.get_by_role("button", name="确认报名"))
    expect(page.get_by_text("报名成功，到时见！")).to_be_visible()
    assert taps <= 3, f"{taps} taps from the event page to a sign-up"
    check_page(page)

    open_menu(page)
    page.get_by_role("link", name="我的志愿服务").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的志愿服务")
    expect(page).to_have_title(re.compile(r"^我的志愿服务 · "))
    booked = page.get_by_role("listitem").filter(has_text=EVENT).filter(has_text=SHIFT)
    expect(booked).to_have_count(1)
    check_page(page)
    # Cancelling asks once, in a dialog that says what happens; saying no changes nothing.
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    booked.get_by_role("button", name="取消").click()
    expect(booked.get_by_role("button", name="取消")).to_have_count(1)
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    booked.get_by_role("button", name="取消").click()
    expect(page.get_by_text("报名已取消。")).to_be_visible()
    assert len(questions) == 2 and "候补第一位" in questions[0]
    expect(
        page.get_by_role("listitem").filter(has_text=SHIFT).get_by_role("button", name="取消")
    ).to_have_count(0)
    # The shift is still to come: it stays under upcoming, marked cancelled.
    expect(
        page.get_by_role("listitem").filter(has_text=EVENT).filter(has_text="已取消")
    ).to_have_count(1)
    check_page(page)


def _log_in(page, phone_number: str) -> None:
    page.goto("/login")
    page.get_by_label("手机号").fill(phone_number)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile("/login"))


def _event_happening_now(live_server, volunteer_phone: str) -> int:
    """An event of 市委编办 whose shift starts in half an hour, with the volunteer signed up."""
    from planner.accounts.models import User
    from planner.directory.models import Community, Department
    from planner.events.models import Event, EventHost, EventKind, EventStatus, Shift
    from planner.extensions import db
    from planner.signups import places
    from planner.timeutil import utcnow

    with live_server.app.app_context():
        starts = utcnow().replace(microsecond=0) + timedelta(minutes=30)
        event = Event(
            title="仰口路社区文明交通劝导",
            kind=EventKind.SERVICE,
            status=EventStatus.PUBLISHED,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            venue="社区路口",
            community=db.session.scalar(db.select(Community).where(Community.name == "仰口路社区")),
        )
        host = EventHost()
        host.organisation = db.session.scalar(
            db.select(Department).where(Department.name == "市委编办")
        )
        event.hosts.append(host)
        event.shifts.append(
            Shift(role="路口劝导", starts_at=starts, ends_at=event.ends_at, capacity=6)
        )
        db.session.add(event)
        db.session.flush()
        volunteer = db.session.scalar(db.select(User).where(User.phone == "+86" + volunteer_phone))
        places.sign_up(event.shifts[0].id, volunteer)
        db.session.commit()
        return event.id


def test_a_volunteer_scans_the_organisers_check_in_code_and_is_checked_in(
    phone, new_phone, live_server
):
    event_id = _event_happening_now(live_server, "13800000015")
    organiser = phone
    _log_in(organiser, "13800000002")
    organiser.goto(f"/events/{event_id}")
    organiser.get_by_role("link", name="管理此活动").click()
    check_page(organiser)
    organiser.get_by_role("link", name="签到码").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("仰口路社区文明交通劝导")
    check_page(organiser)

    qr = organiser.locator(".checkin-qr svg")
    assert qr.bounding_box()["width"] >= 200  # big enough to scan across a room
    png = base64.b64encode(qr.screenshot()).decode()
    pixels = organiser.evaluate(GREY_LEVELS, png)
    image = memoryview(bytes(pixels["grey"])).cast("B", (pixels["height"], pixels["width"]))
    (code,) = zxingcpp.read_barcodes(image)
    link = urlsplit(code.text)
    assert link.path.startswith("/checkin/")

    volunteer = new_phone()
    _log_in(volunteer, "13800000015")
    volunteer.goto(f"{link.path}?{link.query}" if link.query else link.path)
    expect(volunteer.get_by_role("heading", level=1)).to_have_text("仰口路社区文明交通劝导")
    check_page(volunteer)
    volunteer.get_by_role("button", name="签到 / 签退").click()
    expect(volunteer.get_by_text("已签到“路口劝导”。离开时请再扫码签退。")).to_be_visible()
    attended = volunteer.get_by_role("listitem").filter(has_text="仰口路社区文明交通劝导")
    expect(attended.get_by_text("已到岗", exact=True)).to_be_visible()
    check_page(volunteer)
