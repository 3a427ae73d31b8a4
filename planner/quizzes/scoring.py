"""How an answer scores: all-or-nothing, or partial credit for multiple choice."""

from __future__ import annotations

from planner.quizzes.bank import answer_matches
from planner.quizzes.models import Question, QuestionType


def score_answer(
    question: Question, chosen: list[int] | None, text: str | None, partial: bool = False
) -> float:
    """Points (0–1) for one answer to ``question``.

    Single choice, true/false and fill-in are all or nothing. Multiple choice is all or nothing,
    or with ``partial`` (right picks − wrong picks) / correct options, never below zero.
    """
    if question.type is QuestionType.FILL_IN:
        return 1.0 if answer_matches(text or "", question.answers) else 0.0
    picked = set(chosen or [])
    correct = {o.id for o in question.options if o.is_correct}
    if question.type is not QuestionType.MULTIPLE:
        return 1.0 if len(picked) == 1 and picked == correct else 0.0
    if picked == correct:
        return 1.0
    if not partial:
        return 0.0
    known = {o.id for o in question.options}
    right = len(picked & correct)
    wrong = len((picked & known) - correct)
    return max(0.0, (right - wrong) / len(correct))


def percent(score: float, max_score: float) -> float:
    return round(100.0 * score / max_score, 1) if max_score else 0.0
