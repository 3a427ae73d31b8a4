"""Factories for the quiz tests: bank questions and quizzes."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from planner.extensions import db


@pytest.fixture
def make_question(app):
    """``make_question("single", options=[("对", True), ("错", False)])`` → a saved question."""
    from planner.quizzes import bank
    from planner.quizzes.models import Question, QuestionType

    counter = itertools.count(1)

    def make(
        qtype: str = "single",
        text: str | None = None,
        options=(("正确选项", True), ("错误选项甲", False), ("错误选项乙", False)),
        accepted=("彩礼",),
        category: str = "婚事新办",
        explanation: str = "解析：倡导婚事简办。",
        **fields,
    ):
        qtype = QuestionType(qtype)
        draft = bank.QuestionDraft(
            type=qtype,
            text=text or f"测试题目{next(counter)}",
            explanation=explanation,
            **fields,
        )
        if qtype is QuestionType.FILL_IN:
            draft.accepted = list(accepted)
        elif qtype is QuestionType.TRUE_FALSE:
            draft.options = bank.true_false_options(bool(options[0][1]))
        else:
            draft.options = [bank.OptionDraft(t, c) for t, c in options]
        question = bank.apply_draft(Question(), draft, bank.get_or_create_category(category))
        db.session.commit()
        return question

    return make


@pytest.fixture
def make_quiz(app):
    """A published, open quiz over the given questions (fixed, in order)."""
    from planner.quizzes import services
    from planner.quizzes.models import Quiz, QuizQuestion
    from planner.timeutil import utcnow

    counter = itertools.count(1)

    def make(questions=(), owner=None, **settings):
        now = utcnow()
        settings.setdefault("published", True)
        settings.setdefault("opens_at", now - timedelta(hours=1))
        settings.setdefault("closes_at", now + timedelta(days=7))
        quiz = Quiz(title=settings.pop("title", f"测试竞赛{next(counter)}"), **settings)
        quiz.owner = owner
        for position, question in enumerate(questions):
            quiz.items.append(QuizQuestion(question_id=question.id, position=position))
        services.save_quiz(None, quiz)
        db.session.commit()
        return quiz

    return make
