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
