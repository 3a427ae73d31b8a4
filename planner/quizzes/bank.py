"""The question bank's rules: what makes a question valid, and how fill-in answers compare."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from planner.audit import services as audit
from planner.exceptions import DomainError
from planner.extensions import db
from planner.quizzes.models import (
    OPTION_MAX,
    Question,
    QuestionCategory,
    QuestionOption,
    QuestionType,
)
from planner.timeutil import utcnow

MIN_OPTIONS, MAX_OPTIONS = 2, 8
TRUE_FALSE_TEXTS = (("正确", "True"), ("错误", "False"))
PER_PAGE = 30


class InvalidQuestion(DomainError):
    message = _l("This question is not valid.")


class NeedsExactlyOneCorrect(InvalidQuestion):
    message = _l("A single-choice question needs exactly one correct option.")
    field = "options"


class NeedsACorrectOption(InvalidQuestion):
    message = _l("A multiple-choice question needs at least one correct option.")
    field = "options"


class WrongOptionCount(InvalidQuestion):
    message = _l("A question needs from 2 to 8 options.")
    field = "options"


class DuplicateOption(InvalidQuestion):
    message = _l("Two options have the same text.")
    field = "options"


class EmptyOption(InvalidQuestion):
    message = _l("An option is empty or longer than 200 characters.")
    field = "options"


class NeedsAnAnswer(InvalidQuestion):
    message = _l("A fill-in question needs at least one accepted answer.")
    field = "accepted_answers"


class EmptyText(InvalidQuestion):
    message = _l("The question has no text.")
    field = "text"


class CategoryTaken(DomainError):
    message = _l("This category already exists.")
    field = "name"


def normalise_answer(value: str) -> str:
    """Fold full-width to half-width (NFKC), drop every space and ignore case."""
    folded = unicodedata.normalize("NFKC", value or "")
    return "".join(folded.split()).casefold()


def answer_matches(given: str, accepted: list[str]) -> bool:
    given = normalise_answer(given)
    return bool(given) and given in {normalise_answer(a) for a in accepted}


@dataclass
class OptionDraft:
    text: str
    correct: bool = False
    text_en: str = ""


@dataclass
class QuestionDraft:
    """A question as typed or imported, before it becomes rows."""

    type: QuestionType
    text: str
    category: str = ""
    text_en: str = ""
    explanation: str = ""
    explanation_en: str = ""
    difficulty: object = None
    options: list[OptionDraft] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)


def true_false_options(answer: bool) -> list[OptionDraft]:
    (yes, yes_en), (no, no_en) = TRUE_FALSE_TEXTS
    return [OptionDraft(yes, answer, yes_en), OptionDraft(no, not answer, no_en)]


def validate(draft: QuestionDraft) -> None:
    """Raise the first rule the draft breaks; return nothing when it is a valid question."""
    if not draft.text.strip():
        raise EmptyText()
    if draft.type is QuestionType.FILL_IN:
        if not [a for a in draft.accepted if a.strip()]:
            raise NeedsAnAnswer()
        return
    if not MIN_OPTIONS <= len(draft.options) <= MAX_OPTIONS:
        raise WrongOptionCount()
    if any(not o.text.strip() or len(o.text) > OPTION_MAX for o in draft.options):
        raise EmptyOption()
    texts = [normalise_answer(o.text) for o in draft.options]
    if len(set(texts)) != len(texts):
        raise DuplicateOption()
    correct = sum(1 for o in draft.options if o.correct)
    if draft.type in (QuestionType.SINGLE, QuestionType.TRUE_FALSE) and correct != 1:
        raise NeedsExactlyOneCorrect()
    if draft.type is QuestionType.MULTIPLE and correct < 1:
        raise NeedsACorrectOption()


def categories() -> list[QuestionCategory]:
    """Every category, by name."""
    return list(db.session.scalars(db.select(QuestionCategory).order_by(QuestionCategory.name)))


def find_category(category_id: int | None) -> QuestionCategory | None:
    return db.session.get(QuestionCategory, category_id) if category_id is not None else None


def bank_page(category_id: int | None = None, per_page: int = PER_PAGE) -> Pagination:
    """The live bank questions (optionally of one category), newest first, with categories."""
    query = (
        db.select(Question)
        .where(Question.archived_at.is_(None))
        .options(joinedload(Question.category))
        .order_by(Question.id.desc())
    )
    if category_id:
        query = query.where(Question.category_id == category_id)
    return db.paginate(query, per_page=per_page, error_out=False)


def find_question(question_id: int) -> Question | None:
    """A bank question (archived ones too), with its options."""
    return db.session.scalar(
        db.select(Question)
        .where(Question.id == question_id)
        .options(selectinload(Question.options))
    )


def archive_question(actor, question: Question) -> None:
    """Take a question out of the bank; quizzes and answers that used it keep it."""
    question.archived_at = utcnow()
    audit.record(actor, "archive", question)


def get_or_create_category(name: str) -> QuestionCategory:
    category = db.session.scalar(db.select(QuestionCategory).where(QuestionCategory.name == name))
    if category is None:
        category = QuestionCategory(name=name)
        db.session.add(category)
        db.session.flush()
    return category


def add_category(actor, name: str, name_en: str = "") -> QuestionCategory:
    """Add a category, refusing a name already used."""
    if db.session.scalar(db.select(QuestionCategory.id).where(QuestionCategory.name == name)):
        raise CategoryTaken()
    category = QuestionCategory(name=name, name_en=name_en)
    db.session.add(category)
    db.session.flush()
    audit.record(actor, "create", category, name=name)
    return category


def apply_draft(question: Question, draft: QuestionDraft, category: QuestionCategory) -> Question:
    """Validate the draft and copy it onto ``question`` (new or existing); flush only."""
    validate(draft)
    is_new = question.id is None
    question.category = category
    question.type = draft.type
    question.text = draft.text.strip()
    question.text_en = draft.text_en.strip()
    question.explanation = draft.explanation.strip()
    question.explanation_en = draft.explanation_en.strip()
    if draft.difficulty is not None:
        question.difficulty = draft.difficulty
    question.accepted_answers = "\n".join(a.strip() for a in draft.accepted if a.strip())
    if draft.type is QuestionType.FILL_IN:
        question.options.clear()
    else:
        _replace_options(question, draft.options)
    db.session.add(question)
    db.session.flush()
    if not is_new:
        from planner.quizzes import live  # live scores with scoring, which uses this module

        live.question_edited(question.id)
    return question


def _replace_options(question: Question, options: list[OptionDraft]) -> None:
    """Keep option rows (and so past answers' ids) where a position still exists."""
    existing = {o.position: o for o in question.options}
    for position, draft in enumerate(options):
        row = existing.pop(position, None) or QuestionOption(position=position)
        row.text, row.text_en, row.is_correct = (
            draft.text.strip(),
            draft.text_en.strip(),
            draft.correct,
        )
        if row not in question.options:
            question.options.append(row)
    for row in existing.values():
        question.options.remove(row)


def save_question(actor, question: Question, draft: QuestionDraft, category) -> Question:
    """Create or edit a bank question, with an audit entry."""
    is_new = question.id is None
    if is_new:
        question.created_by_id = getattr(actor, "id", None)
    apply_draft(question, draft, category)
    audit.record(actor, "create" if is_new else "update", question, text=question.text[:80])
    return question


def draft_of(question: Question) -> QuestionDraft:
    """The draft that would recreate ``question`` (for editing and exporting)."""
    return QuestionDraft(
        type=question.type,
        text=question.text,
        category=question.category.name,
        text_en=question.text_en,
        explanation=question.explanation,
        explanation_en=question.explanation_en,
        difficulty=question.difficulty,
        options=[OptionDraft(o.text, o.is_correct, o.text_en) for o in question.options],
        accepted=question.answers,
    )
