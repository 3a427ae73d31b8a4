"""Prize draws anyone can verify: commit to a secret seed, reveal it, rank entries by HMAC.

Algorithm (also explained on the public fairness page):

1. When the prize quiz is created, a random 32-byte seed is made and written as 64 hex digits.
   Its SHA-256 (of those 64 ASCII characters) is published on the quiz page before the quiz opens.
2. At the draw, the eligible attempts (finished, score ≥ the minimum percentage) are listed in the
   order they were finished (ties by entry number); each is published with its entry number
   (the attempt id) and a masked name.
3. Each entry's ticket is HMAC-SHA256(key = the seed's 64 ASCII characters,
   message = the entry number in decimal ASCII), written in hex.
4. Entries are sorted by ticket (ascending, as hex text); the first ones win, prizes in their
   listed order (first prize first), as many of each as its quantity.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from planner.audit import services as audit
from planner.database import lock_row
from planner.exceptions import DomainError
from planner.extensions import db
from planner.notifications import services as notifications
from planner.quizzes.models import Attempt, PrizeWinner, Quiz
from planner.timeutil import utcnow


class DrawNotReady(DomainError):
    message = _l("The draw can only be run once the quiz has closed, and only once.")


class NoPrizes(DomainError):
    message = _l("Add at least one prize before drawing.")


class AlreadyClaimed(DomainError):
    message = _l("This prize has already been marked as claimed.")


def new_seed() -> tuple[str, str]:
    """A fresh secret seed and its SHA-256 commitment."""
    seed = secrets.token_hex(32)
    return seed, commitment(seed)


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def ticket(seed: str, entry_number: int) -> str:
    return hmac.new(
        seed.encode("ascii"), str(entry_number).encode("ascii"), hashlib.sha256
    ).hexdigest()


def eligible_attempts(quiz: Quiz) -> list[Attempt]:
    """Finished attempts at or above the minimum percentage, in the order they finished."""
    return list(
        db.session.scalars(
            db.select(Attempt)
            .where(
                Attempt.quiz_id == quiz.id,
                Attempt.finished_at.is_not(None),
                Attempt.percent >= quiz.eligible_min_percent,
            )
            .options(joinedload(Attempt.user))
            .order_by(Attempt.finished_at, Attempt.id)
        )
    )


def rank_entries(seed: str, entry_numbers: list[int]) -> list[int]:
    """Entry numbers sorted by their HMAC ticket: the draw's whole, deterministic result."""
    return sorted(entry_numbers, key=lambda n: (ticket(seed, n), n))


def prize_slots(quiz: Quiz) -> list:
    return [prize for prize in quiz.prizes for _ in range(prize.quantity)]


def run_draw(actor, quiz: Quiz, now=None) -> list[PrizeWinner]:
    """Reveal the seed, pick the winners, and queue each winner a notification.

    The draw runs once: the quiz row is locked first, and a draw already made (by a concurrent
    request too) is returned as it stands.
    """
    now = now or utcnow()
    quiz = lock_row(Quiz, quiz.id, column=Quiz.drawn_at)
    if quiz.is_prize and quiz.drawn_at is not None:
        return winners_of(quiz)
    if not quiz.is_prize or quiz.closes_at is None or quiz.closes_at > now:
        raise DrawNotReady()
    slots = prize_slots(quiz)
    if not slots:
        raise NoPrizes()
    entries = {a.id: a for a in eligible_attempts(quiz)}
    ranked = rank_entries(quiz.seed, list(entries))
    winners = []
    for rank, (entry, prize) in enumerate(zip(ranked, slots, strict=False), start=1):
        winner = PrizeWinner(quiz_id=quiz.id, prize=prize, attempt=entries[entry], rank=rank)
        db.session.add(winner)
        winners.append(winner)
    quiz.drawn_at = now
    db.session.flush()
    for winner in winners:
        user = winner.attempt.user
        if user is None:
            continue
        # Written in the winner's language, whoever runs the draw.
        with notifications.in_language_of(user):
            notifications.queue(
                user,
                _("You won a prize in %(quiz)s", quiz=quiz.title),
                _(
                    "Congratulations! Your entry no. %(entry)s won %(prize)s in the prize draw of "
                    "%(quiz)s. To claim it, bring your ID card and this message to the organiser "
                    "(%(owner)s) within 30 days.",
                    entry=winner.attempt_id,
                    prize=winner.prize.name,
                    quiz=quiz.title,
                    owner=quiz.owner.name if quiz.owner else _("the city civilisation office"),
                ),
                dedupe_key=f"quiz-prize-{winner.id}",
            )
    audit.record(actor, "draw", quiz, winners=[w.attempt_id for w in winners], seed=quiz.seed)
    return winners


def mark_claimed(actor, winner: PrizeWinner) -> None:
    """Record that the winner collected the prize, once (the row is locked first)."""
    winner = lock_row(PrizeWinner, winner.id, column=PrizeWinner.claimed_at)
    if winner.claimed_at is not None:
        raise AlreadyClaimed()
    winner.claimed_at = utcnow()
    audit.record(actor, "claim", winner, attempt=winner.attempt_id, prize=winner.prize.name)


def winners_of(quiz: Quiz) -> list[PrizeWinner]:
    return list(
        db.session.scalars(
            db.select(PrizeWinner)
            .where(PrizeWinner.quiz_id == quiz.id)
            .options(
                joinedload(PrizeWinner.prize),
                joinedload(PrizeWinner.attempt).joinedload(Attempt.user),
            )
            .order_by(PrizeWinner.rank)
        )
    )


def winner_of(quiz: Quiz, winner_id: int) -> PrizeWinner | None:
    """One of the quiz's winners, with the prize."""
    return db.session.scalar(
        db.select(PrizeWinner)
        .where(PrizeWinner.id == winner_id, PrizeWinner.quiz_id == quiz.id)
        .options(joinedload(PrizeWinner.prize))
    )


def prize_won_by(attempt: Attempt) -> PrizeWinner | None:
    """What the attempt won in its quiz's draw, with the prize; None if nothing."""
    return db.session.scalar(
        db.select(PrizeWinner)
        .where(PrizeWinner.attempt_id == attempt.id)
        .options(joinedload(PrizeWinner.prize))
    )
