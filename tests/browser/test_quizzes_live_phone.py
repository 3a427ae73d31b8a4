"""The live round in a real browser: the phone's script polls, answers and shows the result."""

from __future__ import annotations

import re
import threading

import pytest
from werkzeug.serving import make_server

from planner.extensions import db
from planner.quizzes.models import LiveRound


@pytest.fixture
def app_server(app):
    """This test's own app (and database) served on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_a_phone_plays_a_live_round_driven_by_the_host(
    browser, app_server, make_user, make_question, make_quiz
):
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    question = make_question("single", explanation="集体婚礼简朴节俭。")
    quiz = make_quiz([question])
    host_user = make_user("主持人", admin=True)
    contexts = []
    try:
        contexts.append(browser.new_context(locale="zh-CN"))
        host = contexts[-1].new_page()
        host.goto(app_server + "/login")
        host.fill("input[name=phone]", host_user.local_phone)
        host.fill("input[name=password]", PASSWORD)
        host.locator("form [type=submit]").last.click()
        host.goto(f"{app_server}/quizzes/{quiz.id}")
        host.click("button:has-text('创建现场快问快答')")
        # The click only starts the POST and its redirect: the round exists once the host page
        # has its URL, and its PIN is read from the database, not from a page still loading.
        expect(host).to_have_url(re.compile(r"/quizzes/live/\d+$"))
        host.wait_for_load_state()
        pin = db.session.scalar(db.select(LiveRound.pin))
        assert pin and re.fullmatch(r"\d{6}", pin)

        contexts.append(browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}))
        phone = contexts[-1].new_page()
        phone.goto(f"{app_server}/live/{pin}")
        phone.fill("input[name=nickname]", "阿丽")
        phone.locator("form [type=submit]").last.click()
        expect(host.locator('[data-field="players"]')).to_have_text("1", timeout=5000)

        host.click("button:has-text('开始 / 下一步')")
        right = phone.locator("button.live-button", has_text="正确选项")
        expect(right).to_be_enabled(timeout=5000)
        box = right.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300
        right.click()
        expect(phone.locator('[data-field="status"]')).to_have_text(
            "答案已提交，请等待公布结果……", timeout=5000
        )
        expect(host.locator('[data-field="answered"]')).to_contain_text("1", timeout=5000)

        host.click("button:has-text('开始 / 下一步')")
        expect(phone.locator('[data-field="status"]')).to_have_text("答对了！", timeout=5000)
        expect(phone.locator('[data-field="explanation"]')).to_have_text("集体婚礼简朴节俭。")
    finally:
        for context in contexts:
            context.close()
    assert db.session.scalar(db.select(LiveRound.version)) > 0
