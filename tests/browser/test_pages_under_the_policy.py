"""Pages whose scripts or drawings once were inline still work under the content security policy.

Every browser test fails on a policy violation (tests/browser/conftest.py); these visit the pages
the journeys do not: the question editor, the certificate, quiz statistics, the roster, the venue's
check-in screen and the quiz timer, as the demo's administrator on a desktop.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from planner.extensions import db
from tests.browser.test_journey_organiser import log_in

ADMIN = "13800000001"


@pytest.fixture
def ids(live_server):
    from planner.events.models import Event, Shift
    from planner.quizzes.models import Question, Quiz
    from planner.signups.models import Certificate

    with live_server.app.app_context():
        first = lambda query: db.session.scalar(query.limit(1))  # noqa: E731
        return {
            "question": first(db.select(Question.id).order_by(Question.id)),
            "certificate": first(db.select(Certificate.id).where(Certificate.number.is_not(None))),
            "timed_quiz": first(db.select(Quiz.id).where(Quiz.time_limit_seconds.is_not(None))),
            "event": first(db.select(Shift.event_id).join(Event).order_by(Event.starts_at.desc())),
        }


@pytest.fixture
def answered_quiz(live_server) -> int:
    """A demo quiz that a volunteer has finished, so its statistics have bars to draw."""
    from planner.accounts.models import User
    from planner.quizzes import attempts
    from planner.quizzes.models import Quiz

    with live_server.app.app_context():
        volunteer = db.session.scalar(db.select(User).where(User.phone == "+8613800000015"))
        quiz = db.session.scalar(
            db.select(Quiz).where(Quiz.is_prize.is_(False), Quiz.time_limit_seconds.is_(None))
        )
        attempt = attempts.start_attempt(quiz, volunteer)
        slot = attempt.answers[0]
        attempts.answer(attempt, slot, slot.option_order[:1], "不知道")
        attempts.finish(attempt)
        db.session.commit()
        return quiz.id


@pytest.fixture
def admin(desktop):
    log_in(desktop, ADMIN)
    return desktop


def test_the_question_editor_shows_only_the_fields_of_the_chosen_type(admin, ids):
    admin.goto(f"/quizzes/bank/{ids['question']}/edit")
    admin.get_by_label("题型").select_option("fill_in")
    expect(admin.locator("#accepted_answers")).to_be_visible()
    expect(admin.locator("#options")).to_be_hidden()
    admin.get_by_label("题型").select_option("single")
    expect(admin.locator("#options")).to_be_visible()
    expect(admin.locator("#accepted_answers")).to_be_hidden()


def test_the_certificate_has_its_print_button_and_print_layout(admin, ids):
    admin.goto(f"/certificates/{ids['certificate']}")
    expect(admin.get_by_role("button", name="打印")).to_be_visible()
    # certificate.css applies: the QR code is sized, and printing hides the site's header.
    assert admin.locator(".certificate .certificate-verify svg").bounding_box()["width"] > 50
    admin.emulate_media(media="print")
    expect(admin.locator(".site-header")).to_be_hidden()


def test_quiz_statistics_draw_their_bars(admin, answered_quiz):
    admin.goto(f"/quizzes/{answered_quiz}/stats")
    bars = admin.locator("svg.stat-bar rect")
    expect(bars.first).to_be_attached()
    widths = [bar.bounding_box()["width"] for bar in bars.all()]
    assert max(widths) > 50  # the busiest day's bar spans the column, drawn without inline style


def test_the_roster_and_the_check_in_screen_render_and_the_code_reloads(admin, ids):
    admin.goto(f"/events/{ids['event']}/roster")
    capacity = admin.locator("input[name=capacity]").first
    assert capacity.bounding_box()["width"] <= 7 * 16 + 1  # .capacity-input, not an inline style
    admin.goto(f"/events/{ids['event']}/checkin-screen")
    code = admin.locator(".checkin-qr svg")
    assert code.bounding_box()["width"] > 150
    refresh = int(admin.locator(".checkin-qr").get_attribute("data-refresh"))
    assert refresh > 0  # checkin_screen.js reloads after this many seconds


def test_the_event_kinds_keep_their_colours(admin):
    admin.goto("/events")
    badge = admin.locator(".kind-badge").first
    colour = badge.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")


def test_the_quiz_timer_counts_down(admin, ids):
    admin.goto(f"/quizzes/{ids['timed_quiz']}")
    admin.get_by_role("button", name="开始答题").click()
    countdown = admin.locator("#countdown")
    expect(countdown).to_have_text(re.compile(r"^\d+:\d\d$"))
    first = countdown.text_content()
    admin.wait_for_timeout(1500)
    assert countdown.text_content() != first
