"""Quiz routes: public quiz pages and live phones for everyone, management for organisers."""

from datetime import timedelta

from tests.permission_rules import Rule

LOGIN = 302
ORG = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=200, admin=200)
ORG_POST = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=302, admin=302)
ALL_404 = dict(anonymous=404, volunteer=404, leader=404, organiser=404, admin=404)
ALL_302 = dict(anonymous=302, volunteer=302, leader=302, organiser=302, admin=302)

RULES = [
    Rule("quizzes.index", "GET", "/quizzes"),
    Rule("quizzes.fairness", "GET", "/quizzes/fairness"),
    Rule("quizzes.detail", "GET", "/quizzes/{quiz}"),
    Rule("quizzes.leaderboard", "GET", "/quizzes/{quiz}/leaderboard"),
    Rule("quizzes.draw", "GET", "/quizzes/{prize_quiz}/draw"),
    Rule("quizzes.start", "POST", "/quizzes/{quiz}/start", **ALL_302, data={"nickname": "游客"}),
    # Someone else's attempt is invisible to everyone else.
    Rule("quizzes.take", "GET", "/quizzes/{quiz}/attempts/{attempt}", **ALL_404),
    Rule(
        "quizzes.answer",
        "POST",
        "/quizzes/{quiz}/attempts/{attempt}/answer",
        **ALL_404,
        data={"position": "0"},
    ),
    Rule("quizzes.finish", "POST", "/quizzes/{quiz}/attempts/{attempt}/finish", **ALL_404),
    Rule("quizzes.result", "GET", "/quizzes/{quiz}/attempts/{attempt}/result", **ALL_404),
    Rule("quizzes.bank_list", "GET", "/quizzes/bank", **ORG),
    Rule(
        "quizzes.add_category",
        "POST",
        "/quizzes/bank/categories",
        **ORG_POST,
        data={"name": "新类别"},
    ),
    Rule("quizzes.question_new", "GET", "/quizzes/bank/new", **ORG),
    Rule("quizzes.question_edit", "GET", "/quizzes/bank/{question}/edit", **ORG),
    Rule("quizzes.question_archive", "POST", "/quizzes/bank/{spare_question}/archive", **ORG_POST),
    Rule("quizzes.bank_import", "GET", "/quizzes/bank/import", **ORG),
    Rule("quizzes.bank_export", "GET", "/quizzes/bank/export.csv", **ORG),
    Rule("quizzes.bank_export", "GET", "/quizzes/bank/export.xml", **ORG),
    Rule("quizzes.bank_template", "GET", "/quizzes/bank/template.xlsx", **ORG),
    Rule("quizzes.manage", "GET", "/quizzes/manage", **ORG),
    Rule("quizzes.quiz_new", "GET", "/quizzes/new", **ORG),
    Rule("quizzes.quiz_edit", "GET", "/quizzes/{quiz}/edit", **ORG),
    Rule("quizzes.quiz_questions", "GET", "/quizzes/{quiz}/questions", **ORG),
    Rule("quizzes.prizes", "GET", "/quizzes/{prize_quiz}/prizes", **ORG),
    Rule("quizzes.prize_remove", "POST", "/quizzes/{prize_quiz}/prizes/{prize}/remove", **ORG_POST),
    Rule("quizzes.run_draw", "POST", "/quizzes/{prize_quiz}/draw/run", **ORG_POST),
    Rule("quizzes.claim", "POST", "/quizzes/{drawn_quiz}/winners/{winner}/claim", **ORG_POST),
    Rule("quizzes.quiz_stats", "GET", "/quizzes/{quiz}/stats", **ORG),
    Rule("quizzes.quiz_stats_xlsx", "GET", "/quizzes/{quiz}/stats.xlsx", **ORG),
    Rule(
        "quizzes.live_create",
        "POST",
        "/quizzes/{quiz}/live",
        **ORG_POST,
        data={"seconds_per_question": "20"},
    ),
    Rule("quizzes.live_host", "GET", "/quizzes/live/{live_round}", **ORG),
    Rule("quizzes.live_host_state", "GET", "/quizzes/live/{live_round}/state", **ORG),
    Rule("quizzes.live_control", "POST", "/quizzes/live/{live_round}/next", **ORG_POST),
    Rule("quizzes.live_enter", "GET", "/live?pin={pin}", **ALL_302),
    Rule("quizzes.live_play", "GET", "/live/{pin}"),
    Rule("quizzes.live_join", "POST", "/live/{pin}/join", **ALL_302, data={"nickname": "观众"}),
    Rule("quizzes.live_state", "GET", "/live/{pin}/state"),
    Rule("quizzes.live_answer", "POST", "/live/{pin}/answer", **ALL_302, data={"option": "0"}),
]


def build(world):
    from planner.directory.models import Department
    from planner.extensions import db
    from planner.quizzes import bank, draws, live, services
    from planner.quizzes.models import Attempt, Prize, Question, Quiz, QuizQuestion
    from planner.timeutil import utcnow

    department = db.session.get(Department, world["department"])
    category = bank.get_or_create_category("婚事新办")

    def question(text):
        draft = bank.QuestionDraft(
            type=bank.QuestionType.SINGLE,
            text=text,
            options=[bank.OptionDraft("集体婚礼", True), bank.OptionDraft("豪华婚宴", False)],
        )
        return bank.apply_draft(Question(), draft, category)

    first, spare = question("城阳区倡导什么婚礼？"), question("备用题目")
    now = utcnow()

    def quiz(title, **settings):
        item = Quiz(title=title, published=True, opens_at=now - timedelta(hours=2), **settings)
        item.owner = department
        item.items.append(QuizQuestion(question_id=first.id, position=0))
        services.save_quiz(None, item)
        return item

    open_quiz = quiz("测试竞赛", closes_at=now + timedelta(days=1))
    prize_quiz = quiz("有奖竞猜", closes_at=now - timedelta(minutes=1), is_prize=True)
    prize = Prize(name="纪念品", quantity=1)
    prize_quiz.prizes.append(prize)
    drawn_quiz = quiz("已开奖竞猜", closes_at=now - timedelta(minutes=1), is_prize=True)
    drawn_quiz.prizes.append(Prize(name="纪念品", quantity=1))
    stranger = world["users"]["volunteer"]
    entry = Attempt(
        quiz=drawn_quiz,
        user_id=stranger.id,
        prize_user_id=stranger.id,
        started_at=now - timedelta(hours=1),
        finished_at=now - timedelta(minutes=30),
        score=1,
        max_score=1,
        percent=100,
        passed=True,
    )
    other = Attempt(quiz=open_quiz, player_token="someone-else", nickname="别人")
    db.session.add_all([entry, other])
    db.session.flush()
    winners = draws.run_draw(None, drawn_quiz)
    live_round = live.create_round(None, open_quiz)
    db.session.flush()
    world.update(
        quiz=open_quiz.id,
        prize_quiz=prize_quiz.id,
        drawn_quiz=drawn_quiz.id,
        prize=prize.id,
        winner=winners[0].id,
        attempt=other.id,
        question=first.id,
        spare_question=spare.id,
        live_round=live_round.id,
        pin=live_round.pin,
    )
