"""The National Day rush (``make bench BENCH_ARGS="--scenario rush"``): its data and its checks.

``prepare_rush`` opens new shifts at once, hot and cold, and writes the volunteers who will rush
them, each with a signed-in session made here (a session cookie and its CSRF token, signed with
the app's key: no password is hashed or checked). ``check_rush`` then verifies what must hold
however hard the rush: no shift holds more confirmed volunteers than places, no volunteer is on
a shift twice, and every sign-up answered is confirmed or waitlisted.
"""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from itsdangerous import URLSafeTimedSerializer

from planner.accounts.models import User
from planner.accounts.services import PRIVACY_NOTICE_VERSION
from planner.bench import _ids, insert_rows
from planner.directory.models import Community, Department
from planner.events.models import Event, EventHost, EventKind, EventStatus, Shift
from planner.extensions import db
from planner.signups.models import Signup, SignupStatus
from planner.timeutil import utcnow

RUSH_TITLE = "国庆志愿服务岗位"
RUSH_PHONE_PREFIX = "+86171"  # 171xxxxxxxx: the rush's volunteers, apart from make bench's
SHIFTS_PER_EVENT = 5


def client_identifier(user_agent: str | None = None) -> str:
    """What Flask-Login's session protection expects in ``_id`` of a session used from loopback
    with ``user_agent`` (wrk sends none): without it every request would mark the session no
    longer fresh, and answer with a new cookie that wrk, unlike a phone, never keeps."""
    headers = {"User-Agent": user_agent} if user_agent else {}
    with current_app.test_request_context(
        "/", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    ):
        if not user_agent:
            request.environ.pop("HTTP_USER_AGENT", None)
        return current_app.login_manager._session_identifier_generator()


def _session_cookie(user: User, identifier: str) -> tuple[str, str]:
    """A signed-in session as the log-in page would leave it: (cookie value, form CSRF token)."""
    app = current_app
    raw = secrets.token_hex(20)
    session = {"_user_id": user.get_id(), "_fresh": True, "_id": identifier, "csrf_token": raw}
    cookie = app.session_interface.get_signing_serializer(app).dumps(session)
    form_token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return cookie, form_token


def _new_events(shifts: int, places: int, now) -> list[list[int]]:
    """Events of five one-hour shifts each, every shift at an hour of its own (no overlaps)."""
    community = db.session.scalar(sa.select(Community.id).order_by(Community.id).limit(1))
    department = db.session.scalar(sa.select(Department.id).order_by(Department.id).limit(1))
    start = (now + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    marker = secrets.token_hex(3)
    events = []
    for n in range(-(-shifts // SHIFTS_PER_EVENT)):
        first = start + timedelta(days=n // 2, hours=(n % 2) * SHIFTS_PER_EVENT)
        events.append(
            {
                "uuid": str(uuid.uuid4()),
                "title": f"{RUSH_TITLE}{marker}-{n:05d}",
                "kind": EventKind.CLEANUP.value,
                "status": EventStatus.PUBLISHED.value,
                "community_id": community,
                "venue": "五四广场",
                "address": "",
                "starts_at": first,
                "ends_at": first + timedelta(hours=SHIFTS_PER_EVENT),
                "description": "国庆期间文明引导志愿服务。",
                "cancel_reason": "",
                "revision": 0,
                "max_party_size": 4,
                "cancellation_cutoff_minutes": 120,
                "created_at": now,
                "updated_at": now,
                "seats_capacity": None,
            }
        )
    insert_rows(Event, events)
    rows = db.session.execute(
        sa.select(Event.id, Event.starts_at)
        .where(Event.title.like(f"{RUSH_TITLE}{marker}-%"))
        .order_by(Event.id)
    ).all()
    insert_rows(
        EventHost,
        ({"event_id": e.id, "role": "host", "department_id": department} for e in rows),
    )
    insert_rows(
        Shift,
        (
            {
                "event_id": e.id,
                "role": f"文明引导{k + 1}",
                "starts_at": e.starts_at + timedelta(hours=k),
                "ends_at": e.starts_at + timedelta(hours=k + 1),
                "capacity": places,
                "requirements": "",
                "confirmed_count": 0,
            }
            for e in rows
            for k in range(SHIFTS_PER_EVENT)
        ),
    )
    shift_rows = db.session.execute(
        sa.select(Shift.event_id, Shift.id)
        .where(Shift.event_id.in_([e.id for e in rows]))
        .order_by(Shift.id)
    ).all()
    return [[event_id, shift_id] for event_id, shift_id in shift_rows][:shifts]


def _new_volunteers(count: int, now) -> list[User]:
    start = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.phone.like(RUSH_PHONE_PREFIX + "%"))
    )
    insert_rows(
        User,
        (
            {
                "phone": f"{RUSH_PHONE_PREFIX}{start + i:08d}",
                "real_name": f"国庆志愿者{start + i:06d}",
                "nickname": "",
                "password_hash": "",
                "active": True,
                "is_admin": False,
                "consented_at": now,
                "consent_version": PRIVACY_NOTICE_VERSION,
                "session_token": secrets.token_urlsafe(32),
                "created_at": now,
            }
            for i in range(count)
        ),
    )
    ids = _ids(User, User.phone.like(RUSH_PHONE_PREFIX + "%"))[start:]
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.id)))


def _deal(volunteers: int, per: int, shifts: list, hot: int, places: int, rng) -> list[list]:
    """Each volunteer's ``per`` distinct shifts: the hot ones asked three times their places.

    The asks lie grouped by shift and are dealt round the volunteers like cards, so the copies
    of one shift (never more than there are volunteers) go to different people; each hand is
    then shuffled, so the rush meets hot and cold shifts in no fixed order.
    """
    hot_shifts, cold_shifts = shifts[:hot], shifts[hot:]
    total = volunteers * per
    asks = [s for s in hot_shifts for _ in range(min(3 * places, volunteers))][:total]
    rest = total - len(asks)
    if cold_shifts and rest > 0:
        share = -(-rest // len(cold_shifts))
        asks += [s for s in cold_shifts for _ in range(min(share, volunteers))][:rest]
    hands: list[list] = [[] for _ in range(volunteers)]
    for n, shift in enumerate(asks):
        hands[n % volunteers].append(shift)
    for hand in hands:
        rng.shuffle(hand)
    rng.shuffle(hands)
    return hands


def prepare_rush(
    volunteers: int = 20_000,
    shifts: int = 2_000,
    per: int = 5,
    hot: int = 400,
    places: int = 50,
    user_agent: str | None = None,
) -> dict:
    """The rush's new shifts and its volunteers with their sessions and the shifts each asks for.

    Commits. Returns {"volunteers": [{"cookie", "csrf", "asks": [[event, shift], …]}, …],
    "shifts": [shift ids]}.
    """
    now = utcnow()
    rng = random.Random(20240930)
    opened = _new_events(shifts, places, now)
    users = _new_volunteers(volunteers, now)
    hands = _deal(len(users), per, opened, min(hot, len(opened)), places, rng)
    db.session.commit()
    out = []
    identifier = client_identifier(user_agent)
    for user, hand in zip(users, hands, strict=True):
        cookie, csrf = _session_cookie(user, identifier)
        out.append({"cookie": cookie, "csrf": csrf, "asks": hand})
    return {"volunteers": out, "shifts": [shift for _event, shift in opened]}


def check_rush(shift_ids: list[int], answered: int) -> dict:
    """What must hold after the rush, counted in the database."""
    on = Signup.shift_id.in_(shift_ids)
    confirmed = sa.func.sum(sa.case((Signup.status == SignupStatus.CONFIRMED, 1), else_=0))
    per_shift = (
        sa.select(Signup.shift_id, confirmed.label("confirmed"))
        .where(on)
        .group_by(Signup.shift_id)
        .subquery()
    )
    overbooked = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Shift)
        .join(per_shift, per_shift.c.shift_id == Shift.id)
        .where(
            sa.or_(
                per_shift.c.confirmed > Shift.capacity,
                per_shift.c.confirmed != Shift.confirmed_count,
            )
        )
    )
    pairs = (
        sa.select(Signup.user_id, Signup.shift_id)
        .where(on)
        .group_by(Signup.user_id, Signup.shift_id)
        .having(sa.func.count() > 1)
        .subquery()
    )
    duplicates = db.session.scalar(sa.select(sa.func.count()).select_from(pairs))
    statuses = dict(
        db.session.execute(
            sa.select(Signup.status, sa.func.count()).where(on).group_by(Signup.status)
        ).all()
    )
    held = statuses.get(SignupStatus.CONFIRMED, 0) + statuses.get(SignupStatus.WAITLISTED, 0)
    return {
        "overbooked_shifts": overbooked,
        "duplicate_pairs": duplicates,
        "confirmed": statuses.get(SignupStatus.CONFIRMED, 0),
        "waitlisted": statuses.get(SignupStatus.WAITLISTED, 0),
        "answered": answered,
        "held_equals_answered": held == answered,
    }
