"""The demo quizzes: enough questions, bilingual, idempotent, and playable."""

from __future__ import annotations

from planner import demo
from planner.extensions import db
from planner.quizzes import bank
from planner.quizzes.demo import LIVE_TITLE, ONLINE_TITLE, PRIZE_TITLE
from planner.quizzes.models import LiveRound, Question, Quiz


def _counts():
    return (
        db.session.scalar(db.select(db.func.count(Question.id))),
        db.session.scalar(db.select(db.func.count(Quiz.id))),
        db.session.scalar(db.select(db.func.count(LiveRound.id))),
    )


def test_the_demo_bank_has_forty_valid_bilingual_questions_with_explanations(seeded):
    questions = db.session.scalars(db.select(Question)).all()
    assert len(questions) >= 40
    for question in questions:
        bank.validate(bank.draft_of(question))
        assert question.explanation and question.explanation_en and question.text_en
    texts = " ".join(q.text for q in questions)
    for item in [
        "不往窗外抛撒物品",
        "开车进入社区不按喇叭",
        "公共区域不随意摆放物品",
        "为宠物办理合法证件",
        "城阳区",
        "高价彩礼",
        "大操大办",
        "鞭炮",
    ]:
        assert item in texts or any(item in o.text for q in questions for o in q.options)


def test_seeding_twice_adds_nothing(seeded):
    before = _counts()
    demo.seed_all()
    db.session.commit()
    assert _counts() == before
    titles = set(db.session.scalars(db.select(Quiz.title)))
    assert {ONLINE_TITLE, PRIZE_TITLE, LIVE_TITLE} <= titles


def test_the_demo_quizzes_can_be_played(seeded, client):
    online = db.session.scalar(db.select(Quiz).where(Quiz.title == ONLINE_TITLE))
    response = client.post(f"/quizzes/{online.id}/start", data={"nickname": "演示"})
    assert response.status_code == 302 and "/attempts/" in response.location
    assert client.get(response.location).status_code == 200
    prize = db.session.scalar(db.select(Quiz).where(Quiz.title == PRIZE_TITLE))
    assert prize.seed_hash and prize.prizes
    page = client.get(f"/quizzes/{prize.id}").get_data(as_text=True)
    assert prize.seed_hash in page
    live = db.session.scalar(db.select(LiveRound))
    assert client.get(f"/live/{live.pin}").status_code == 200


def test_the_national_day_quiz_closes_after_national_day_and_another_quiz_is_open(seeded):
    from datetime import datetime, timedelta

    from planner.quizzes.attempts import is_open
    from planner.timeutil import from_local, to_local, utcnow

    live_quiz = db.session.scalar(db.select(Quiz).where(Quiz.title == LIVE_TITLE))
    gala_year = to_local(live_quiz.event.starts_at).year
    # (the seeded snapshot moves every time forward by the seconds since it was taken)
    assert abs(live_quiz.closes_at - from_local(datetime(gala_year, 10, 8))) < timedelta(hours=1)
    assert live_quiz.opens_at < live_quiz.event.starts_at
    # Whatever day the demo is loaded, residents find quizzes to play.
    open_titles = {q.title for q in db.session.scalars(db.select(Quiz)) if is_open(q, utcnow())}
    assert {ONLINE_TITLE, PRIZE_TITLE} <= open_titles
    assert LIVE_TITLE not in open_titles
