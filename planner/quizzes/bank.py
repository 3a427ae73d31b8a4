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


class BadWeights(InvalidQuestion):
    message = _l(
        "The options' grades do not fit the question: a single-choice question needs one option"
        " worth 100%, a multiple-choice question right options that add up to 100%."
    )
    field = "options"


@dataclass
class OptionDraft:
    text: str
    correct: bool = False
    text_en: str = ""
    weight: float | None = None  # percent; None: the app's rule (see default_weights)
    feedback: str = ""


@dataclass
class QuestionDraft:
    """A question as typed or imported, before it becomes rows."""

    type: QuestionType
    text: str
    category: str = ""
    category_en: str = ""  # a new category's English name, when a file gives one
    text_en: str = ""
    explanation: str = ""
    explanation_en: str = ""
    difficulty: object = None
    options: list[OptionDraft] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)


def true_false_options(answer: bool) -> list[OptionDraft]:
    (yes, yes_en), (no, no_en) = TRUE_FALSE_TEXTS
    return [OptionDraft(yes, answer, yes_en), OptionDraft(no, not answer, no_en)]


def default_weights(qtype: QuestionType, correct: list[bool]) -> list[float]:
    """The grade (percent) of choosing each option under the app's own rule, as Moodle writes
    it: single choice and true/false 100 or 0; multiple choice ±100 / the number of right options
    (scoring.score_answer's partial rule)."""
    if qtype is not QuestionType.MULTIPLE:
        return [100.0 if c else 0.0 for c in correct]
    share = 100 / max(1, sum(correct))
    return [share if c else -share for c in correct]


def weights_of(qtype: QuestionType, options) -> list[float]:
    """Each option's grade in percent: the one a file gave, else the app's rule."""
    correct = [o.is_correct if hasattr(o, "is_correct") else o.correct for o in options]
    given = [o.weight for o in options]
    if any(w is not None for w in given):
        return [w or 0.0 for w in given]
    return default_weights(qtype, correct)


def set_weights(draft: QuestionDraft, weights: list[float]) -> None:
    """Mark the options right or wrong by their grades, keeping a grade only where it differs
    from the app's rule, so a question written here and read back is unchanged."""
    right = 100 if draft.type is not QuestionType.MULTIPLE else 0
    for option, weight in zip(draft.options, weights, strict=True):
        option.correct = weight >= right if right else weight > 0
    defaults = default_weights(draft.type, [o.correct for o in draft.options])
    same = all(abs(w - d) < 0.01 for w, d in zip(weights, defaults, strict=True))
    for option, weight in zip(draft.options, weights, strict=True):
        option.weight = None if same else round(weight, 5)


def _check_weights(draft: QuestionDraft) -> None:
    weights = [o.weight for o in draft.options]
    if all(w is None for w in weights):
        return
    if draft.type is QuestionType.TRUE_FALSE or any(w is None or abs(w) > 100 for w in weights):
        raise BadWeights()
    if draft.type is QuestionType.MULTIPLE:
        if abs(sum(w for w in weights if w > 0) - 100) > 0.1:
            raise BadWeights()
    elif sorted(weights)[-1] != 100 or sorted(weights)[-2:-1] == [100]:
        raise BadWeights()


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
    _check_weights(draft)


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


def get_or_create_category(name: str, name_en: str = "") -> QuestionCategory:
    """The category of that name, created (with ``name_en``) when there is none yet."""
    category = db.session.scalar(db.select(QuestionCategory).where(QuestionCategory.name == name))
    if category is None:
        category = QuestionCategory(name=name, name_en=name_en[:80])
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
        row.weight, row.feedback = draft.weight, draft.feedback.strip()
        if row not in question.options:
            question.options.append(row)
    for row in existing.values():
        question.options.remove(row)


def keep_what_the_form_hides(question: Question, draft: QuestionDraft) -> None:
    """An edit on the form keeps each option's feedback (by position), and the options' grades
    from Moodle while the same options stay right and wrong; otherwise the app's rule applies."""
    if question.id is None or draft.type is QuestionType.FILL_IN:
        return
    old = question.options
    for position, option in enumerate(draft.options):
        if position < len(old):
            option.feedback = option.feedback or old[position].feedback
    if len(old) == len(draft.options) and all(
        o.is_correct == d.correct for o, d in zip(old, draft.options, strict=True)
    ):
        for o, d in zip(old, draft.options, strict=True):
            d.weight = o.weight


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
        options=[
            OptionDraft(o.text, o.is_correct, o.text_en, o.weight, o.feedback)
            for o in question.options
        ],
        accepted=question.answers,
    )
