"""Demo quizzes: the customs-reform bank, an online quiz, a prize quiz and the gala's live round."""

from __future__ import annotations

from datetime import datetime, timedelta

from planner.directory.models import Community, Department
from planner.events.models import Event
from planner.extensions import db
from planner.quizzes import bank, live, services
from planner.quizzes.demo_questions import CATEGORIES, QUESTIONS
from planner.quizzes.models import (
    Audience,
    Difficulty,
    FeedbackPolicy,
    LiveRound,
    Prize,
    Question,
    QuestionCategory,
    QuestionType,
    Quiz,
    QuizQuestion,
    Selection,
)
from planner.timeutil import from_local, to_local, utcnow

ONLINE_TITLE = "移风易俗知识问答"
PRIZE_TITLE = "移风易俗有奖竞猜"
LIVE_TITLE = "凤凰山社区迎国庆晚会·移风易俗快问快答"


def _draft(row, index: int = 0) -> bank.QuestionDraft:
    category, qtype, difficulty, text, text_en, answers, explanation, explanation_en = row
    draft = bank.QuestionDraft(
        type=QuestionType(qtype),
        text=text,
        category=category,
        text_en=text_en,
        explanation=explanation,
        explanation_en=explanation_en,
        difficulty=Difficulty(difficulty),
    )
    if draft.type is QuestionType.FILL_IN:
        draft.accepted = list(answers)
    else:
        options = [bank.OptionDraft(t, c, e) for t, e, c in answers]
        if draft.type is not QuestionType.TRUE_FALSE:
            # The source lists the right option first; rotate so A is not always right.
            shift = index % len(options)
            options = options[shift:] + options[:shift]
        draft.options = options
    return draft


def seed_question_bank() -> dict[str, Question]:
    """The 44 questions, each added once (matched by its text)."""
    for name, name_en in CATEGORIES.items():
        category = bank.get_or_create_category(name)
        category.name_en = category.name_en or name_en
    existing = {q.text: q for q in db.session.scalars(db.select(Question))}
    for index, row in enumerate(QUESTIONS):
        if row[3] not in existing:
            draft = _draft(row, index)
            existing[row[3]] = bank.apply_draft(
                Question(), draft, bank.get_or_create_category(draft.category)
            )
    return existing


def _quiz(title: str, owner, questions: list[Question], **settings) -> Quiz:
    quiz = db.session.scalar(db.select(Quiz).where(Quiz.title == title))
    if quiz is not None:
        return quiz
    quiz = Quiz(title=title, published=True, **settings)
    quiz.owner = owner
    for position, question in enumerate(questions):
        quiz.items.append(QuizQuestion(question_id=question.id, position=position))
    return services.save_quiz(None, quiz)


def seed_quizzes() -> None:
    """The online quiz, the prize quiz and the gala's live round, each added once."""
    questions = seed_question_bank()
    ordered = [questions[row[3]] for row in QUESTIONS]
    now = utcnow().replace(second=0, microsecond=0)
    _seed_online_quiz(ordered, now)
    _seed_prize_quiz(now)
    _seed_live_quiz(ordered, now)
    db.session.flush()


def _department(name: str) -> Department | None:
    return db.session.scalar(db.select(Department).where(Department.name == name))


def _seed_online_quiz(ordered: list[Question], now) -> Quiz:
    """Ten easier questions anyone may try three times, with each answer explained at once."""
    return _quiz(
        ONLINE_TITLE,
        _department("市文明办"),
        [q for q in ordered if q.difficulty is not Difficulty.HARD][::3][:10],
        title_en="Customs-reform knowledge quiz",
        description="十道题，了解婚事新办、丧事简办、文明祭扫和社区文明公约。每题答完即可看到答案解析。",
        description_en="Ten questions on new-style weddings, simple funerals, civilised"
        " tomb-sweeping and the community convention. Each answer is explained at once.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=60),
        shuffle_options=True,
        pass_percent=60,
        attempts_allowed=3,
        feedback=FeedbackPolicy.EACH,
        audience=Audience.ANYONE,
        partial_credit=True,
    )


def _seed_prize_quiz(now) -> Quiz:
    """Two random questions of each category, ten minutes, a draw for 80% and over, two prizes."""
    prize = db.session.scalar(db.select(Quiz).where(Quiz.title == PRIZE_TITLE))
    if prize is not None:
        return prize
    prize = _quiz(
        PRIZE_TITLE,
        _department("市委宣传部"),
        [],
        title_en="Customs-reform prize quiz",
        description="“移风易俗树新风 文明风尚我先行”有奖竞猜：每个分类随机抽两题，限时10分钟，"
        "得分80%以上即可参加抽奖。开奖结果可公开验证。",
        description_en="Prize quiz of the campaign “Reform customs, set a new trend”: two random"
        " questions from each category, ten minutes; a score of 80% or more enters the prize"
        " draw. Anyone can check the draw's result.",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=14),
        selection=Selection.RANDOM,
        shuffle_questions=True,
        shuffle_options=True,
        time_limit_seconds=600,
        pass_percent=60,
        feedback=FeedbackPolicy.AFTER_CLOSE,
        audience=Audience.USERS,
        is_prize=True,
        eligible_min_percent=80,
    )
    categories = db.session.scalars(
        db.select(QuestionCategory).where(QuestionCategory.name.in_(CATEGORIES))
    )
    services.set_category_rules(None, prize, {c.id: 2 for c in categories})
    prize.prizes.extend(
        [
            Prize(name="文明家庭纪念品", quantity=3, position=0),
            Prize(name="移风易俗主题书签", quantity=10, position=1),
        ]
    )
    return prize


def _after_national_day(year: int):
    """The moment the National Day holiday (1–7 October) of ``year`` is over."""
    return from_local(datetime(year, 10, 8))


def _seed_live_quiz(ordered: list[Question], now) -> Quiz:
    """Eight quick-fire questions at Fenghuangshan's gala, with a live round ready to host."""
    fenghuangshan = db.session.scalar(db.select(Community).where(Community.name == "凤凰山社区"))
    gala = db.session.scalar(
        db.select(Event).where(Event.title.contains("晚会")).order_by(Event.starts_at)
    )
    gala_questions = [
        q
        for q in ordered
        if q.type in live.LIVE_TYPES
        and q.category.name in ("婚事新办", "社区文明公约", "反对高价彩礼")
    ][:8]
    live_quiz = _quiz(
        LIVE_TITLE,
        fenghuangshan,
        gala_questions,
        title_en="Fenghuangshan National Day gala: customs-reform quick-fire round",
        description="晚会现场快问快答：扫描大屏幕上的二维码或输入PIN码加入，答得又快又准得分更高。",
        description_en="Quick-fire round at the gala: scan the QR code on the big screen or"
        " type the PIN to join; quick and right answers score more.",
        event_id=gala.id if gala else None,
        # Played at the gala, open until the National Day holiday is over (the end of 7 October);
        # the online and prize quizzes, dated from the day the demo runs, are the ones still open.
        opens_at=gala.starts_at - timedelta(days=1) if gala else now - timedelta(hours=1),
        closes_at=_after_national_day(to_local(gala.starts_at if gala else now).year),
        speed_bonus=True,
        attempts_allowed=1,
        feedback=FeedbackPolicy.END,
    )
    if live_quiz.event_id is None and gala is not None:  # the gala was seeded after the quiz
        live_quiz.event_id = gala.id
    has_round = db.session.scalar(db.select(LiveRound.id).where(LiveRound.quiz_id == live_quiz.id))
    if has_round is None:
        live.create_round(None, live_quiz, seconds_per_question=20)
    return live_quiz
