"""Statistics per question and per quiz, and their XLSX export."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from planner import exports
from planner.extensions import db
from planner.quizzes.models import Attempt, AttemptAnswer, Question, Quiz
from planner.timeutil import to_local


def _rate(part: float, whole: int) -> float:
    """A share in per cent, to 0.1."""
    return round(100.0 * part / whole, 1) if whole else 0.0


@dataclass
class QuestionStats:
    question: Question
    attempts: int = 0
    correct: int = 0
    option_counts: Counter = field(default_factory=Counter)

    @property
    def correct_rate(self) -> float:
        return _rate(self.correct, self.attempts)

    @property
    def top_wrong_option(self):
        wrong = [(self.option_counts[o.id], o) for o in self.question.options if not o.is_correct]
        wrong = [pair for pair in wrong if pair[0] > 0]
        return max(wrong, key=lambda pair: pair[0])[1] if wrong else None


@dataclass
class QuizStats:
    participants: int
    average_percent: float
    pass_rate: float
    per_day: list[tuple[str, int]]
    questions: list[QuestionStats]


def quiz_stats(quiz: Quiz) -> QuizStats:
    """Everything in three queries, whatever the number of attempts."""
    attempts = list(
        db.session.scalars(
            db.select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.finished_at.is_not(None))
        )
    )
    answers = list(
        db.session.scalars(
            db.select(AttemptAnswer)
            .join(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.finished_at.is_not(None))
        )
    )
    question_ids = {a.question_id for a in answers}
    questions = {
        q.id: q
        for q in db.session.scalars(
            db.select(Question)
            .where(Question.id.in_(question_ids or {0}))
            .options(selectinload(Question.options))
        )
    }
    per_question: dict[int, QuestionStats] = {}
    for row in answers:
        stats = per_question.setdefault(row.question_id, QuestionStats(questions[row.question_id]))
        stats.attempts += 1
        stats.correct += 1 if row.is_correct else 0
        for option_id in row.chosen or []:
            stats.option_counts[option_id] += 1
    days: dict[str, int] = defaultdict(int)
    for attempt in attempts:
        days[to_local(attempt.finished_at).date().isoformat()] += 1
    count = len(attempts)
    return QuizStats(
        participants=count,
        # Each attempt's percent and pass were written once, by ``scoring.record_total``.
        average_percent=round(sum(a.percent for a in attempts) / count, 1) if count else 0.0,
        pass_rate=_rate(sum(1 for a in attempts if a.passed), count),
        per_day=sorted(days.items()),
        questions=sorted(per_question.values(), key=lambda s: s.question.id),
    )


def stats_sheets(
    quiz: Quiz, stats: QuizStats, labels: dict[str, str]
) -> tuple[exports.Sheet, exports.Sheet]:
    """Two sheets: the quiz summary by day, and one row per question."""
    summary = [
        [labels["quiz"], quiz.title],
        [labels["participants"], stats.participants],
        [labels["average"], stats.average_percent],
        [labels["pass_rate"], stats.pass_rate],
        [],
        [labels["day"], labels["participants"]],
        *([day, count] for day, count in stats.per_day),
    ]
    header = [
        labels["question"],
        labels["attempts"],
        labels["correct_rate"],
        labels["options"],
        labels["top_wrong"],
    ]
    rows = []
    for row in stats.questions:
        options = "; ".join(f"{o.text}: {row.option_counts[o.id]}" for o in row.question.options)
        wrong = row.top_wrong_option
        rows.append(
            [
                row.question.text,
                row.attempts,
                row.correct_rate,
                options,
                wrong.text if wrong else "",
            ]
        )
    return exports.Sheet("quiz", (), summary), exports.Sheet("questions", header, rows)
