"""Attempts: scoring, frozen order, server-side time limit, cookies, prize constraint, secrecy."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest

from planner import create_app
from planner.exceptions import DomainError
from planner.extensions import db
from planner.quizzes import attempts, scoring
from planner.quizzes.models import Attempt, AttemptAnswer, FeedbackPolicy, Question
from planner.timeutil import utcnow

SECRET_EXPLANATION = "独有的解析文字"
SECRET_ANSWER = "秘密填空答案"


def _ids(question, *texts):
    return [o.id for o in question.options if o.text in texts]


# ---------------------------------------------------------------- scoring rules


def test_single_choice_and_true_false_are_all_or_nothing(make_question):
    single = make_question("single")
    assert scoring.score_answer(single, _ids(single, "正确选项"), None) == 1.0
    assert scoring.score_answer(single, _ids(single, "错误选项甲"), None) == 0.0
    assert scoring.score_answer(single, _ids(single, "正确选项", "错误选项甲"), None) == 0.0
    assert scoring.score_answer(single, [], None) == 0.0
    true_false = make_question("true_false", options=(("正确", False),))
    assert scoring.score_answer(true_false, _ids(true_false, "错误"), None) == 1.0
    assert scoring.score_answer(true_false, _ids(true_false, "正确"), None) == 0.0


def test_fill_in_is_all_or_nothing_after_normalising(make_question):
    question = make_question("fill_in", accepted=("ＡＢＣ 彩礼",))
    assert scoring.score_answer(question, None, "abc彩礼") == 1.0
    assert scoring.score_answer(question, None, "彩礼") == 0.0


def test_multiple_choice_is_all_or_nothing_unless_partial_credit(make_question):
    question = make_question(
        "multiple", options=(("甲", True), ("乙", True), ("丙", False), ("丁", False))
    )
    assert scoring.score_answer(question, _ids(question, "甲", "乙"), None) == 1.0
    assert scoring.score_answer(question, _ids(question, "甲"), None) == 0.0
    assert scoring.score_answer(question, _ids(question, "甲"), None, partial=True) == 0.5
    assert scoring.score_answer(question, _ids(question, "甲", "丙"), None, partial=True) == 0.0
    assert scoring.score_answer(question, _ids(question, "丙", "丁"), None, partial=True) == 0.0
    assert (
        scoring.score_answer(question, _ids(question, "甲", "乙", "丙"), None, partial=True) == 0.5
    )


# ---------------------------------------------------------------- taking a quiz


def _start_anonymous(client, quiz, nickname="小明"):
    response = client.post(f"/quizzes/{quiz.id}/start", data={"nickname": nickname})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/attempts/(\d+)", response.location).group(1))


def test_an_anonymous_resident_takes_a_quiz_with_a_nickname_and_cookie(
    client, make_question, make_quiz
):
    first, second = make_question("single"), make_question("fill_in")
    quiz = make_quiz([first, second], pass_percent=50)
    attempt_id = _start_anonymous(client, quiz)
    page = client.get(f"/quizzes/{quiz.id}/attempts/{attempt_id}")
    assert page.status_code == 200 and first.text in page.get_data(as_text=True)
    client.post(
        f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer",
        data={"position": 0, "option": _ids(first, "正确选项")},
    )
    done = client.post(
        f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer", data={"position": 1, "text": "错的"}
    )
    assert done.status_code == 302 and done.location.endswith("/result")
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.score, attempt.percent, attempt.passed, attempt.nickname) == (
        1.0,
        50.0,
        True,
        "小明",
    )
    result = client.get(done.location).get_data(as_text=True)
    assert "50.0%" in result
    # Another phone (no cookie) cannot see it.
    other = client.application.test_client()
    assert other.get(f"/quizzes/{quiz.id}/attempts/{attempt_id}/result").status_code == 404


def test_a_nickname_is_required_for_anonymous_players(client, make_question, make_quiz):
    quiz = make_quiz([make_question()])
    response = client.post(f"/quizzes/{quiz.id}/start", data={"nickname": " "})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 0


def test_a_question_is_answered_once(client, make_question, make_quiz):
    first, second = make_question(), make_question()
    quiz = make_quiz([first, second])
    attempt_id = _start_anonymous(client, quiz)
    url = f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer"
    client.post(url, data={"position": 0, "option": _ids(first, "错误选项甲")})
    client.post(url, data={"position": 0, "option": _ids(first, "正确选项")})
    slot = db.session.scalar(db.select(AttemptAnswer).where(AttemptAnswer.position == 0))
    assert slot.chosen == _ids(first, "错误选项甲") and slot.score == 0


def _finish(client, quiz, attempt_id):
    client.post(f"/quizzes/{quiz.id}/attempts/{attempt_id}/finish")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).is_finished


def test_starting_again_while_an_attempt_is_in_progress_resumes_it(
    client, make_question, make_quiz
):
    quiz = make_quiz([make_question()], attempts_allowed=3)
    first = _start_anonymous(client, quiz)
    assert _start_anonymous(client, quiz) == first
    _finish(client, quiz, first)
    second = _start_anonymous(client, quiz)
    assert second != first
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 2


def test_an_attempt_whose_time_is_up_is_closed_not_resumed(client, make_question, make_quiz):
    quiz = make_quiz([make_question()], attempts_allowed=2, time_limit_seconds=60)
    first = _start_anonymous(client, quiz)
    db.session.get(Attempt, first).deadline_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    second = _start_anonymous(client, quiz)
    assert second != first
    assert db.session.get(Attempt, first).is_finished


def test_attempts_allowed_is_enforced(client, make_question, make_quiz):
    quiz = make_quiz([make_question()], attempts_allowed=1)
    _finish(client, quiz, _start_anonymous(client, quiz))
    again = client.post(f"/quizzes/{quiz.id}/start", data={"nickname": "小明"})
    assert again.status_code == 302 and again.location.endswith(f"/quizzes/{quiz.id}")
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1


def test_a_closed_or_unpublished_quiz_takes_no_attempts(client, make_question, make_quiz):
    closed = make_quiz(
        [make_question()],
        closes_at=utcnow() - timedelta(minutes=1),
        opens_at=utcnow() - timedelta(hours=1),
    )
    client.post(f"/quizzes/{closed.id}/start", data={"nickname": "小明"})
    draft = make_quiz([make_question()], published=False)
    assert client.post(f"/quizzes/{draft.id}/start", data={"nickname": "小明"}).status_code == 404
    assert client.get(f"/quizzes/{draft.id}").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 0


def test_an_attempt_freezes_its_shuffled_question_and_option_order(app, make_question, make_quiz):
    questions = [make_question() for _ in range(6)]
    quiz = make_quiz(questions, shuffle_questions=True, shuffle_options=True, attempts_allowed=50)
    orders = set()
    for i in range(8):
        attempt = attempts.start_attempt(quiz, player_token=f"t{i}", nickname="甲")
        db.session.commit()
        frozen = [(a.question_id, tuple(a.option_order)) for a in attempt.answers]
        orders.add(tuple(frozen))
        reloaded = attempts.load_attempt(attempt.id)
        assert [(a.question_id, tuple(a.option_order)) for a in reloaded.answers] == frozen
        assert sorted(q for q, _o in frozen) == sorted(q.id for q in questions)
    assert len(orders) > 1


def test_random_selection_draws_n_per_category(app, make_question, make_quiz):
    from planner.quizzes import services
    from planner.quizzes.models import QuestionCategory, Selection

    for _ in range(5):
        make_question(category="婚事新办")
    for _ in range(3):
        make_question(category="丧事简办")
    quiz = make_quiz([], selection=Selection.RANDOM, attempts_allowed=10)
    counts = {
        c.id: (2 if c.name == "婚事新办" else 1)
        for c in db.session.scalars(db.select(QuestionCategory))
    }
    services.set_category_rules(None, quiz, counts)
    db.session.commit()
    attempt = attempts.start_attempt(quiz, player_token="x", nickname="甲")
    categories = [a.question.category.name for a in attempts.load_attempt(attempt.id).answers]
    assert sorted(categories) == ["丧事简办", "婚事新办", "婚事新办"]


def test_answers_after_the_deadline_and_grace_are_not_scored(app, make_question, make_quiz):
    first, second = make_question(), make_question()
    quiz = make_quiz([first, second], time_limit_seconds=60)
    attempt = attempts.start_attempt(quiz, player_token="late", nickname="迟到")
    db.session.commit()
    attempts.answer(attempt, attempt.answers[0], _ids(first, "正确选项"), None)
    # Within the grace period it still counts...
    attempt.deadline_at = utcnow() - timedelta(seconds=2)
    attempt = attempts.load_attempt(attempt.id)
    attempt.deadline_at = utcnow() - attempts.GRACE - timedelta(seconds=1)
    slot = attempts.answer(attempt, attempt.answers[1], _ids(second, "正确选项"), None)
    assert slot.late and slot.score == 0
    assert attempt.is_finished and attempt.score == 1.0
    assert attempt.finished_at == attempt.deadline_at


def test_an_answer_within_the_grace_period_still_counts(app, make_question, make_quiz):
    question = make_question()
    quiz = make_quiz([question], time_limit_seconds=60)
    attempt = attempts.start_attempt(quiz, player_token="g", nickname="甲")
    attempt.deadline_at = utcnow() - timedelta(seconds=2)
    slot = attempts.answer(attempt, attempt.answers[0], _ids(question, "正确选项"), None)
    assert not slot.late and slot.score == 1.0


def test_an_expired_attempt_closes_when_opened(client, make_question, make_quiz):
    quiz = make_quiz([make_question(), make_question()], time_limit_seconds=60)
    attempt_id = _start_anonymous(client, quiz)
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = client.get(f"/quizzes/{quiz.id}/attempts/{attempt_id}")
    assert response.status_code == 302 and response.location.endswith("/result")
    assert db.session.get(Attempt, attempt_id).is_finished


@pytest.mark.parametrize("policy", list(FeedbackPolicy))
def test_no_response_carries_answers_or_explanations_before_closing(
    client, make_question, make_quiz, policy
):
    single = make_question("single", explanation=SECRET_EXPLANATION)
    fill = make_question("fill_in", accepted=(SECRET_ANSWER,), explanation=SECRET_EXPLANATION)
    last = make_question(
        "multiple",
        options=(("对一", True), ("对二", True), ("错一", False)),
        explanation=SECRET_EXPLANATION,
    )
    quiz = make_quiz([single, fill, last], feedback=policy)
    bodies = [client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)]
    attempt_id = _start_anonymous(client, quiz)
    base = f"/quizzes/{quiz.id}/attempts/{attempt_id}"
    bodies.append(client.get(base).get_data(as_text=True))
    after_first = client.post(
        base + "/answer", data={"position": 0, "option": _ids(single, "错误选项甲")}
    )
    page = client.get(after_first.location).get_data(as_text=True)
    if policy is FeedbackPolicy.EACH:
        # The first question is closed: its explanation may show, but nothing of the open ones.
        assert SECRET_EXPLANATION in page
        assert SECRET_ANSWER not in page
    else:
        bodies.append(page)
    bodies.append(client.get(base).get_data(as_text=True))
    bodies.append(client.get(f"/quizzes/{quiz.id}/leaderboard").get_data(as_text=True))
    for body in bodies:
        assert SECRET_EXPLANATION not in body
        assert SECRET_ANSWER not in body
        assert "is_correct" not in body and "feedback-right" not in body
    # Option markup is identical for right and wrong options: no hint in attributes.
    multiple_page = (
        client.get(base).get_data(as_text=True) if policy is not FeedbackPolicy.EACH else None
    )
    client.post(base + "/answer", data={"position": 1, "text": SECRET_ANSWER})
    if multiple_page is not None:
        assert multiple_page.count('type="radio"') == 0
    finished = client.post(base + "/answer", data={"position": 2, "option": _ids(last, "对一")})
    result = client.get(finished.location).get_data(as_text=True)
    if policy is FeedbackPolicy.AFTER_CLOSE:
        assert SECRET_EXPLANATION not in result
    else:
        assert SECRET_EXPLANATION in result


def test_results_show_explanations_once_the_quiz_has_closed(client, make_question, make_quiz):
    question = make_question(explanation=SECRET_EXPLANATION)
    quiz = make_quiz([question], feedback=FeedbackPolicy.AFTER_CLOSE)
    attempt_id = _start_anonymous(client, quiz)
    client.post(
        f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer",
        data={"position": 0, "option": _ids(question, "正确选项")},
    )
    from planner.quizzes.models import Quiz

    db.session.get(Quiz, quiz.id).closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = client.get(f"/quizzes/{quiz.id}/attempts/{attempt_id}/result").get_data(as_text=True)
    assert SECRET_EXPLANATION in result


# ---------------------------------------------------------------- prize quizzes


def test_a_prize_quiz_needs_a_login(client, make_question, make_quiz):
    quiz = make_quiz([make_question()], is_prize=True)
    response = client.post(f"/quizzes/{quiz.id}/start", data={"nickname": "游客"})
    assert response.status_code == 302 and "/login" in response.location
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 0


def test_a_prize_quiz_allows_one_attempt_per_person(
    client, auth, make_user, make_question, make_quiz
):
    quiz = make_quiz([make_question()], is_prize=True, attempts_allowed=5)
    assert quiz.attempts_allowed == 1
    auth.login(make_user("张晓明"))
    client.post(f"/quizzes/{quiz.id}/start")
    client.post(f"/quizzes/{quiz.id}/start")
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1


def test_one_attempt_per_person_holds_under_concurrent_starts(
    app, app_config, make_user, make_question, make_quiz
):
    user = make_user("并发用户")
    quiz = make_quiz([make_question()], is_prize=True)
    user_id, quiz_id = user.id, quiz.id
    threads_app = create_app(app_config)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def enter():
        from planner.accounts.models import User
        from planner.quizzes.models import Quiz

        with threads_app.app_context():
            try:
                me = db.session.get(User, user_id)
                item = db.session.get(Quiz, quiz_id)
                # Past the "already entered?" check, as a racing request would be.
                item.is_prize = True
                barrier.wait(timeout=10)
                attempt = Attempt(quiz_id=item.id, user_id=me.id, prize_user_id=me.id)
                db.session.add(attempt)
                try:
                    with db.session.begin_nested():
                        db.session.flush()
                    db.session.commit()
                    outcomes.append("entered")
                except Exception:
                    db.session.rollback()
                    outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=enter) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with threads_app.app_context():
        db.engine.dispose()
    assert sorted(outcomes) == ["entered"] + ["refused"] * 5
    assert (
        db.session.scalar(db.select(db.func.count(Attempt.id)).where(Attempt.quiz_id == quiz_id))
        == 1
    )


def test_concurrent_starts_of_a_prize_quiz_all_get_the_one_entry(
    app, app_config, make_user, make_question, make_quiz
):
    user = make_user("并发用户")
    quiz = make_quiz([make_question()], is_prize=True)
    user_id, quiz_id = user.id, quiz.id
    threads_app = create_app(app_config)
    barrier = threading.Barrier(4)
    outcomes: list = []

    def enter():
        from planner.accounts.models import User
        from planner.quizzes.models import Quiz

        # A request context of its own: the domain error's message is translated.
        with threads_app.test_request_context():
            try:
                me = db.session.get(User, user_id)
                item = db.session.get(Quiz, quiz_id)
                barrier.wait(timeout=10)
                outcomes.append(attempts.start_attempt(item, user=me).id)
                db.session.commit()
            except DomainError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=enter) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with threads_app.app_context():
        db.engine.dispose()
    assert len(outcomes) == 4 and len(set(outcomes)) == 1  # no refusal: the winner's entry
    assert (
        db.session.scalar(db.select(db.func.count(Attempt.id)).where(Attempt.quiz_id == quiz_id))
        == 1
    )


# ---------------------------------------------------------------- leaderboard


def test_the_leaderboard_ranks_by_score_then_time_and_masks_names(
    client, make_user, make_question, make_quiz
):
    quiz = make_quiz([make_question()])
    now = utcnow()
    fast = Attempt(
        quiz_id=quiz.id,
        user_id=make_user("张晓明").id,
        started_at=now,
        finished_at=now,
        duration_seconds=30,
        score=1,
        max_score=1,
        percent=100,
    )
    slow = Attempt(
        quiz_id=quiz.id,
        nickname="慢慢来",
        started_at=now,
        finished_at=now,
        duration_seconds=90,
        score=1,
        max_score=1,
        percent=100,
    )
    low = Attempt(
        quiz_id=quiz.id,
        nickname="低分",
        started_at=now,
        finished_at=now,
        duration_seconds=5,
        score=0,
        max_score=1,
        percent=0,
    )
    db.session.add_all([low, slow, fast])
    db.session.commit()
    text = client.get(f"/quizzes/{quiz.id}/leaderboard").get_data(as_text=True)
    assert "张晓明" not in text
    assert text.index("张*明") < text.index("慢慢来") < text.index("低分")


def test_quiz_pages_run_a_constant_number_of_queries(
    client, make_question, make_quiz, count_queries
):
    quiz = make_quiz([make_question() for _ in range(2)])
    with count_queries() as few:
        client.get(f"/quizzes/{quiz.id}")
        client.get(f"/quizzes/{quiz.id}/leaderboard")
    now = utcnow()
    more = make_quiz([make_question() for _ in range(6)])
    for i in range(5):
        db.session.add(
            Attempt(quiz_id=more.id, nickname=f"玩家{i}", started_at=now, finished_at=now)
        )
    db.session.commit()
    with count_queries() as many:
        client.get(f"/quizzes/{more.id}")
        client.get(f"/quizzes/{more.id}/leaderboard")
    assert many.count == few.count


def test_english_text_is_shown_in_the_english_locale(client, make_question, make_quiz):
    question = make_question(
        text="城阳区倡导什么婚礼？", text_en="Which wedding does Chengyang promote?"
    )
    quiz = make_quiz([question])
    attempt_id = _start_anonymous(client, quiz)
    client.set_cookie("locale", "en")
    page = client.get(f"/quizzes/{quiz.id}/attempts/{attempt_id}").get_data(as_text=True)
    assert "Which wedding does Chengyang promote?" in page
    assert isinstance(db.session.get(Question, question.id), Question)


def test_the_attempt_page_runs_a_constant_number_of_queries(
    client, make_question, make_quiz, count_queries
):
    small = make_quiz([make_question()])
    big = make_quiz([make_question() for _ in range(8)])
    counts = []
    for quiz in (small, big):
        attempt_id = _start_anonymous(client, quiz)
        with count_queries() as counter:
            client.get(f"/quizzes/{quiz.id}/attempts/{attempt_id}")
        counts.append(counter.count)
    assert counts[0] == counts[1]
