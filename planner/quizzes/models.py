"""Question bank, quizzes, attempts, prize draws and live quick-fire rounds."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.columns import enum_column
from planner.directory.models import Community, Department, OrganisationRef, Street
from planner.events.models import Event
from planner.extensions import db
from planner.timeutil import UTCDateTime, utcnow

TEXT_MAX = 1000
OPTION_MAX = 200
NICKNAME_MAX = 20


class QuestionType(enum.Enum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    FILL_IN = "fill_in"


class Difficulty(enum.Enum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Selection(enum.Enum):
    FIXED = "fixed"
    RANDOM = "random"


class FeedbackPolicy(enum.Enum):
    EACH = "each"  # after each question
    END = "end"  # when the attempt ends
    AFTER_CLOSE = "after_close"  # once the quiz has closed


class Audience(enum.Enum):
    ANYONE = "anyone"
    USERS = "users"


class LivePhase(enum.Enum):
    LOBBY = "lobby"
    QUESTION = "question"
    REVEAL = "reveal"
    FINISHED = "finished"


class QuestionCategory(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(80), default="")

    def __str__(self) -> str:
        return self.name


class Question(db.Model):
    """One question of the bank (题库); options are ordered, fill-in answers are newline-separated."""

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("question_category.id"), index=True)
    type: Mapped[QuestionType] = mapped_column(enum_column(QuestionType, name="question_type"))
    difficulty: Mapped[Difficulty] = mapped_column(
        enum_column(Difficulty, name="difficulty"), default=Difficulty.MEDIUM
    )
    text: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    explanation_en: Mapped[str] = mapped_column(Text, default="")
    accepted_answers: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    category: Mapped[QuestionCategory] = relationship()
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="QuestionOption.position", cascade="all, delete-orphan"
    )

    @property
    def answers(self) -> list[str]:
        return [a for a in self.accepted_answers.split("\n") if a]

    @property
    def is_choice(self) -> bool:
        return self.type is not QuestionType.FILL_IN

    def __str__(self) -> str:
        return self.text


class QuestionOption(db.Model):
    __table_args__ = (
        UniqueConstraint("question_id", "position"),
        CheckConstraint("weight IS NULL OR weight BETWEEN -100 AND 100", name="weight_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(OPTION_MAX))
    text_en: Mapped[str] = mapped_column(String(OPTION_MAX), default="")
    is_correct: Mapped[bool] = mapped_column(default=False)
    # Moodle's grade for choosing this option, in percent (-100 to 100), when a file gave one the
    # app's own rule would not: None (on every option of a question) means the app's rule.
    weight: Mapped[float | None]
    feedback: Mapped[str] = mapped_column(Text, default="")  # shown to whoever chose it

    question: Mapped[Question] = relationship(back_populates="options")


class Quiz(OrganisationRef, db.Model):
    """A quiz owned by a department, street or community office (none: the city, admins only)."""

    organisation_kinds = ("department", "street", "community")

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN department_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN street_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN community_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="at_most_one_owner",
        ),
        CheckConstraint("pass_percent BETWEEN 0 AND 100", name="pass_percent_in_range"),
        CheckConstraint("attempts_allowed >= 1", name="attempts_allowed_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    published: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    selection: Mapped[Selection] = mapped_column(
        enum_column(Selection, name="quiz_selection"), default=Selection.FIXED
    )
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_options: Mapped[bool] = mapped_column(default=False)
    time_limit_seconds: Mapped[int | None]
    pass_percent: Mapped[int] = mapped_column(default=60)
    attempts_allowed: Mapped[int] = mapped_column(default=1)
    feedback: Mapped[FeedbackPolicy] = mapped_column(
        enum_column(FeedbackPolicy, name="feedback_policy"), default=FeedbackPolicy.END
    )
    audience: Mapped[Audience] = mapped_column(
        enum_column(Audience, name="quiz_audience"), default=Audience.ANYONE
    )
    partial_credit: Mapped[bool] = mapped_column(default=False)
    speed_bonus: Mapped[bool] = mapped_column(default=False)
    # Prize quiz (有奖竞猜): login required, one attempt a person, commit–reveal draw.
    is_prize: Mapped[bool] = mapped_column(default=False)
    eligible_min_percent: Mapped[int] = mapped_column(default=100)
    seed: Mapped[str | None] = mapped_column(String(64))
    seed_hash: Mapped[str | None] = mapped_column(String(64))
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[Event | None] = relationship()
    department: Mapped[Department | None] = relationship()
    street: Mapped[Street | None] = relationship()
    community: Mapped[Community | None] = relationship()
    items: Mapped[list[QuizQuestion]] = relationship(
        order_by="QuizQuestion.position", cascade="all, delete-orphan"
    )
    category_rules: Mapped[list[QuizCategoryRule]] = relationship(cascade="all, delete-orphan")
    prizes: Mapped[list[Prize]] = relationship(
        order_by="Prize.position", cascade="all, delete-orphan"
    )

    # The organisation that owns the quiz; ``None`` for a city-wide one.
    owner = OrganisationRef.organisation

    def __str__(self) -> str:
        return self.title


class QuizQuestion(db.Model):
    """A fixed question of a quiz, in order."""

    __table_args__ = (
        UniqueConstraint("quiz_id", "question_id"),
        UniqueConstraint("quiz_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    position: Mapped[int]

    question: Mapped[Question] = relationship()


class QuizCategoryRule(db.Model):
    """Draw ``count`` random questions of a category for each attempt."""

    __table_args__ = (
        UniqueConstraint("quiz_id", "category_id"),
        CheckConstraint("count >= 1", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("question_category.id"))
    count: Mapped[int]

    category: Mapped[QuestionCategory] = relationship()


class Attempt(db.Model):
    """One go at a quiz; its questions and option order are frozen when it starts."""

    __table_args__ = (
        # A prize quiz stores the user here: one attempt a person, even under concurrent starts.
        UniqueConstraint("quiz_id", "prize_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    prize_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    player_token: Mapped[str | None] = mapped_column(String(64), index=True)
    nickname: Mapped[str] = mapped_column(String(NICKNAME_MAX), default="")
    live_round_id: Mapped[int | None] = mapped_column(ForeignKey("live_round.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_seconds: Mapped[int] = mapped_column(default=0)
    score: Mapped[float] = mapped_column(default=0.0)
    max_score: Mapped[float] = mapped_column(default=0.0)
    percent: Mapped[float] = mapped_column(default=0.0)
    passed: Mapped[bool] = mapped_column(default=False)

    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.position", cascade="all, delete-orphan"
    )

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def public_name(self) -> str:
        """A nickname or a masked real name: what leaderboards and draws show."""
        if self.nickname:
            return self.nickname
        return self.user.masked_name if self.user else "—"


class AttemptAnswer(db.Model):
    """A frozen slot of an attempt: the question, its option order, and the answer once given."""

    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    option_order: Mapped[list] = mapped_column(JSON, default=list)
    chosen: Mapped[list | None] = mapped_column(JSON)  # option ids
    text: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    late: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float] = mapped_column(default=0.0)
    is_correct: Mapped[bool] = mapped_column(default=False)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class Prize(db.Model):
    __table_args__ = (CheckConstraint("quantity BETWEEN 1 AND 1000", name="quantity_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(default=1)


class PrizeWinner(db.Model):
    __table_args__ = (
        UniqueConstraint("quiz_id", "attempt_id"),
        UniqueConstraint("quiz_id", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    prize_id: Mapped[int] = mapped_column(ForeignKey("prize.id"))
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    rank: Mapped[int]
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    prize: Mapped[Prize] = relationship()
    attempt: Mapped[Attempt] = relationship()


class LiveRound(db.Model):
    """A quick-fire round (快问快答) run from a big screen; all its state lives here."""

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    pin: Mapped[str] = mapped_column(String(6), unique=True)
    phase: Mapped[LivePhase] = mapped_column(
        enum_column(LivePhase, name="live_phase"), default=LivePhase.LOBBY
    )
    # Question ids in play order, frozen when the round is created.
    question_ids: Mapped[list] = mapped_column(JSON, default=list)
    current_index: Mapped[int] = mapped_column(default=-1)
    seconds_per_question: Mapped[int] = mapped_column(default=20)
    question_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    question_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    skipped: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=0)
    host_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    quiz: Mapped[Quiz] = relationship()


class LivePlayer(db.Model):
    __table_args__ = (UniqueConstraint("round_id", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("live_round.id"), index=True)
    token: Mapped[str] = mapped_column(String(64))
    nickname: Mapped[str] = mapped_column(String(NICKNAME_MAX))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    points: Mapped[int] = mapped_column(default=0)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LiveAnswer(db.Model):
    __table_args__ = (UniqueConstraint("player_id", "question_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("live_round.id"), index=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("live_player.id"), index=True)
    question_index: Mapped[int]
    # No foreign key: editing a question may renumber its options; the answer stays as given.
    option_id: Mapped[int]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_correct: Mapped[bool] = mapped_column(default=False)
    points: Mapped[int] = mapped_column(default=0)
