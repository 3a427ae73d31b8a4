"""How an answer scores and how an attempt totals: attempts and live rounds both come here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from planner.quizzes.bank import answer_matches
from planner.quizzes.models import Attempt, Question, QuestionType


class Grade(NamedTuple):
    score: float  # 0–1
    is_correct: bool  # full marks


class Total(NamedTuple):
    score: float
    max_score: float
    percent: float
    passed: bool


def score_answer(
    question: Question, chosen: list[int] | None, text: str | None, partial: bool = False
) -> float:
    """Points (0–1) for one answer to ``question``.

    Single choice, true/false and fill-in are all or nothing. Multiple choice is all or nothing,
    or with ``partial`` (right picks − wrong picks) / correct options, never below zero. An option
    that carries a grade from Moodle (``QuestionOption.weight``) scores that grade with
    ``partial``: the chosen options' grades added up, between 0 and 100%.
    """
    if question.type is QuestionType.FILL_IN:
        return 1.0 if answer_matches(text or "", question.answers) else 0.0
    picked = set(chosen or [])
    correct = {o.id for o in question.options if o.is_correct}
    single = question.type is not QuestionType.MULTIPLE
    if picked == correct and (len(picked) == 1 or not single):
        return 1.0
    if not partial or (single and len(picked) != 1):
        return 0.0
    if any(o.weight is not None for o in question.options):
        graded = sum(o.weight or 0.0 for o in question.options if o.id in picked)
        return min(1.0, max(0.0, graded / 100))
    if single:
        return 0.0
    known = {o.id for o in question.options}
    right = len(picked & correct)
    wrong = len((picked & known) - correct)
    return max(0.0, (right - wrong) / len(correct))


def grade(
    question: Question, chosen: list[int] | None, text: str | None, partial: bool = False
) -> Grade:
    """The score of one answer and whether it is right (full marks): what every answer stores."""
    score = score_answer(question, chosen, text, partial)
    return Grade(score, score == 1.0)


def total(scores: Iterable[float], pass_percent: int) -> Total:
    """An attempt's total: one point a question, the score to 0.01, the percent rounded *down* to
    0.1 (so it never shows a mark that was not reached), passed when it reaches the pass mark."""
    scores = list(scores)
    hundredths = round(sum(scores) * 100)  # whole numbers from here: the boundary is exact
    tenths = hundredths * 10 // len(scores) if scores else 0
    return Total(hundredths / 100, float(len(scores)), tenths / 10, tenths >= pass_percent * 10)


def record_total(attempt: Attempt, scores: Iterable[float], pass_percent: int) -> Attempt:
    """Write ``total`` onto the attempt: the only place its score, percent and pass are set."""
    attempt.score, attempt.max_score, attempt.percent, attempt.passed = total(scores, pass_percent)
    return attempt
