"""One scoring function and one total: attempts, live rounds, statistics and exports agree."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from planner.extensions import db
from planner.quizzes import attempts, bank, live, scoring
from planner.quizzes.models import Attempt, LiveAnswer, QuestionType


def _ids(question, *texts):
    return [o.id for o in question.options if o.text in texts]


def _play_live(app, quiz, host, choices, round_=None):
    """A live round of ``quiz`` where one phone picks ``choices[i]`` for question ``i``."""
    with app.test_request_context():
        round_ = db.session.merge(round_) if round_ else live.create_round(host, quiz)
        player = live.join(round_, "phone-1", "小红")
        for option_id in choices:
            live.advance(host, round_)
            live.submit(round_, player, option_id)
            live.advance(host, round_)  # reveal
        live.finish(host, round_)
    db.session.commit()
    return db.session.scalar(db.select(Attempt).where(Attempt.live_round_id == round_.id))


def _take(app, quiz, answers, token="p1"):
    """An ordinary attempt answering ``answers[i]`` (option ids) to question ``i``."""
    with app.test_request_context():
        attempt = attempts.start_attempt(quiz, player_token=token, nickname="小明")
        for slot, chosen in zip(attempt.answers, answers, strict=True):
            attempts.answer(attempt, slot, chosen, None)
    db.session.commit()
    return db.session.get(Attempt, attempt.id)


@pytest.mark.parametrize("partial", [False, True])
def test_a_live_round_scores_an_answer_as_an_attempt_would(
    app, make_question, make_quiz, make_user, partial
):
    question = make_question("single", options=(("甲", True), ("乙", False), ("丙", False)))
    quiz = make_quiz([question], attempts_allowed=5, partial_credit=partial)
    host = make_user("主持人", admin=True)
    with app.test_request_context():
        round_ = live.create_round(host, quiz)
        # Before the round asks it, the organiser corrects the question: 乙 is right as well.
        draft = bank.draft_of(question)
        draft.type = QuestionType.MULTIPLE
        draft.options[1].correct = True
        bank.save_question(host, question, draft, question.category)
    db.session.commit()

    in_the_room = _play_live(app, quiz, host, _ids(question, "甲"), round_)
    on_the_phone = _take(app, quiz, [_ids(question, "甲")])

    expected = scoring.score_answer(question, _ids(question, "甲"), None, partial)
    assert expected == (0.5 if partial else 0.0)
    for attempt in (in_the_room, on_the_phone):
        assert (attempt.score, attempt.max_score) == (expected, 1.0)
        assert attempt.answers[0].is_correct is False
    assert (in_the_room.percent, in_the_room.passed) == (on_the_phone.percent, on_the_phone.passed)
    row = db.session.scalar(db.select(LiveAnswer))
    assert row.is_correct is False
    assert row.points == round(live.BASE_POINTS * expected)


def test_the_pass_mark_exactly_met_passes_on_every_page_and_export(
    app, client, auth, make_question, make_quiz, make_user
):
    questions = [make_question() for _ in range(5)]
    quiz = make_quiz(questions, pass_percent=60, attempts_allowed=5)
    right = [_ids(q, "正确选项") for q in questions[:3]]
    wrong = [_ids(q, "错误选项甲") for q in questions[3:]]
    host = make_user("主持人", admin=True)

    on_the_phone = _take(app, quiz, right + wrong)
    in_the_room = _play_live(app, quiz, host, [ids[0] for ids in right + wrong])

    for attempt in (on_the_phone, in_the_room):
        assert (attempt.score, attempt.max_score, attempt.percent, attempt.passed) == (
            3.0,
            5.0,
            60.0,
            True,
        )
    auth.login(host)
    stats_page = client.get(f"/quizzes/{quiz.id}/stats").get_data(as_text=True)
    assert "60.0" in stats_page and "100.0" in stats_page
    book = load_workbook(io.BytesIO(client.get(f"/quizzes/{quiz.id}/stats.xlsx").data))
    summary = {row[0]: row[1] for row in book["quiz"].iter_rows(values_only=True) if row}
    assert summary["平均得分率（百分比）"] == 60.0 and summary["及格率（百分比）"] == 100.0
    board = client.get(f"/quizzes/{quiz.id}/leaderboard").get_data(as_text=True)
    assert board.count("60.0%") == 2


def test_a_percent_just_below_the_pass_mark_is_never_shown_as_reaching_it(
    app, make_question, make_quiz
):
    """20 questions, 11.99 points: 59.95 %, which must neither show as 60.0 % nor pass at 60."""
    right = [make_question() for _ in range(10)]
    wrong = [make_question() for _ in range(7)]
    letters = "ABCDEFGH"

    def multiple(correct: int):
        return make_question("multiple", options=[(letters[i], i < correct) for i in range(8)])

    eighths, sixths, sevenths = multiple(8), multiple(6), multiple(7)
    quiz = make_quiz(
        right + wrong + [eighths, sixths, sevenths], pass_percent=60, partial_credit=True
    )
    answers = (
        [_ids(q, "正确选项") for q in right]
        + [_ids(q, "错误选项甲") for q in wrong]
        + [_ids(eighths, *"ABCDEFG"), _ids(sixths, *"ABCDE"), _ids(sevenths, *"AB")]
    )  # 10 + 7/8 + 5/6 + 2/7 = 11.994…
    attempt = _take(app, quiz, answers)
    assert (attempt.score, attempt.max_score) == (11.99, 20.0)
    assert attempt.percent < 60 and not attempt.passed


def test_the_total_is_one_rule():
    exactly = scoring.total([1.0, 1.0, 1.0, 0.0, 0.0], pass_percent=60)
    assert exactly == scoring.Total(score=3.0, max_score=5.0, percent=60.0, passed=True)
    assert scoring.total([1.0, 1.0, 0.0], pass_percent=67).percent == 66.6
    assert not scoring.total([1.0, 1.0, 0.0], pass_percent=67).passed
    # "100 means all answers correct": 299 right and 7/8 of one is not 100 %.
    almost = scoring.total([1.0] * 299 + [0.875], pass_percent=100)
    assert almost.percent < 100 and not almost.passed
    assert scoring.total([], pass_percent=60) == scoring.Total(0.0, 0.0, 0.0, False)
