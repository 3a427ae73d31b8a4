"""Quiz settings: saving a quiz, its owner, choosing its questions, and its prizes; the quizzes
the listing and the organisers' page show."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from planner import organisations, permissions
from planner.audit import services as audit
from planner.events.models import Event, EventStatus
from planner.exceptions import DomainError
from planner.extensions import db
from planner.permissions import managed_events_condition
from planner.quizzes import draws
from planner.quizzes.models import (
    FeedbackPolicy,
    Prize,
    Question,
    QuestionCategory,
    Quiz,
    QuizCategoryRule,
    QuizQuestion,
)
from planner.timeutil import utcnow


class ClosesBeforeOpening(DomainError):
    message = _l("The quiz must close after it opens.")
    field = "closes_at"


class PrizeQuizNeedsTimes(DomainError):
    message = _l("A prize quiz needs a closing time (the draw runs after it).")
    field = "closes_at"


class SettingsLocked(DomainError):
    message = _l("The prize rules cannot change once the quiz has opened.")


class EventNotManaged(DomainError):
    message = _l("Choose an event that you organise.")
    field = "event_id"


EVENT_CHOICES = 200
CITY = "city"  # the owner choice of a quiz no organisation owns (administrators manage it)


def find_quiz(quiz_id: int) -> Quiz | None:
    """The quiz with what its pages show: event, owner, prizes, rules, questions and options."""
    return db.session.scalar(
        db.select(Quiz)
        .where(Quiz.id == quiz_id)
        .options(
            joinedload(Quiz.event),
            joinedload(Quiz.department),
            joinedload(Quiz.street),
            joinedload(Quiz.community),
            selectinload(Quiz.prizes),
            selectinload(Quiz.category_rules),
            selectinload(Quiz.items)
            .joinedload(QuizQuestion.question)
            .selectinload(Question.options),
        )
    )


def published_quizzes() -> list[Quiz]:
    """The quizzes the public listing shows: published ones, latest opening first."""
    query = (
        db.select(Quiz)
        .where(Quiz.published.is_(True))
        .order_by(Quiz.opens_at.desc(), Quiz.id.desc())
    )
    return list(db.session.scalars(query))


def managed_quizzes(user) -> list[Quiz]:
    """The quizzes ``user`` manages, newest first, with their owners."""
    query = (
        db.select(Quiz)
        .options(joinedload(Quiz.department), joinedload(Quiz.street), joinedload(Quiz.community))
        .order_by(Quiz.id.desc())
    )
    return [q for q in db.session.scalars(query) if permissions.can_manage_quiz(q, user)]


def owner_choices(user) -> list[tuple[str, str]]:
    """Who may own a quiz ``user`` saves: for administrators the city or any organisation of a
    kind that owns quizzes; for organisers those they organise for (a street's communities too)."""
    if permissions.is_admin(user):
        return [(CITY, _("City (administrators)"))] + [
            (organisations.key_of(item), item.name)
            for kind in Quiz.organisation_kinds
            for item in organisations.active(kind)
        ]
    choices = []
    for grant in user.grants:
        organisation = grant.organisation
        choices.append((organisations.key_of(organisation), organisation.name))
        if organisation.organisation_kind == "street":
            choices += [(organisations.key_of(c), c.name) for c in organisation.communities]
    return list(dict.fromkeys(choices))


def owner_choice(quiz: Quiz) -> str:
    """The owner choice naming the quiz's owner."""
    owner = quiz.organisation_kind_and_id
    return organisations.format_key(*owner) if owner else CITY


def owner_named(choice: str):
    """The organisation an owner choice names; ``None`` for the city and for a bad choice."""
    return organisations.from_key(choice, kinds=Quiz.organisation_kinds)


def linkable_condition(user):
    """SQL: an event ``user`` may attach a quiz to: one they manage that is not cancelled."""
    return db.and_(managed_events_condition(user), Event.status != EventStatus.CANCELLED)


def event_choices(user, quiz: Quiz) -> list[Event]:
    """The events a quiz's form offers: the quiz's own first, then the linkable ones, latest first."""
    offered, own_first = linkable_condition(user), []
    if quiz.event_id is not None:
        offered = db.or_(offered, Event.id == quiz.event_id)
        own_first = [Event.id != quiz.event_id]
    query = db.select(Event).where(offered).order_by(*own_first, Event.starts_at.desc())
    return list(db.session.scalars(query.limit(EVENT_CHOICES)))


def link_event(actor, quiz: Quiz, event_id: int | None) -> None:
    """Attach the quiz to an event ``actor`` manages, keep the one it has, or detach it (None).

    A quiz shows on its event's public page, so no one may attach one to another's event.
    """
    if event_id is not None and event_id != quiz.event_id:
        allowed = db.session.scalar(
            db.select(Event.id).where(Event.id == event_id, linkable_condition(actor))
        )
        if allowed is None:
            raise EventNotManaged()
    quiz.event_id = event_id


def quizzes_for_event(event: Event) -> list[Quiz]:
    """The published quizzes shown on an event's page (none while it is a draft), in one query."""
    if event.status is EventStatus.DRAFT:
        return []
    return list(
        db.session.scalars(
            db.select(Quiz)
            .where(Quiz.event_id == event.id, Quiz.published.is_(True))
            .order_by(Quiz.id)
        )
    )


def save_quiz(actor, quiz: Quiz) -> Quiz:
    """Check a quiz's settings, give a prize quiz its committed seed, and record the change."""
    if quiz.opens_at and quiz.closes_at and quiz.closes_at <= quiz.opens_at:
        raise ClosesBeforeOpening()
    if quiz.is_prize:
        if quiz.closes_at is None:
            raise PrizeQuizNeedsTimes()
        quiz.attempts_allowed = 1
        # Answers shown during the quiz could be passed on to entrants still playing.
        quiz.feedback = FeedbackPolicy.AFTER_CLOSE
        if quiz.seed is None:
            quiz.seed, quiz.seed_hash = draws.new_seed()
    is_new = quiz.id is None
    db.session.add(quiz)
    db.session.flush()
    audit.record(actor, "create" if is_new else "update", quiz, title=quiz.title)
    return quiz


def prize_rules_locked(quiz: Quiz, now=None) -> bool:
    """Prizes and eligibility are fixed once a prize quiz opens (the commitment covers them)."""
    now = now or utcnow()
    return quiz.is_prize and quiz.published and (quiz.opens_at is None or quiz.opens_at <= now)


def set_questions(actor, quiz: Quiz, question_ids: list[int]) -> None:
    """Make ``question_ids`` (in this order) the quiz's fixed questions."""
    known = set(
        db.session.scalars(
            db.select(Question.id).where(
                Question.id.in_(question_ids), Question.archived_at.is_(None)
            )
        )
    )
    wanted = [qid for qid in dict.fromkeys(question_ids) if qid in known]
    quiz.items.clear()
    db.session.flush()
    for position, qid in enumerate(wanted):
        quiz.items.append(QuizQuestion(question_id=qid, position=position))
    db.session.flush()
    audit.record(actor, "set_questions", quiz, questions=wanted)


def set_category_rules(actor, quiz: Quiz, counts: dict[int, int]) -> None:
    """Draw ``counts[category_id]`` random questions from each category (0 removes the rule)."""
    known = set(db.session.scalars(db.select(QuestionCategory.id)))
    quiz.category_rules.clear()
    db.session.flush()
    for category_id, count in sorted(counts.items()):
        if category_id in known and count > 0:
            quiz.category_rules.append(
                QuizCategoryRule(category_id=category_id, count=min(count, 100))
            )
    db.session.flush()
    audit.record(actor, "set_rules", quiz, rules={str(k): v for k, v in counts.items() if v})


def add_prize(actor, quiz: Quiz, name: str, quantity: int) -> Prize:
    if prize_rules_locked(quiz):
        raise SettingsLocked()
    prize = Prize(name=name, quantity=quantity, position=len(quiz.prizes))
    quiz.prizes.append(prize)
    db.session.flush()
    audit.record(actor, "add_prize", quiz, prize=name, quantity=quantity)
    return prize


def remove_prize(actor, quiz: Quiz, prize: Prize) -> None:
    if prize_rules_locked(quiz):
        raise SettingsLocked()
    quiz.prizes.remove(prize)
    db.session.flush()
    audit.record(actor, "remove_prize", quiz, prize=prize.name)
