"""``flask bench-seed``: fill a database quickly with a city's worth of realistic data, in bulk."""

from __future__ import annotations

import random
import secrets
import time
import uuid
from datetime import timedelta

import click
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from planner.accounts.models import User
from planner.calendar.models import CalendarToken
from planner.cli import refresh_statistics
from planner.directory.models import (
    Community,
    Department,
    District,
    MembershipStatus,
    Partnership,
    Street,
    TeamMembership,
    TeamRole,
    VolunteerTeam,
)
from planner.events.models import Event, EventHost, EventKind, EventStatus, Shift
from planner.extensions import db
from planner.quizzes import scoring
from planner.quizzes.models import (
    Attempt,
    AttemptAnswer,
    LiveAnswer,
    LivePhase,
    LivePlayer,
    LiveRound,
    Question,
    QuestionCategory,
    QuestionOption,
    Quiz,
    QuizQuestion,
)
from planner.signups.models import PLACE_STATUSES, Signup, SignupStatus
from planner.timeutil import utcnow

SCALES = {
    "small": {
        "districts": 4,
        "streets": 10,
        "communities": 20,
        "departments": 10,
        "teams": 50,
        "volunteers": 2_000,
        "events": 500,
        "signups": 10_000,
        "attempts": 1_000,
    },
    "city": {
        "districts": 10,
        "streets": 60,
        "communities": 200,
        "departments": 50,
        "teams": 3_000,
        "volunteers": 100_000,
        "events": 20_000,
        "signups": 1_000_000,
        "attempts": 50_000,
    },
}
CHUNK = 5_000
BENCH_PASSWORD = "bench-password"
# Mobile numbers 170xxxxxxxx are reserved here for benchmark volunteers.
BENCH_PHONE_PREFIX = "+86170"


def insert_rows(model, rows) -> int:
    """Insert plain dicts in chunks with executemany; return how many."""
    count = 0
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(sa.insert(model), batch)
            count += len(batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(model), batch)
        count += len(batch)
    return count


def _ids(model, where=None) -> list[int]:
    query = sa.select(model.id).order_by(model.id)
    if where is not None:
        query = query.where(where)
    return list(db.session.scalars(query))


def seed(scale_name: str, seed_value: int = 20240930) -> dict[str, int]:
    """Write the benchmark data set; refuse a database that already holds benchmark volunteers."""
    scale = SCALES[scale_name]
    rng = random.Random(seed_value)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    if db.session.scalar(
        sa.select(User.id).where(User.phone.like(BENCH_PHONE_PREFIX + "%")).limit(1)
    ):
        raise click.ClickException("This database already holds benchmark data.")
    written: dict[str, int] = {}
    ids: dict = {"now": now}
    _seed_places(scale, ids, written)
    _seed_organisations(scale, ids, written)
    _seed_volunteers(scale, ids, written)
    _seed_events(scale, ids, written, rng)
    written["signups"] = seed_signups(scale, ids, rng)
    written.update(seed_quizzes(scale, ids, rng))
    written["calendar_tokens"] = seed_calendar_tokens(ids, rng)
    return written


def _seed_places(scale: dict, ids: dict, written: dict[str, int]) -> None:
    """Districts, their streets and the streets' communities, spread evenly."""
    now = ids["now"]
    written["districts"] = insert_rows(
        District, ({"name": f"基准区{i:03d}", "created_at": now} for i in range(scale["districts"]))
    )
    district_ids = _ids(District, District.name.like("基准区%"))
    written["streets"] = insert_rows(
        Street,
        (
            {
                "district_id": district_ids[i % len(district_ids)],
                "name": f"基准街道{i:04d}",
                "created_at": now,
            }
            for i in range(scale["streets"])
        ),
    )
    street_ids = _ids(Street, Street.name.like("基准街道%"))
    written["communities"] = insert_rows(
        Community,
        (
            {
                "street_id": street_ids[i % len(street_ids)],
                "name": f"基准社区{i:04d}",
                "address": f"基准路{i}号",
                "created_at": now,
            }
            for i in range(scale["communities"])
        ),
    )
    ids["communities"] = _ids(Community, Community.name.like("基准社区%"))


def _seed_organisations(scale: dict, ids: dict, written: dict[str, int]) -> None:
    """Departments, each partnered with a community, and teams owned by either in turn."""
    now, community_ids = ids["now"], ids["communities"]
    written["departments"] = insert_rows(
        Department,
        (
            {"name": f"基准部门{i:03d}", "description": "", "created_at": now}
            for i in range(scale["departments"])
        ),
    )
    department_ids = _ids(Department, Department.name.like("基准部门%"))
    written["partnerships"] = insert_rows(
        Partnership,
        (
            {
                "department_id": d,
                "community_id": community_ids[i % len(community_ids)],
                "note": "",
                "created_at": now,
            }
            for i, d in enumerate(department_ids)
        ),
    )
    written["teams"] = insert_rows(
        VolunteerTeam,
        (
            {
                "name": f"基准志愿服务队{i:05d}",
                "description": "",
                "join_policy": "open",
                "created_at": now,
                "department_id": department_ids[i % len(department_ids)] if i % 2 == 0 else None,
                "community_id": community_ids[i % len(community_ids)] if i % 2 == 1 else None,
            }
            for i in range(scale["teams"])
        ),
    )
    ids["departments"] = department_ids
    ids["teams"] = _ids(VolunteerTeam, VolunteerTeam.name.like("基准志愿服务队%"))


def _seed_volunteers(scale: dict, ids: dict, written: dict[str, int]) -> None:
    """Volunteers sharing one password, a quarter of them in teams (the first ones lead)."""
    now, team_ids = ids["now"], ids["teams"]
    password_hash = generate_password_hash(BENCH_PASSWORD)  # one hash, shared: hashing 100k is slow
    written["volunteers"] = insert_rows(
        User,
        (
            {
                "phone": f"{BENCH_PHONE_PREFIX}{i:08d}",
                "real_name": f"志愿者{i:06d}",
                "nickname": "",
                "password_hash": password_hash,
                "active": True,
                "is_admin": False,
                "consented_at": now,
                "created_at": now,
            }
            for i in range(scale["volunteers"])
        ),
    )
    user_ids = _ids(User, User.phone.like(BENCH_PHONE_PREFIX + "%"))
    written["memberships"] = insert_rows(
        TeamMembership,
        (
            {
                "team_id": team_ids[i % len(team_ids)],
                "user_id": uid,
                "role": (TeamRole.LEADER if i < len(team_ids) else TeamRole.MEMBER).value,
                "status": MembershipStatus.ACTIVE.value,
                "created_at": now,
            }
            for i, uid in enumerate(user_ids[: max(len(team_ids), len(user_ids) // 4)])
        ),
    )
    ids["users"] = user_ids


def _event_rows(scale: dict, ids: dict, rng) -> list[dict]:
    """Events over four months around now: past ones completed, one in fifty cancelled."""
    now, community_ids = ids["now"], ids["communities"]
    kinds = [k.value for k in EventKind]
    events = []
    for i in range(scale["events"]):
        starts = now + timedelta(days=rng.randint(-60, 60), hours=rng.randint(8, 19) - 8)
        status = (
            EventStatus.COMPLETED
            if starts < now
            else (EventStatus.CANCELLED if i % 50 == 0 else EventStatus.PUBLISHED)
        )
        events.append(
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "title": f"基准活动{i:06d} 洁净家园志愿服务",
                "kind": kinds[i % len(kinds)],
                "status": status.value,
                "community_id": community_ids[i % len(community_ids)],
                "venue": "社区广场",
                "address": "",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "description": "环境卫生清理、文明宣传与移风易俗宣讲。",
                "cancel_reason": "",
                "revision": 0,
                "max_party_size": 4,
                "cancellation_cutoff_minutes": 120,
                "created_at": now,
                "updated_at": now,
                "seats_capacity": 100 if i % 7 == 0 else None,
            }
        )
    return events


def _seed_events(scale: dict, ids: dict, written: dict[str, int], rng) -> None:
    """The events, each hosted by a department, with two shifts covering the whole event."""
    department_ids = ids["departments"]
    written["events"] = insert_rows(Event, _event_rows(scale, ids, rng))
    event_rows = db.session.execute(
        sa.select(Event.id, Event.starts_at, Event.ends_at)
        .where(Event.title.like("基准活动%"))
        .order_by(Event.id)
    ).all()
    written["event_hosts"] = insert_rows(
        EventHost,
        (
            {
                "event_id": e.id,
                "role": "host",
                "department_id": department_ids[n % len(department_ids)],
            }
            for n, e in enumerate(event_rows)
        ),
    )
    written["shifts"] = insert_rows(
        Shift,
        (
            {
                "event_id": e.id,
                "role": role,
                "starts_at": e.starts_at,
                "ends_at": e.ends_at,
                "capacity": capacity,
                "requirements": "",
                "confirmed_count": 0,
            }
            for e in event_rows
            for role, capacity in (("清扫", 60), ("引导", 20))
        ),
    )
    ids["events"] = [e.id for e in event_rows]


def _signup_counts(capacities: list[int], total: int, rng) -> list[int]:
    """How many sign-ups each shift gets: every eighth shift overflows into a waitlist, the rest
    fill up partly, and the counts add up to ``total`` exactly (as long as places allow)."""
    counts = [0] * len(capacities)
    hot = [k for k in range(len(capacities)) if k % 8 == 0]
    for k in hot:
        counts[k] = capacities[k] + rng.randint(1, 10)
    if sum(counts) > total:  # a tiny scale: fewer overflowing shifts
        for k in hot:
            counts[k] = 0
        hot = []
    hot_set = set(hot)
    rest = [k for k in range(len(capacities)) if k not in hot_set]
    remaining = total - sum(counts)
    room = sum(capacities[k] for k in rest) or 1
    share = min(remaining / room, 1.0)
    for k in rest:
        counts[k] = min(capacities[k], int(capacities[k] * share * rng.uniform(0.5, 1.5)))
    diff = total - sum(counts)
    while diff:
        step = 1 if diff > 0 else -1
        moved = False
        for k in rest:
            if diff and 0 <= counts[k] + step <= capacities[k]:
                counts[k] += step
                diff -= step
                moved = True
        if not moved:
            break
    return counts


# Volunteers at the end of the list get no seeded sign-ups: the load runs sign them up.
SESSION_POOL = 2_000


def seed_signups(scale: dict, ids: dict, rng) -> int:
    """Sign-ups in arrival order: confirmed up to each shift's capacity, then waitlisted; past
    events' confirmed volunteers attended with their hours confirmed. Keeps confirmed_count."""
    now = ids["now"]
    pool = ids["users"][: max(len(ids["users"]) - SESSION_POOL, len(ids["users"]) // 2)]
    shifts = db.session.execute(
        sa.select(Shift.id, Shift.capacity, Shift.starts_at, Shift.ends_at)
        .join(Event, Event.id == Shift.event_id)
        .where(Event.title.like("基准活动%"))
        .order_by(Shift.id)
    ).all()
    counts = _signup_counts([s.capacity for s in shifts], scale["signups"], rng)
    confirmed: list[dict] = []

    def rows():
        for shift, n in zip(shifts, counts, strict=True):
            n = min(n, len(pool))
            start = rng.randrange(len(pool))
            past = shift.ends_at < now
            places = min(n, shift.capacity)
            confirmed.append({"id": shift.id, "confirmed_count": places})
            for j in range(n):
                user = pool[(start + j) % len(pool)]
                placed = j < shift.capacity
                status = (
                    (SignupStatus.ATTENDED if past else SignupStatus.CONFIRMED)
                    if placed
                    else SignupStatus.WAITLISTED
                )
                yield {
                    "shift_id": shift.id,
                    "user_id": user,
                    "team_id": None,
                    "status": status.value,
                    "arrival": j + 1,
                    "created_at": shift.starts_at - timedelta(days=3, minutes=n - j),
                    "signed_up_by_id": user,
                    "cancelled_at": None,
                    "late_cancellation": False,
                    "checked_in_at": shift.starts_at if past and placed else None,
                    "checked_out_at": shift.ends_at if past and placed else None,
                    "minutes": 120 if past and placed else None,
                    "hours_confirmed_at": shift.ends_at if past and placed else None,
                    "confirmed_by_id": None,
                }

    written = insert_rows(Signup, rows())
    for i in range(0, len(confirmed), CHUNK):
        db.session.execute(sa.update(Shift), confirmed[i : i + CHUNK])
    return written


def seed_quizzes(scale: dict, ids: dict, rng) -> dict[str, int]:
    """A question bank, published community quizzes and finished attempts with their answers."""
    written: dict[str, int] = {}
    question_ids, options = _seed_question_bank(ids["now"], written)
    quiz_questions, pass_percent = _seed_bench_quizzes(ids, question_ids, written)
    _seed_attempts(scale, ids, rng, quiz_questions, options, pass_percent, written)
    return written


def _question_options(question_ids: list[int]) -> dict[int, list[int]]:
    """Each question's option ids, in their order."""
    options: dict[int, list[int]] = {}
    for qid, oid in db.session.execute(
        sa.select(QuestionOption.question_id, QuestionOption.id)
        .where(QuestionOption.question_id.in_(question_ids))
        .order_by(QuestionOption.question_id, QuestionOption.position)
    ):
        options.setdefault(qid, []).append(oid)
    return options


def _seed_question_bank(now, written: dict[str, int]) -> tuple[list[int], dict[int, list[int]]]:
    """Four categories of single-choice questions whose first option is the right one."""
    written["question_categories"] = insert_rows(
        QuestionCategory, ({"name": f"基准题类{i}", "name_en": f"Bench {i}"} for i in range(4))
    )
    category_ids = _ids(QuestionCategory, QuestionCategory.name.like("基准题类%"))
    written["questions"] = insert_rows(
        Question,
        (
            {
                "category_id": category_ids[i % len(category_ids)],
                "type": "single",
                "difficulty": "medium",
                "text": f"基准题{i:04d}：文明出行，哪一种做法正确？",
                "text_en": "",
                "explanation": "礼让行人，文明出行。",
                "explanation_en": "",
                "accepted_answers": "",
                "created_at": now,
                "archived_at": None,
            }
            for i in range(200)
        ),
    )
    question_ids = _ids(Question, Question.text.like("基准题%"))
    insert_rows(
        QuestionOption,
        (
            {"question_id": q, "position": p, "text": text, "text_en": "", "is_correct": p == 0}
            for q in question_ids
            for p, text in enumerate(("礼让行人", "闯红灯", "随意停车", "占用盲道"))
        ),
    )
    options = _question_options(question_ids)
    written["question_options"] = sum(len(v) for v in options.values())
    return question_ids, options


def _seed_bench_quizzes(
    ids: dict, question_ids: list[int], written: dict[str, int]
) -> tuple[dict[int, list[int]], int]:
    """Twenty community quizzes of five questions each, and the quick-fire quiz the load runs
    use; returns the plain quizzes' questions and their pass mark."""
    now = ids["now"]
    quiz_rows = [
        {
            "title": f"基准知识竞答{i:02d}",
            "title_en": "",
            "description": "文明城市创建知识问答。",
            "community_id": ids["communities"][i % len(ids["communities"])],
            "published": True,
            "opens_at": now - timedelta(days=30),
            "closes_at": now + timedelta(days=30),
            "selection": "fixed",
            "shuffle_questions": False,
            "shuffle_options": False,
            "pass_percent": 60,
            "attempts_allowed": 1000,
            "feedback": "end",
            "audience": "anyone",
            "partial_credit": False,
            "speed_bonus": False,
            "is_prize": False,
            "eligible_min_percent": 100,
            "created_at": now,
        }
        for i in range(21)
    ]
    quiz_rows[-1]["title"] = BENCH_LIVE_QUIZ
    written["quizzes"] = insert_rows(Quiz, quiz_rows)
    quiz_ids = _ids(Quiz, Quiz.title.like("基准%"))
    live_quiz = db.session.scalar(sa.select(Quiz.id).where(Quiz.title == BENCH_LIVE_QUIZ))
    quiz_questions = {
        q: question_ids[(n * 5) % len(question_ids) :][:5]
        for n, q in enumerate(quiz_ids)
        if q != live_quiz
    }
    insert_rows(
        QuizQuestion,
        (
            {"quiz_id": q, "question_id": qid, "position": p}
            for q, qids in [*quiz_questions.items(), (live_quiz, question_ids[:LIVE_QUESTIONS])]
            for p, qid in enumerate(qids)
        ),
    )
    return quiz_questions, quiz_rows[0]["pass_percent"]


def _seed_attempts(
    scale: dict,
    ids: dict,
    rng,
    quiz_questions: dict[int, list[int]],
    options: dict[int, list[int]],
    pass_percent: int,
    written: dict[str, int],
) -> None:
    """Finished attempts spread over the plain quizzes, scored by the scoring module's total."""
    now, plain = ids["now"], list(quiz_questions)
    attempts = []
    for i in range(scale["attempts"]):
        right = rng.randint(0, 5)
        started = now - timedelta(days=rng.randint(1, 29), minutes=rng.randint(0, 600))
        attempts.append(
            {
                "quiz_id": plain[i % len(plain)],
                "user_id": ids["users"][i % len(ids["users"])],
                "prize_user_id": None,
                "player_token": None,
                "nickname": "",
                "live_round_id": None,
                "started_at": started,
                "deadline_at": None,
                "finished_at": started + timedelta(seconds=60 + right * 10),
                "duration_seconds": 60 + right * 10,
                **scoring.total([1.0] * right + [0.0] * (5 - right), pass_percent)._asdict(),
            }
        )
    written["quiz_attempts"] = insert_rows(Attempt, attempts)
    attempt_rows = db.session.execute(
        sa.select(Attempt.id, Attempt.quiz_id, Attempt.score, Attempt.finished_at)
        .where(Attempt.quiz_id.in_(plain))
        .order_by(Attempt.id)
    ).all()

    def answers():
        for a in attempt_rows:
            for p, qid in enumerate(quiz_questions[a.quiz_id]):
                correct = p < a.score
                opts = options[qid]
                yield {
                    "attempt_id": a.id,
                    "position": p,
                    "question_id": qid,
                    "option_order": opts,
                    "chosen": [opts[0] if correct else opts[1]],
                    "text": None,
                    "answered_at": a.finished_at,
                    "late": False,
                    "score": 1.0 if correct else 0.0,
                    "is_correct": correct,
                }

    written["quiz_answers"] = insert_rows(AttemptAnswer, answers())


def seed_calendar_tokens(ids: dict, rng) -> int:
    """Personal calendar feed tokens for one volunteer in twenty."""
    now = ids["now"]
    return insert_rows(
        CalendarToken,
        (
            {
                "user_id": u,
                "token": secrets.token_urlsafe(32),
                "remind_day_before": n % 3 == 0,
                "created_at": now,
                "updated_at": now,
                "revoked_at": None,
            }
            for n, u in enumerate(ids["users"][::20])
        ),
    )


BENCH_LIVE_QUIZ = "基准快问快答"
LIVE_QUESTIONS = 20


def register(app) -> None:
    @app.cli.command("bench-seed")
    @click.option("--scale", type=click.Choice(sorted(SCALES)), default="small", show_default=True)
    def bench_seed(scale: str):
        """Fill the database with benchmark data in bulk and say how long it took."""
        started = time.perf_counter()
        written = seed(scale)
        db.session.commit()
        refresh_statistics()
        elapsed = time.perf_counter() - started
        click.echo(", ".join(f"{name} {count:,}" for name, count in written.items()))
        click.echo(f"bench-seed --scale {scale}: {elapsed:.1f} s")


def ids_for_scenarios(sample: int = 20) -> dict[str, list[int]]:
    """Ids the load scenarios cycle through, spread over the benchmark data."""

    def spread(model, where) -> list[int]:
        ids = _ids(model, where)
        step = max(len(ids) // sample, 1)
        return ids[::step][:sample]

    return {
        "communities": spread(Community, Community.name.like("基准社区%")),
        "districts": spread(District, District.name.like("基准区%")),
        "teams": spread(VolunteerTeam, VolunteerTeam.name.like("基准志愿服务队%")),
        "events": spread(Event, Event.title.like("基准活动%")),
        "users": spread(User, User.phone.like(BENCH_PHONE_PREFIX + "%")),
    }


def _open_shifts_for(users: list[int], per_user: int, rng) -> dict[int, list[int]]:
    """For each user, shifts of future published benchmark events that overlap neither each
    other nor anything the user already holds: every sign-up of the load run is a real one."""
    now = utcnow()
    shifts = db.session.execute(
        sa.select(Shift.id, Shift.starts_at, Shift.ends_at)
        .join(Event, Event.id == Shift.event_id)
        .where(
            Event.title.like("基准活动%"),
            Event.status == EventStatus.PUBLISHED,
            Shift.starts_at > now + timedelta(hours=2),
        )
        .order_by(Shift.id)
    ).all()
    held = db.session.execute(
        sa.select(Signup.user_id, Shift.starts_at, Shift.ends_at)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(
            Signup.user_id.in_(users),
            Signup.status.in_(PLACE_STATUSES + (SignupStatus.WAITLISTED,)),
        )
    ).all()
    chosen: dict[int, list[int]] = {}
    for user in users:
        busy = [(h.starts_at, h.ends_at) for h in held if h.user_id == user]
        picks: list[int] = []
        for shift in rng.sample(shifts, len(shifts)):
            if all(shift.ends_at <= s or shift.starts_at >= e for s, e in busy):
                picks.append(shift.id)
                busy.append((shift.starts_at, shift.ends_at))
                if len(picks) == per_user:
                    break
        chosen[user] = picks
    return chosen


def events_of_shifts(shift_ids: list[int]) -> dict[int, int]:
    """The event id of each shift, by shift id (the phone path opens the event page first)."""
    rows = db.session.execute(
        sa.select(Shift.id, Shift.event_id).where(Shift.id.in_(shift_ids))
    ).all()
    return {shift_id: event_id for shift_id, event_id in rows}


def prepare_scenarios(sessions: int = 32, per_user: int = 60, players: int = 200) -> dict:
    """What one load run needs, written before the load starts: volunteers without sign-ups
    (they log in over HTTP), shifts each may sign up for, quiz attempts to answer, and a running
    live round with its players' cookies. Commits; the caller reads ids from the result."""
    from planner.quizzes.blueprint import _serializer

    rng = random.Random()
    now = utcnow()
    users = _session_users(sessions, rng)
    phones = dict(
        db.session.execute(sa.select(User.id, User.phone).where(User.id.in_(users))).all()
    )
    shifts = _open_shifts_for(users, per_user, rng)
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.title == BENCH_LIVE_QUIZ))
    items = list(
        db.session.execute(
            sa.select(QuizQuestion.question_id)
            .where(QuizQuestion.quiz_id == quiz.id)
            .order_by(QuizQuestion.position)
        ).scalars()
    )
    options = _question_options(items)
    attempts = _open_attempts(quiz, users, items, options, now)
    pin, tokens = _running_live_round(quiz, items, options, players, rng, now)
    db.session.commit()
    serializer = _serializer()
    return {
        "sessions": [
            {
                "phone": phones[u][3:] if phones[u].startswith("+86") else phones[u],
                "shifts": shifts[u],
                "attempts": attempts[u],
            }
            for u in users
        ],
        "quiz": {"id": quiz.id, "questions": len(items), "options": [options[q] for q in items]},
        "live": {"pin": pin, "cookies": [serializer.dumps(t) for t in tokens[:64]]},
    }


def _session_users(sessions: int, rng) -> list[int]:
    """Volunteers of the session pool with no sign-ups yet; after many runs, any of the pool."""
    pool = _ids(User, User.phone.like(BENCH_PHONE_PREFIX + "%"))[-SESSION_POOL:]
    busy_users = set(
        db.session.scalars(sa.select(Signup.user_id).where(Signup.user_id.in_(pool)).distinct())
    )
    users = [u for u in pool if u not in busy_users][:sessions]
    if len(users) < sessions:  # many runs on one database: reuse volunteers, avoiding overlaps
        users = rng.sample(pool, sessions)
    return users


def _open_attempts(quiz, users: list[int], items: list[int], options, now) -> dict[int, list[int]]:
    """Three unanswered attempts of the quick-fire quiz for each user, by user."""
    attempts: dict[int, list[int]] = {}
    for user in users:
        for _ in range(3):
            attempt = Attempt(
                quiz_id=quiz.id, user_id=user, started_at=now, max_score=float(len(items))
            )
            db.session.add(attempt)
            db.session.flush()
            db.session.execute(
                sa.insert(AttemptAnswer),
                [
                    {
                        "attempt_id": attempt.id,
                        "position": p,
                        "question_id": qid,
                        "option_order": options[qid],
                    }
                    for p, qid in enumerate(items)
                ],
            )
            attempts.setdefault(user, []).append(attempt.id)
    return attempts


def _running_live_round(
    quiz, items: list[int], options, players: int, rng, now
) -> tuple[str, list[str]]:
    """A live round whose first question stays open for the whole run (every poll sees the same
    state), with ``players`` players, half of whom have answered; its PIN and player tokens."""
    pin = None
    while pin is None or db.session.scalar(sa.select(LiveRound.id).where(LiveRound.pin == pin)):
        pin = f"{rng.randrange(10**6):06d}"
    live = LiveRound(
        quiz_id=quiz.id,
        pin=pin,
        phase=LivePhase.QUESTION,
        question_ids=items,
        current_index=0,
        seconds_per_question=20,
        question_started_at=now,
        question_ends_at=now + timedelta(hours=6),
        version=1,
        created_at=now,
    )
    db.session.add(live)
    db.session.flush()
    tokens = [secrets.token_urlsafe(24) for _ in range(players)]
    db.session.execute(
        sa.insert(LivePlayer),
        [
            {
                "round_id": live.id,
                "token": t,
                "nickname": f"选手{n:03d}",
                "points": 0,
                "joined_at": now,
            }
            for n, t in enumerate(tokens)
        ],
    )
    player_ids = _ids(LivePlayer, LivePlayer.round_id == live.id)
    first = options[items[0]]
    db.session.execute(
        sa.insert(LiveAnswer),
        [
            {
                "round_id": live.id,
                "player_id": p,
                "question_index": 0,
                "option_id": first[n % len(first)],
                "answered_at": now,
                "is_correct": n % len(first) == 0,
                "points": 0,
            }
            for n, p in enumerate(player_ids[: players // 2])
        ],
    )
    return pin, tokens


def feed_render_ms(events: int = 1_000, repeat: int = 5) -> dict[str, float]:
    """In-process: the best of ``repeat`` times to load and to render a feed of ``events`` events.

    Load and render as a feed request does them (plain rows, then text in the default language),
    with no rendered-feed cache in the way.
    """
    from flask import current_app
    from flask_babel import force_locale

    from planner.calendar import ics, services

    window = services.Window.current()
    everything = services.all_feed()
    ids = list(
        db.session.scalars(
            sa.select(Event.id)
            .where(services._base_condition(everything), services._in_window(everything, window))
            .order_by(Event.starts_at, Event.id)
            .limit(events)
        )
    )
    feed = services.Feed("bench", "基准日历", "", Event.id.in_(ids))
    base_url = "http://127.0.0.1/"
    load, render, cpu = [], [], []
    with force_locale(current_app.config["PLANNER_DEFAULT_LOCALE"]):
        for _ in range(repeat):
            db.session.expunge_all()
            started, started_cpu = time.perf_counter(), time.process_time()
            rows = services.load_events(feed, window)
            load.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            ics.render(feed, rows, base_url=base_url, refresh_hours=6)
            render.append((time.perf_counter() - started) * 1000)
            # CPU time of this process: what the wall-clock numbers are when nothing else runs.
            cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "events": len(rows),
        "load_ms": round(min(load), 1),
        "render_ms": round(min(render), 1),
        "cpu_ms": round(min(cpu), 1),
    }


def ledger_build_ms(repeat: int = 3) -> dict:
    """In-process: the best of ``repeat`` times to build a department's ledger workbook for the
    last 30 days (its queries, the 数读 numbers and the XLSX bytes), and what it held."""
    from datetime import timedelta as days

    from flask import current_app
    from flask_babel import force_locale

    from planner import exports
    from planner.stats import ledger, periods, services
    from planner.timeutil import local_now

    department = db.session.get(Department, _ids(Department, Department.name.like("基准部门%"))[0])
    today = local_now().date()
    period = periods.Period(today - days(days=30), today)
    wall, cpu = [], []
    with current_app.test_request_context("/"), force_locale("zh_Hans_CN"):
        for _ in range(repeat):
            db.session.expunge_all()
            started, started_cpu = time.perf_counter(), time.process_time()
            built = ledger.build(department, period)
            sheets = ledger.sheets(department.name, built, services.numbers(department, period))
            body = exports.xlsx_bytes(*sheets)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "events": len(built.events),
        "signups": len(built.signups),
        "bytes": len(body),
        "build_ms": round(min(wall), 1),
        "cpu_ms": round(min(cpu), 1),
    }
