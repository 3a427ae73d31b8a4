"""Organisers set quizzes up for their own organisation; statistics and their XLSX export."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from planner.extensions import db
from planner.quizzes import attempts
from planner.quizzes.models import FeedbackPolicy, Quiz, QuizCategoryRule, Selection
from planner.timeutil import utcnow

FORM = {
    "title": "婚俗改革知识竞赛",
    "event_id": "0",
    "published": "y",
    "opens_at": "2030-01-01T09:00",
    "closes_at": "2030-01-08T18:00",
    "selection": "fixed",
    "pass_percent": "60",
    "attempts_allowed": "2",
    "feedback": "end",
    "audience": "anyone",
    "eligible_min_percent": "100",
}


def _organiser(make_user, make_department, grant, name="市委编办"):
    user = make_user("组织者")
    department = make_department(name)
    grant(user, department)
    return user, department


def test_an_organiser_creates_a_quiz_for_their_own_organisation(
    client, auth, make_user, make_department, grant
):
    user, department = _organiser(make_user, make_department, grant)
    auth.login(user)
    response = client.post("/quizzes/new", data={**FORM, "owner": f"department:{department.id}"})
    assert response.status_code == 302
    quiz = db.session.scalar(db.select(Quiz))
    assert quiz.department_id == department.id and quiz.attempts_allowed == 2
    assert quiz.opens_at.hour == 1  # 09:00 in Shanghai is 01:00 UTC


def test_an_organiser_cannot_pick_another_organisation(
    client, auth, make_user, make_department, grant
):
    user, _department = _organiser(make_user, make_department, grant)
    other = make_department("市财政局")
    auth.login(user)
    response = client.post("/quizzes/new", data={**FORM, "owner": f"department:{other.id}"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Quiz.id))) == 0


def test_a_quiz_must_close_after_it_opens(client, auth, make_user):
    auth.login(make_user("管理员", admin=True))
    data = {**FORM, "owner": "city", "closes_at": "2029-12-31T09:00"}
    response = client.post("/quizzes/new", data=data)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Quiz.id))) == 0


def test_a_prize_quiz_needs_a_closing_time_and_gets_a_commitment(client, auth, make_user):
    auth.login(make_user("管理员", admin=True))
    data = {**FORM, "owner": "city", "is_prize": "y", "closes_at": ""}
    assert client.post("/quizzes/new", data=data).status_code == 400
    data["closes_at"] = "2030-01-08T18:00"
    assert client.post("/quizzes/new", data=data).status_code == 302
    quiz = db.session.scalar(db.select(Quiz))
    assert quiz.is_prize and len(quiz.seed_hash) == 64 and quiz.attempts_allowed == 1
    assert quiz.feedback is FeedbackPolicy.AFTER_CLOSE  # no answers leak while others still play


def test_bad_numbers_are_refused_next_to_the_field(client, auth, make_user):
    auth.login(make_user("管理员", admin=True))
    response = client.post("/quizzes/new", data={**FORM, "owner": "city", "pass_percent": "150"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Quiz.id))) == 0


def test_an_organiser_chooses_fixed_questions_and_random_rules(
    client, auth, make_user, make_question, make_quiz
):
    auth.login(make_user("管理员", admin=True))
    first, second = make_question(), make_question(category="丧事简办")
    quiz = make_quiz([])
    client.post(f"/quizzes/{quiz.id}/questions", data={"question": [second.id, first.id, 99999]})
    assert [i.question_id for i in db.session.get(Quiz, quiz.id).items] == [second.id, first.id]
    quiz = db.session.get(Quiz, quiz.id)
    quiz.selection = Selection.RANDOM
    db.session.commit()
    client.post(
        f"/quizzes/{quiz.id}/questions",
        data={f"count-{second.category_id}": "2", f"count-{first.category_id}": "x"},
    )
    rules = db.session.scalars(db.select(QuizCategoryRule)).all()
    assert [(r.category_id, r.count) for r in rules] == [(second.category_id, 2)]


def test_statistics_count_answers_options_and_the_top_wrong_option(
    client, auth, make_user, make_question, make_quiz
):
    question = make_question()
    quiz = make_quiz([question], attempts_allowed=10)
    wrong = next(o.id for o in question.options if o.text == "错误选项甲")
    right = next(o.id for o in question.options if o.is_correct)
    with client.application.test_request_context():
        for i, choice in enumerate([right, wrong, wrong]):
            attempt = attempts.start_attempt(quiz, player_token=f"p{i}", nickname=f"玩家{i}")
            attempts.answer(attempt, attempt.answers[0], [choice], None)
    db.session.commit()
    auth.login(make_user("管理员", admin=True))
    page = client.get(f"/quizzes/{quiz.id}/stats").get_data(as_text=True)
    assert "33.3" in page and "错误选项甲" in page
    book = load_workbook(io.BytesIO(client.get(f"/quizzes/{quiz.id}/stats.xlsx").data))
    rows = list(book["questions"].iter_rows(values_only=True))
    assert rows[1][0] == question.text and rows[1][1] == 3 and rows[1][2] == 33.3
    assert rows[1][4] == "错误选项甲"
    summary = list(book["quiz"].iter_rows(values_only=True))
    assert summary[1][1] == 3


def test_the_statistics_page_runs_a_constant_number_of_queries(
    client, auth, make_user, make_question, make_quiz, count_queries
):
    auth.login(make_user("管理员", admin=True))
    quiz = make_quiz([make_question(), make_question()], attempts_allowed=50)
    with client.application.test_request_context():
        attempts.finish(attempts.start_attempt(quiz, player_token="a", nickname="甲"))
    db.session.commit()
    with count_queries() as few:
        client.get(f"/quizzes/{quiz.id}/stats")
    with client.application.test_request_context():
        for i in range(5):
            attempt = attempts.start_attempt(quiz, player_token=f"b{i}", nickname="乙")
            attempts.finish(attempt)
    db.session.commit()
    with count_queries() as many:
        client.get(f"/quizzes/{quiz.id}/stats")
    assert many.count == few.count


def test_a_draft_quiz_is_listed_for_its_managers_only(
    client, auth, make_user, make_department, grant, make_quiz
):
    user, department = _organiser(make_user, make_department, grant)
    make_quiz([], owner=department, published=False, title="草稿竞赛")
    make_quiz([], published=False, title="别人的草稿", closes_at=utcnow() + timedelta(days=1))
    assert "草稿竞赛" not in client.get("/quizzes").get_data(as_text=True)
    auth.login(user)
    page = client.get("/quizzes/manage").get_data(as_text=True)
    assert "草稿竞赛" in page and "别人的草稿" not in page


def test_a_street_organiser_may_own_a_quiz_for_a_community_of_the_street(
    client, auth, make_user, make_community, grant
):
    community = make_community("凤凰山社区")
    user = make_user("街道组织者")
    grant(user, community.street)
    auth.login(user)
    response = client.post("/quizzes/new", data={**FORM, "owner": f"community:{community.id}"})
    assert response.status_code == 302
    quiz = db.session.scalar(db.select(Quiz))
    assert quiz.community_id == community.id
    assert client.get(f"/quizzes/{quiz.id}/edit").status_code == 200
