"""Quizzes on phones, in a real browser: a resident's online quiz and a live round on a big screen."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from planner.quizzes.demo import LIVE_TITLE, ONLINE_TITLE
from tests.browser.checks import check_page
from tests.browser.test_journey_organiser import log_in

ADMIN = "13800000001"


def test_a_resident_takes_the_online_quiz_on_a_phone_and_sees_the_explanations(phone):
    page = phone
    page.goto("/quizzes")
    check_page(page)
    page.get_by_role("link", name=ONLINE_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ONLINE_TITLE)
    page.get_by_label("昵称").fill("王阿姨")
    check_page(page)
    page.get_by_role("button", name="开始", exact=True).click()

    for number in range(1, 11):
        expect(page.get_by_text(re.compile(rf"第\s*{number}\s*题"))).to_be_visible()
        if number in (1, 2):  # a first question, then one with the last answer explained above it
            check_page(page)
        text = page.get_by_label("你的答案")
        if text.count():
            text.fill("不知道")
        else:
            page.locator("label.choice").first.click()
        page.get_by_role("button", name="作答", exact=True).click()
        if number < 10:
            # Each answer is explained at once (the quiz's feedback policy), above the next question.
            expect(page.get_by_text("解析：")).to_be_visible()

    expect(page.get_by_role("heading", level=1)).to_have_text("答题结果")
    expect(page.get_by_text(re.compile(r"\d+% · (通过|未通过)"))).to_be_visible()
    expect(page.locator(".result-list > li")).to_have_count(10)
    expect(page.locator(".result-list").get_by_text("解析：")).to_have_count(10)
    check_page(page)


def join(page, pin: str, nickname: str) -> None:
    page.goto(f"/live/{pin}")
    page.get_by_label("昵称").fill(nickname)
    check_page(page)
    page.get_by_role("button", name="开始", exact=True).click()
    expect(page.get_by_text("等待主持人开始")).to_be_visible()
    check_page(page)


def test_a_live_round_on_a_big_screen_with_two_phones_shows_the_answers_and_the_leaderboard(
    desktop, new_phone
):
    host = desktop
    log_in(host, ADMIN)
    host.goto("/quizzes")
    host.get_by_role("link", name=LIVE_TITLE).click()
    check_page(host)
    host.get_by_label("每题秒数").fill("60")
    host.get_by_role("button", name="创建现场快问快答").click()
    expect(host).to_have_url(re.compile(r"/quizzes/live/\d+$"))
    pin = host.locator(".live-pin span").inner_text()
    check_page(host)

    players = {"小李": new_phone(), "小张": new_phone()}
    for nickname, page in players.items():
        join(page, pin, nickname)
    expect(host.locator('[data-field="players"]')).to_have_text("2")

    host.get_by_role("button", name="开始 / 下一步").click()
    for letter, page in zip("AB", players.values(), strict=True):
        choice = page.get_by_role("button", name=re.compile(rf"^{letter}\b"))
        expect(choice).to_be_enabled()
        check_page(page)
        choice.click()
        expect(page.get_by_role("status")).to_have_text("答案已提交，请等待公布结果……")
    expect(host.locator('[data-field="answered"]')).to_have_text("已有 2 人作答")

    host.get_by_role("button", name="开始 / 下一步").click()
    # The big screen shows how many chose each option, the right one marked, and the scores.
    counts = host.locator('[data-field="options"] .live-count')
    expect(counts.nth(0)).to_have_text("1")
    expect(counts.nth(1)).to_have_text("1")
    expect(host.locator('[data-field="options"] .live-correct')).to_have_count(1)
    board = host.locator('[data-field="leaderboard"] li')
    expect(board).to_have_count(2)
    expect(board.filter(has_text="小李")).to_have_count(1)
    expect(board.filter(has_text="小张")).to_have_count(1)
    check_page(host)
    for page in players.values():
        expect(page.get_by_role("status")).to_have_text(re.compile("答对了！|答错了。"))
        check_page(page)

    # Projected at 1280×720 or 1920×1080, the host screen shows the question, the answers with
    # their counts, a QR code the back row can scan and the controls, without scrolling.
    for width, height in PROJECTORS:
        host.set_viewport_size({"width": width, "height": height})
        _fits_the_projector(host, width, height)

    # Ending asks once (saying no changes nothing), then the controls are off.
    questions = []
    host.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    host.get_by_role("button", name="结束本轮").click()
    expect(host.get_by_role("button", name="结束本轮")).to_be_enabled()
    host.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    host.get_by_role("button", name="结束本轮").click()
    expect(host.locator('[data-field="question"]')).to_have_text(re.compile("本轮已结束"))
    assert len(questions) == 2 and "得分" in questions[0]
    for name in ("开始 / 下一步", "跳过本题", "结束本轮"):
        expect(host.get_by_role("button", name=name)).to_be_disabled()


PROJECTORS = ((1280, 720), (1920, 1080))
_MEASURE_JS = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; };
  const parts = {};
  for (const selector of ['[data-field="question"]', '[data-field="options"] .live-count',
                          '.live-qr svg', '.live-pin', '[data-live-control]']) {
    parts[selector] = [...document.querySelectorAll(selector)].map(box);
  }
  const qr = document.querySelector('.live-qr svg').getBoundingClientRect();
  return {scrollHeight: document.scrollingElement.scrollHeight, scrollWidth: document.scrollingElement.scrollWidth,
          parts: parts, qr: Math.min(qr.width, qr.height)};
}"""


def _fits_the_projector(host, width: int, height: int) -> None:
    measured = host.evaluate(_MEASURE_JS)
    assert measured["scrollHeight"] <= height, f"{width}×{height} scrolls: {measured}"
    assert measured["scrollWidth"] <= width, f"{width}×{height} scrolls sideways: {measured}"
    for selector, boxes in measured["parts"].items():
        assert boxes, f"{selector} is missing at {width}×{height}"
        for top, bottom, left, right in boxes:
            assert top >= 0 and bottom <= height and left >= 0 and right <= width, (
                f"{selector} is off the screen at {width}×{height}: {(top, bottom, left, right)}"
            )
    assert measured["qr"] >= height / 4, f"the QR code is {measured['qr']}px at {width}×{height}"
