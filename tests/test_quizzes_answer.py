"""Answering a question over HTTP: ownership, positions, timing and totals, in a few queries."""

from __future__ import annotations

import re
from datetime import timedelta

from planner.extensions import db
from planner.quizzes.models import Attempt, AttemptAnswer
from planner.timeutil import utcnow


def _ids(question, *texts):
    return [o.id for o in question.options if o.text in texts]


def _start(client, quiz, nickname="小明") -> int:
    response = client.post(f"/quizzes/{quiz.id}/start", data={"nickname": nickname})
    return int(re.search(r"/attempts/(\d+)", response.location).group(1))


def _answered() -> int:
    return db.session.scalar(
        db.select(db.func.count(AttemptAnswer.id)).where(AttemptAnswer.answered_at.is_not(None))
    )


def test_only_the_owner_answers_and_bad_positions_are_refused(
    app, client, make_question, make_quiz
):
    question = make_question()
    quiz, other_quiz = make_quiz([question]), make_quiz([make_question()])
    attempt_id = _start(client, quiz)
    url = f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer"
    stranger = app.test_client()
    for position in (0, 5, None):
        data = {"option": _ids(question, "正确选项")}
        if position is not None:
            data["position"] = position
        assert stranger.post(url, data=data).status_code == 404
    wrong_quiz = f"/quizzes/{other_quiz.id}/attempts/{attempt_id}/answer"
    assert client.post(wrong_quiz, data={"position": 0}).status_code == 404
    assert (
        client.post(f"/quizzes/{quiz.id}/attempts/999999/answer", data={"position": 0}).status_code
        == 404
    )
    for position in ("", "x", "-1", "1", str(2**70)):
        assert client.post(url, data={"position": position}).status_code == 400
    assert _answered() == 0


def test_a_logged_in_users_attempt_is_theirs_alone(
    app, client, auth, make_user, make_question, make_quiz
):
    question = make_question()
    quiz = make_quiz([question, make_question()])
    owner, other = make_user("答题人"), make_user("旁人")
    auth.login(owner)
    attempt_id = int(
        re.search(r"/attempts/(\d+)", client.post(f"/quizzes/{quiz.id}/start").location).group(1)
    )
    intruder = app.test_client()
    intruder.post("/login", data={"phone": other.local_phone, "password": "correct-horse-9"})
    url = f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer"
    assert (
        intruder.post(url, data={"position": 0, "option": _ids(question, "正确选项")}).status_code
        == 404
    )
    response = client.post(url, data={"position": 0, "option": _ids(question, "正确选项")})
    assert response.status_code == 302 and "/result" not in response.location
    assert _answered() == 1


def test_answers_in_any_order_finish_the_attempt_with_its_total(client, make_question, make_quiz):
    first, second, third = make_question(), make_question(), make_question()
    quiz = make_quiz([first, second, third], pass_percent=60)
    attempt_id = _start(client, quiz)
    url = f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer"
    assert (
        "/result"
        not in client.post(url, data={"position": 2, "option": _ids(third, "正确选项")}).location
    )
    assert (
        "/result"
        not in client.post(url, data={"position": 0, "option": _ids(first, "错误选项甲")}).location
    )
    done = client.post(url, data={"position": 1, "option": _ids(second, "正确选项")})
    assert done.location.endswith(f"/attempts/{attempt_id}/result")
    attempt = db.session.get(Attempt, attempt_id)
    # The percent is rounded down: it never shows more than was scored (2/3 is 66.6 %).
    assert attempt.is_finished and (attempt.score, attempt.max_score, attempt.percent) == (
        2.0,
        3.0,
        66.6,
    )
    assert attempt.passed
    # Answering again changes nothing: the attempt is closed.
    again = client.post(url, data={"position": 0, "option": _ids(first, "正确选项")})
    assert again.location.endswith("/result")
    assert db.session.get(Attempt, attempt_id).score == 2.0


def test_an_answer_after_the_time_limit_is_kept_unscored_and_closes(
    client, make_question, make_quiz
):
    first, second = make_question(), make_question()
    quiz = make_quiz([first, second], time_limit_seconds=60)
    attempt_id = _start(client, quiz)
    url = f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer"
    client.post(url, data={"position": 0, "option": _ids(first, "正确选项")})
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = client.post(url, data={"position": 1, "option": _ids(second, "正确选项")})
    assert late.location.endswith("/result")
    slot = db.session.scalar(db.select(AttemptAnswer).where(AttemptAnswer.position == 1))
    assert slot.late and slot.score == 0 and slot.chosen == _ids(second, "正确选项")
    attempt = db.session.get(Attempt, attempt_id)
    assert (
        attempt.is_finished and attempt.score == 1.0 and attempt.finished_at == attempt.deadline_at
    )


def test_feedback_after_each_question_is_offered_on_the_next_page(client, make_question, make_quiz):
    first = make_question()
    quiz = make_quiz([first, make_question()], feedback="each")
    attempt_id = _start(client, quiz)
    url = f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer"
    response = client.post(url, data={"position": 0, "option": _ids(first, "正确选项")})
    assert response.location.endswith(f"/attempts/{attempt_id}?feedback=0")


def test_answering_runs_the_same_few_queries_for_any_quiz_size(
    client, make_question, make_quiz, count_queries
):
    counts = []
    for size in (2, 8):
        questions = [make_question() for _ in range(size)]
        quiz = make_quiz(questions)
        attempt_id = _start(client, quiz)
        url = f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer"
        data = {"position": 0, "option": _ids(questions[0], "正确选项")}
        with count_queries() as counter:
            client.post(url, data=data)
        counts.append(counter.count)
    # The slot with its attempt, quiz and question; the answer; whether any slot is left.
    assert counts[0] == counts[1] == 3, counts
