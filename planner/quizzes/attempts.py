"""Starting, answering and finishing attempts; the time limit is the server's, not the phone's."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from planner import signals
from planner.accounts.models import User
from planner.database import insert_once, lock_row
from planner.exceptions import DomainError
from planner.extensions import db
from planner.quizzes.models import (
    Attempt,
    AttemptAnswer,
    Audience,
    FeedbackPolicy,
    Question,
    Quiz,
    Selection,
)
from planner.quizzes.scoring import grade, record_total
from planner.timeutil import utcnow

GRACE = timedelta(seconds=5)


class QuizNotOpen(DomainError):
    message = _l("This quiz is not open now.")


class LoginNeeded(DomainError):
    message = _l("Log in to take this quiz.")


class NicknameNeeded(DomainError):
    message = _l("Enter a nickname of 1 to 20 characters.")
    field = "nickname"


class NoAttemptsLeft(DomainError):
    message = _l("You have used every attempt this quiz allows.")


class AttemptClosed(DomainError):
    message = _l("This attempt has ended.")


class AlreadyAnswered(DomainError):
    message = _l("This question has already been answered.")


class NoQuestions(DomainError):
    message = _l("This quiz has no questions yet.")


def is_open(quiz: Quiz, now=None) -> bool:
    now = now or utcnow()
    return (
        quiz.published
        and (quiz.opens_at is None or quiz.opens_at <= now)
        and (quiz.closes_at is None or now < quiz.closes_at)
    )


def has_closed(quiz: Quiz, now=None) -> bool:
    now = now or utcnow()
    return quiz.closes_at is not None and quiz.closes_at <= now


def draw_questions(quiz: Quiz, rng: random.Random) -> list[Question]:
    """The questions of a new attempt: the fixed list, or N random ones per category rule."""
    if quiz.selection is Selection.FIXED:
        chosen = [item.question for item in quiz.items if item.question.archived_at is None]
    else:
        chosen = []
        for rule in sorted(quiz.category_rules, key=lambda r: r.category_id):
            pool = list(
                db.session.scalars(
                    db.select(Question)
                    .where(Question.category_id == rule.category_id, Question.archived_at.is_(None))
                    .options(selectinload(Question.options))
                    .order_by(Question.id)
                )
            )
            chosen += rng.sample(pool, min(rule.count, len(pool)))
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def _whose(user=None, player_token: str | None = None):
    """SQL: the attempts of ``user``, or else of the anonymous player; None for nobody known."""
    if user is not None:
        return Attempt.user_id == user.id
    if player_token:
        return Attempt.player_token == player_token
    return None


def attempts_used(quiz: Quiz, user=None, player_token: str | None = None) -> int:
    """How many of the quiz's allowed attempts the person has used (live rounds' do not count)."""
    who = _whose(user, player_token)
    if who is None:
        return 0
    return db.session.scalar(
        db.select(db.func.count(Attempt.id)).where(
            Attempt.quiz_id == quiz.id, who, Attempt.live_round_id.is_(None)
        )
    )


def attempts_of(quiz: Quiz, user=None, player_token: str | None = None) -> list[Attempt]:
    """The person's attempts at ``quiz``, live rounds' included, newest first."""
    who = _whose(user, player_token)
    if who is None:
        return []
    query = db.select(Attempt).where(Attempt.quiz_id == quiz.id, who).order_by(Attempt.id.desc())
    return list(db.session.scalars(query))


def find_attempt(attempt_id: int) -> Attempt | None:
    """The attempt alone, without its answers."""
    return db.session.get(Attempt, attempt_id)


def _unfinished(quiz: Quiz, user=None, player_token: str | None = None) -> Attempt | None:
    """The person's attempt at ``quiz`` still in progress and in time (not a live round's)."""
    who = _whose(user, player_token)
    if who is None:
        return None
    attempt = db.session.scalar(
        db.select(Attempt)
        .where(
            Attempt.quiz_id == quiz.id,
            who,
            Attempt.live_round_id.is_(None),
            Attempt.finished_at.is_(None),
        )
        .order_by(Attempt.id.desc())
        .limit(1)
    )
    if attempt is None or close_if_expired(attempt):
        return None
    return attempt


def _prize_entry(quiz: Quiz, user) -> Attempt | None:
    """The user's one attempt at a prize quiz, if any."""
    return db.session.scalar(
        db.select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.prize_user_id == user.id)
    )


def start_attempt(
    quiz: Quiz, user=None, player_token: str | None = None, nickname: str = ""
) -> Attempt:
    """Freeze a new attempt's questions and option order; enforce audience and attempt limits.

    The limit is checked under a lock (the person's row; the quiz's for players without an
    account), so starts sent at once never pass it together. A prize quiz takes one entry a
    person (also a unique index): starting again, or at the same time, returns that entry. An
    attempt still in progress is resumed rather than a new one started, so a start sent twice
    (or ten times at once) is one attempt and every request gets its page.
    """
    if not is_open(quiz):
        raise QuizNotOpen()
    if user is None and (quiz.is_prize or quiz.audience is Audience.USERS):
        raise LoginNeeded()
    nickname = (nickname or "").strip()
    if user is None and not 1 <= len(nickname) <= 20:
        raise NicknameNeeded()
    if user is not None:
        lock_row(User, user.id)
    else:
        lock_row(Quiz, quiz.id)
    if quiz.is_prize and (entry := _prize_entry(quiz, user)) is not None:
        return entry
    if (attempt := _unfinished(quiz, user, player_token)) is not None:
        return attempt
    if attempts_used(quiz, user, player_token) >= quiz.attempts_allowed:
        raise NoAttemptsLeft()
    rng = random.SystemRandom()
    questions = draw_questions(quiz, rng)
    if not questions:
        raise NoQuestions()
    now = utcnow()
    attempt = Attempt(
        quiz=quiz,
        user_id=user.id if user is not None else None,
        prize_user_id=user.id if quiz.is_prize else None,
        player_token=player_token if user is None else None,
        nickname=nickname[:20] if user is None else "",
        started_at=now,
        deadline_at=now + timedelta(seconds=quiz.time_limit_seconds)
        if quiz.time_limit_seconds
        else None,
    )
    for position, question in enumerate(questions):
        order = [o.id for o in question.options]
        if quiz.shuffle_options:
            rng.shuffle(order)
        attempt.answers.append(
            AttemptAnswer(position=position, question_id=question.id, option_order=order)
        )
    if not quiz.is_prize:
        db.session.add(attempt)
        db.session.flush()
        return attempt
    return insert_once(attempt, lambda: _prize_entry(quiz, user))


def load_attempt(attempt_id: int) -> Attempt | None:
    return db.session.scalar(
        db.select(Attempt)
        .where(Attempt.id == attempt_id)
        .options(
            joinedload(Attempt.quiz),
            joinedload(Attempt.user),
            selectinload(Attempt.answers)
            .joinedload(AttemptAnswer.question)
            .options(selectinload(Question.options), joinedload(Question.category)),
        )
    )


# Built once: answering is the request a quiz's players send most.
_SLOT = (
    sa.select(AttemptAnswer)
    .where(
        AttemptAnswer.attempt_id == sa.bindparam("attempt_id"),
        AttemptAnswer.position == sa.bindparam("position"),
    )
    .options(
        joinedload(AttemptAnswer.attempt).joinedload(Attempt.quiz),
        joinedload(AttemptAnswer.question).joinedload(Question.options),
    )
)


_SLOT_ROWS = AttemptAnswer.__table__
# The values to write come as parameters: the statement is built once.
_ANSWER = _SLOT_ROWS.update().where(
    _SLOT_ROWS.c.id == sa.bindparam("slot_id"), _SLOT_ROWS.c.answered_at.is_(None)
)


def load_slot(attempt_id: int, position: int) -> AttemptAnswer | None:
    """One slot with its attempt, quiz, question and options, in one query: what answering needs."""
    params = {"attempt_id": attempt_id, "position": position}
    return db.session.scalars(_SLOT, params).unique().first()


def is_late(attempt: Attempt, now=None) -> bool:
    now = now or utcnow()
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def current_slot(attempt: Attempt) -> AttemptAnswer | None:
    """The first question not yet answered."""
    return next((a for a in attempt.answers if a.answered_at is None), None)


def answer(
    attempt: Attempt, slot: AttemptAnswer, chosen: list[int], text: str | None
) -> AttemptAnswer:
    """Record the one answer to a slot; after the deadline (plus grace) it is kept but not scored."""
    if attempt.is_finished:
        raise AttemptClosed()
    if slot.answered_at is not None:
        raise AlreadyAnswered()
    now = utcnow()
    valid = set(slot.option_order)
    chosen = [c for c in chosen if c in valid]
    given = {"answered_at": now, "chosen": chosen}
    given["text"] = (text or "")[:200] if not slot.question.is_choice else None
    if is_late(attempt, now):
        given.update(late=True, score=0.0, is_correct=False)
    else:
        score, is_correct = grade(slot.question, chosen, text, attempt.quiz.partial_credit)
        given.update(late=False, score=score, is_correct=is_correct)
    # Only one request may answer a slot: the update checks it is still unanswered, and
    # writes the whole answer in the same statement.
    result = db.session.connection().execute(_ANSWER, {"slot_id": slot.id, **given})
    if result.rowcount != 1:
        raise AlreadyAnswered()
    for key, value in given.items():  # as written: nothing left for the flush to send
        set_committed_value(slot, key, value)
    if slot.late or not _has_unanswered(attempt):
        finish(attempt, now)
    return slot


_UNANSWERED = (
    sa.select(AttemptAnswer.id)
    .where(
        AttemptAnswer.attempt_id == sa.bindparam("attempt_id"), AttemptAnswer.answered_at.is_(None)
    )
    .limit(1)
)


def _has_unanswered(attempt: Attempt) -> bool:
    # Asked of the database (this slot's answer is already written there): the other slots
    # need not be loaded to know whether this was the last one.
    return db.session.scalar(_UNANSWERED, {"attempt_id": attempt.id}) is not None


def finish(attempt: Attempt, now=None) -> Attempt:
    """Close the attempt and total its score; unanswered questions score nothing."""
    if attempt.is_finished:
        return attempt
    now = now or utcnow()
    if attempt.deadline_at is not None and now > attempt.deadline_at + GRACE:
        now = attempt.deadline_at  # time taken never exceeds the limit
    attempt.finished_at = now
    attempt.duration_seconds = max(0, int((now - attempt.started_at).total_seconds()))
    # The slots' scores as written (autoflush), without loading every slot as an object.
    scores = db.session.scalars(
        db.select(AttemptAnswer.score)
        .where(AttemptAnswer.attempt_id == attempt.id)
        .order_by(AttemptAnswer.position)
    ).all()
    record_total(attempt, scores, attempt.quiz.pass_percent)
    db.session.flush()
    signals.attempt_finished.send(attempt)
    return attempt


def close_if_expired(attempt: Attempt) -> bool:
    """Finish an attempt whose time is up; True when it was."""
    if not attempt.is_finished and is_late(attempt):
        finish(attempt)
        return True
    return False


def may_reveal(attempt: Attempt, slot: AttemptAnswer | None = None) -> bool:
    """Whether correct answers and explanations may be shown, per the feedback policy.

    Never before the slot (policy "each") or the whole attempt is closed.
    """
    quiz = attempt.quiz
    if quiz.feedback is FeedbackPolicy.EACH and slot is not None:
        return slot.answered_at is not None
    if not attempt.is_finished:
        return False
    if quiz.feedback is FeedbackPolicy.AFTER_CLOSE:
        return has_closed(quiz)
    return True


def leaderboard(quiz: Quiz, limit: int = 50) -> list[Attempt]:
    """Finished attempts by score, then time taken (the shortest first)."""
    return list(
        db.session.scalars(
            db.select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.finished_at.is_not(None))
            .options(joinedload(Attempt.user))
            .order_by(Attempt.score.desc(), Attempt.duration_seconds, Attempt.id)
            .limit(limit)
        )
    )
