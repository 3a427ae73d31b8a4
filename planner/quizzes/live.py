"""Live quick-fire rounds (快问快答): every state lives in the database; the server clock decides."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from planner import signals
from planner.audit import services as audit
from planner.database import insert_once, savepoint
from planner.exceptions import DomainError
from planner.extensions import db
from planner.quizzes.models import (
    Attempt,
    AttemptAnswer,
    LiveAnswer,
    LivePhase,
    LivePlayer,
    LiveRound,
    Question,
    QuestionType,
    Quiz,
)
from planner.quizzes.scoring import grade, record_total
from planner.timeutil import utcnow

LIVE_TYPES = (QuestionType.SINGLE, QuestionType.TRUE_FALSE)
LETTERS = "ABCDEFGH"
# Shapes as well as colours, so nobody depends on telling colours apart.
SHAPES = ("▲", "◆", "●", "■", "★", "✚", "⬟", "⬢")
BASE_POINTS = 1000


class NoLiveQuestions(DomainError):
    message = _l("A live round needs the quiz to have fixed single-choice or true/false questions.")


class NotAccepting(DomainError):
    message = _l("This question is not taking answers now.")


class AlreadyAnsweredLive(DomainError):
    message = _l("You have already answered this question.")


class RoundFinished(DomainError):
    message = _l("This round has finished.")


class LoginNeededLive(DomainError):
    message = _l("Log in to play a prize quiz's live round.")


class AlreadyEnteredLive(DomainError):
    message = _l("You have already taken part in this prize quiz: one attempt a person.")


class BadNickname(DomainError):
    message = _l("Enter a nickname of 1 to 20 characters.")
    field = "nickname"


def _new_pin() -> str:
    for _ in range(20):
        pin = f"{secrets.randbelow(1_000_000):06d}"
        if db.session.scalar(db.select(LiveRound.id).where(LiveRound.pin == pin)) is None:
            return pin
    raise RuntimeError("no free PIN")  # a million PINs in use: not a realistic state


def create_round(actor, quiz: Quiz, seconds_per_question: int = 20) -> LiveRound:
    """A round over the quiz's fixed single-choice and true/false questions, in order."""
    ids = [item.question_id for item in quiz.items if item.question.type in LIVE_TYPES]
    if not ids:
        raise NoLiveQuestions()
    live = LiveRound(
        quiz=quiz,
        pin=_new_pin(),
        question_ids=ids,
        seconds_per_question=seconds_per_question,
        host_id=getattr(actor, "id", None),
    )
    try:
        with savepoint():
            db.session.add(live)
            db.session.flush()
    except IntegrityError:  # another round took the PIN in between: try once more
        live.pin = _new_pin()
        db.session.add(live)
        db.session.flush()
    audit.record(actor, "create_live", quiz, pin=live.pin)
    return live


def phase_of(live: LiveRound, now=None) -> LivePhase:
    """The phase as the clock sees it: a question whose time is up is being revealed."""
    return _clock_phase(live.phase, live.question_ends_at, now or utcnow())


def _clock_phase(phase: LivePhase, ends_at, now) -> LivePhase:
    if phase is LivePhase.QUESTION and ends_at and now >= ends_at:
        return LivePhase.REVEAL
    return phase


def _touch(live: LiveRound) -> None:
    """Count a change every phone must see: pollers compare this number, not the state itself."""
    # In SQL, not ``version + 1`` in Python: two answers at once must make two versions.
    db.session.execute(
        sa.update(LiveRound)
        .where(LiveRound.id == live.id)
        .values(version=LiveRound.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(live, ["version"])


def question_edited(question_id: int) -> None:
    """An edited question's text or options reach the phones of the unfinished rounds asking it."""
    for live in db.session.scalars(
        db.select(LiveRound).where(LiveRound.phase != LivePhase.FINISHED)
    ):
        if question_id in live.question_ids:
            _touch(live)


_ROUNDS, _PLAYERS = LiveRound.__table__, LivePlayer.__table__
# Built once: the poll of every phone runs it, and building a statement costs more than running it.
_POLL = (
    sa.select(
        _ROUNDS.c.id,
        _ROUNDS.c.version,
        _ROUNDS.c.phase,
        _ROUNDS.c.question_ends_at,
        _PLAYERS.c.id.label("player_id"),
    )
    .select_from(
        _ROUNDS.outerjoin(
            _PLAYERS,
            sa.and_(_PLAYERS.c.round_id == _ROUNDS.c.id, _PLAYERS.c.token == sa.bindparam("token")),
        )
    )
    .where(_ROUNDS.c.pin == sa.bindparam("pin"))
)


def poll_mark(pin: str, token: str | None, now=None) -> tuple | None:
    """(round id, version, phase by the clock, player id or None) from one row; None: no round.

    Everything a phone's state shows changes ``version`` (see ``_touch``) or the clock's phase,
    so these decide whether the phone already has the current state.
    """
    row = db.session.connection().execute(_POLL, {"pin": pin, "token": token}).first()
    if row is None:
        return None
    phase = _clock_phase(row.phase, row.question_ends_at, now or utcnow())
    return row.id, row.version, phase, row.player_id


def _open_question(live: LiveRound, index: int, now) -> None:
    live.current_index = index
    live.phase = LivePhase.QUESTION
    live.question_started_at = now
    live.question_ends_at = now + timedelta(seconds=live.seconds_per_question)


def advance(actor, live: LiveRound, now=None) -> None:
    """Host's "next": close a running question early, or open the next one (or finish)."""
    now = now or utcnow()
    phase = phase_of(live, now)
    if phase is LivePhase.FINISHED:
        raise RoundFinished()
    if phase is LivePhase.QUESTION:
        live.question_ends_at = now
        live.phase = LivePhase.REVEAL
    elif live.current_index + 1 < len(live.question_ids):
        _open_question(live, live.current_index + 1, now)
    else:
        finish(actor, live, now)
        return
    _touch(live)


def skip(actor, live: LiveRound, now=None) -> None:
    """Host's "skip": drop the running question (its answers do not count) and go on."""
    now = now or utcnow()
    if live.phase is LivePhase.FINISHED:
        raise RoundFinished()
    running = phase_of(live, now) is LivePhase.QUESTION
    # Only a running question is voided; after its reveal, "skip" simply moves on.
    if running and live.current_index not in live.skipped:
        live.skipped = [*live.skipped, live.current_index]
        for row in db.session.scalars(
            db.select(LiveAnswer).where(
                LiveAnswer.round_id == live.id, LiveAnswer.question_index == live.current_index
            )
        ):
            row.is_correct, row.points = False, 0
    if live.current_index + 1 < len(live.question_ids):
        _open_question(live, live.current_index + 1, now)
        _touch(live)
    else:
        finish(actor, live, now)


def join(live: LiveRound, token: str, nickname: str, user=None) -> LivePlayer:
    """Join (or, with the same cookie, rejoin as the same player)."""
    player = player_of(live, token)
    if player is not None:
        return player
    if live.phase is LivePhase.FINISHED:
        raise RoundFinished()
    nickname = (nickname or "").strip()
    if not 1 <= len(nickname) <= 20:
        raise BadNickname()
    if live.quiz.is_prize:
        # Prize entries are one a person: a live player of a prize quiz is a logged-in user.
        if user is None:
            raise LoginNeededLive()
        entered = db.session.scalar(
            db.select(Attempt.id).where(Attempt.quiz_id == live.quiz_id, Attempt.user_id == user.id)
        )
        playing = db.session.scalar(
            db.select(LivePlayer.id)
            .join(LiveRound, LiveRound.id == LivePlayer.round_id)
            .where(LiveRound.quiz_id == live.quiz_id, LivePlayer.user_id == user.id)
        )
        if entered is not None or playing is not None:
            raise AlreadyEnteredLive()
    player = LivePlayer(
        round_id=live.id, token=token, nickname=nickname, user_id=getattr(user, "id", None)
    )
    joined = insert_once(player, lambda: player_of(live, token))
    if joined is player:
        _touch(live)
    return joined  # the same phone joined twice at once: the player that won


def player_of(live: LiveRound, token: str | None) -> LivePlayer | None:
    if not token:
        return None
    return db.session.scalar(
        db.select(LivePlayer).where(LivePlayer.round_id == live.id, LivePlayer.token == token)
    )


def current_question(live: LiveRound) -> Question | None:
    if not 0 <= live.current_index < len(live.question_ids):
        return None
    return db.session.scalar(
        db.select(Question)
        .where(Question.id == live.question_ids[live.current_index])
        .options(selectinload(Question.options))
    )


def submit(live: LiveRound, player: LivePlayer, option_id: int, now=None) -> LiveAnswer:
    """One answer per player per question, while the question runs; scored as in an attempt, and
    speed may add points."""
    now = now or utcnow()
    if phase_of(live, now) is not LivePhase.QUESTION:
        raise NotAccepting()
    question = current_question(live)
    option = next((o for o in question.options if o.id == option_id), None)
    if option is None:
        raise NotAccepting()
    score, is_correct = grade(question, [option.id], None, live.quiz.partial_credit)
    share = 1.0
    if live.quiz.speed_bonus:  # half the points for being right, half for being quick
        total = (live.question_ends_at - live.question_started_at).total_seconds() or 1
        left = max(0.0, (live.question_ends_at - now).total_seconds())
        share = 0.5 + 0.5 * left / total
    row = LiveAnswer(
        round_id=live.id,
        player_id=player.id,
        question_index=live.current_index,
        option_id=option.id,
        answered_at=now,
        is_correct=is_correct,
        points=round(BASE_POINTS * score * share),
    )
    try:
        with savepoint():
            db.session.add(row)
            db.session.flush()
    except IntegrityError as exc:
        raise AlreadyAnsweredLive() from exc
    _touch(live)
    return row


def finish(actor, live: LiveRound, now=None) -> list[Attempt]:
    """End the round and save each player's answers as a finished attempt of the quiz, scored and
    totalled by the same functions as any attempt."""
    now = now or utcnow()
    if live.phase is LivePhase.FINISHED:
        return []
    live.phase = LivePhase.FINISHED
    live.finished_at = now
    _touch(live)
    asked = _asked_indexes(live)
    players = list(db.session.scalars(db.select(LivePlayer).where(LivePlayer.round_id == live.id)))
    answers = list(db.session.scalars(db.select(LiveAnswer).where(LiveAnswer.round_id == live.id)))
    entered = _prize_entrants(live)
    questions = _questions_asked(live, asked)
    by_player: dict[int, dict[int, LiveAnswer]] = {}
    for row in answers:
        by_player.setdefault(row.player_id, {})[row.question_index] = row
    attempts = []
    for player in players:
        mine = by_player.get(player.id, {})
        attempt = _player_attempt(live, player, mine, asked, questions, now)
        attempt.prize_user_id = _take_prize_entry(live, player, entered)
        player.points = sum(r.points for r in mine.values())
        db.session.add(attempt)
        attempts.append(attempt)
    db.session.flush()
    for attempt in attempts:  # finished like any attempt: what finishing one earns, these earn
        signals.attempt_finished.send(attempt)
    audit.record(actor, "finish_live", live.quiz, pin=live.pin, players=len(players))
    return attempts


def _asked_indexes(live: LiveRound) -> list[int]:
    """The indexes of the questions the round put to its players: reached and not skipped."""
    reached = min(live.current_index + 1, len(live.question_ids))
    return [i for i in range(reached) if i not in live.skipped]


def _prize_entrants(live: LiveRound) -> set[int]:
    """Who already holds the prize quiz's one attempt a person (a constraint): never a second."""
    return set(
        db.session.scalars(
            db.select(Attempt.prize_user_id).where(
                Attempt.quiz_id == live.quiz_id, Attempt.prize_user_id.is_not(None)
            )
        )
    )


def _take_prize_entry(live: LiveRound, player: LivePlayer, entered: set[int]) -> int | None:
    """The user id the player's attempt enters a prize quiz's draw with, if it is their first."""
    if not live.quiz.is_prize or player.user_id is None or player.user_id in entered:
        return None
    entered.add(player.user_id)
    return player.user_id


def _questions_asked(live: LiveRound, asked: list[int]) -> dict[int, Question]:
    """The asked questions with their options, by id, in one query."""
    ids = [live.question_ids[i] for i in asked] or [0]
    query = db.select(Question).where(Question.id.in_(ids)).options(selectinload(Question.options))
    return {q.id: q for q in db.session.scalars(query)}


def _player_attempt(
    live: LiveRound,
    player: LivePlayer,
    mine: dict[int, LiveAnswer],
    asked: list[int],
    questions: dict[int, Question],
    now,
) -> Attempt:
    """One player's answers as a finished attempt, graded and totalled like any attempt."""
    attempt = Attempt(
        quiz_id=live.quiz_id,
        user_id=player.user_id,
        nickname=player.nickname,
        player_token=player.token,
        live_round_id=live.id,
        started_at=live.created_at,
        finished_at=now,
        duration_seconds=sum(
            int((mine[i].answered_at - live.created_at).total_seconds()) for i in asked if i in mine
        ),
    )
    for position, index in enumerate(asked):
        row = mine.get(index)
        chosen = [row.option_id] if row else None
        question = questions[live.question_ids[index]]
        score, is_correct = grade(question, chosen, None, live.quiz.partial_credit)
        attempt.answers.append(
            AttemptAnswer(
                position=position,
                question_id=question.id,
                option_order=[],
                chosen=chosen,
                answered_at=row.answered_at if row else None,
                score=score,
                is_correct=is_correct,
            )
        )
    record_total(attempt, [a.score for a in attempt.answers], live.quiz.pass_percent)
    return attempt


def _leaderboard(live: LiveRound, players: list[LivePlayer], answers: list[LiveAnswer], limit=10):
    points = Counter()
    for row in answers:
        points[row.player_id] += row.points
    ordered = sorted(players, key=lambda p: (-points[p.id], p.id))
    return [{"nickname": p.nickname, "points": points[p.id]} for p in ordered[:limit]]


def state(live: LiveRound, player: LivePlayer | None = None, host: bool = False, now=None) -> dict:
    """What a phone (or the host's screen) shows now; correct answers only after closing."""
    now = now or utcnow()
    phase = phase_of(live, now)
    data: dict = {
        "phase": phase.value,
        "version": live.version,
        "index": live.current_index,
        "total": len(live.question_ids),
    }
    # Plain rows, not ORM objects: every phone polls this each second or two.
    players = db.session.execute(
        db.select(LivePlayer.id, LivePlayer.nickname).where(LivePlayer.round_id == live.id)
    ).all()
    answers = db.session.execute(
        db.select(
            LiveAnswer.player_id, LiveAnswer.question_index, LiveAnswer.option_id, LiveAnswer.points
        ).where(LiveAnswer.round_id == live.id)
    ).all()
    data["players"] = len(players)
    # Points of a running question would tell who was right: they count once it closes.
    scored = [
        a
        for a in answers
        if not (phase is LivePhase.QUESTION and a.question_index == live.current_index)
    ]
    if player is not None:
        data["me"] = {
            "nickname": player.nickname,
            "points": sum(a.points for a in scored if a.player_id == player.id),
        }
    question = current_question(live) if phase in (LivePhase.QUESTION, LivePhase.REVEAL) else None
    if question is not None:
        current = [a for a in answers if a.question_index == live.current_index]
        data.update(_question_state(live, question, current, player))
        if phase is LivePhase.REVEAL:
            data.update(_reveal_state(live, question, current, data.get("my_answer")))
    if phase in (LivePhase.REVEAL, LivePhase.FINISHED, LivePhase.LOBBY) or host:
        data["leaderboard"] = _leaderboard(live, players, scored)
    return data


def _question_state(live: LiveRound, question: Question, current, player) -> dict:
    """The running question as phones show it: its options, deadline and how many answered."""
    data: dict = {
        "question": {
            "text": question.text,
            "text_en": question.text_en,
            "options": [
                {
                    "id": o.id,
                    "letter": LETTERS[i],
                    "shape": SHAPES[i],
                    "text": o.text,
                    "text_en": o.text_en,
                }
                for i, o in enumerate(question.options)
            ],
        },
        "ends_at": live.question_ends_at.timestamp() if live.question_ends_at else None,
        "answered": len(current),
    }
    if player is not None:
        mine = next((a for a in current if a.player_id == player.id), None)
        data["my_answer"] = mine.option_id if mine else None
    return data


def _reveal_state(live: LiveRound, question: Question, current, my_answer: int | None) -> dict:
    """What a closed question reveals: the right options, how answers fell, the explanation."""
    counts = Counter(a.option_id for a in current)
    data = {
        "skipped": live.current_index in live.skipped,
        "correct": [o.id for o in question.options if o.is_correct],
        "distribution": {str(o.id): counts[o.id] for o in question.options},
        "explanation": question.explanation,
        "explanation_en": question.explanation_en,
    }
    if my_answer is not None:
        verdict = grade(question, [my_answer], None, live.quiz.partial_credit)
        data["my_correct"] = verdict.is_correct
    return data


def load_round(**where) -> LiveRound | None:
    query = db.select(LiveRound).options(joinedload(LiveRound.quiz))
    for key, value in where.items():
        query = query.where(getattr(LiveRound, key) == value)
    return db.session.scalar(query)


def recent_rounds(quiz: Quiz, limit: int = 10) -> list[LiveRound]:
    """The quiz's latest live rounds, newest first, for its managers."""
    return list(
        db.session.scalars(
            db.select(LiveRound)
            .where(LiveRound.quiz_id == quiz.id)
            .order_by(LiveRound.id.desc())
            .limit(limit)
        )
    )
