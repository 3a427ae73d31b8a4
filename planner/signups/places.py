"""Places on shifts and audience seats: signing up, cancelling, the waitlists and their promotion.

Capacity is enforced inside the database transaction. Every change to a shift's places first
locks the shift row (``planner.events.capacity.lock_shift``: ``SELECT … FOR UPDATE`` on PostgreSQL;
on SQLite a no-op ``UPDATE`` that takes the database's single write lock, waiting under
``busy_timeout``), so the checks and the arrival number that follow are serialised; the place
itself is taken with a guarded conditional ``UPDATE … WHERE confirmed_count < capacity`` whose row
count decides confirmed or waitlisted. Audience seats work the same way on the event row. How many
places or seats there are is changed in ``planner.events.capacity``, which hands places added to
``promote_from_waitlist`` and ``promote_waiting_parties`` (connected in ``signups.hooks``).

``sign_up_outcome`` is the one way anyone signs up (the sign-up page, a team leader's
``sign_up_members``, the demo data; the benchmarks post to the page). It runs prepared Core
statements, so this module is also the only one in the feature that keeps the session's loaded
objects in step with statements that bypass the ORM; the rest of the feature is ordinary
SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Integer,
    and_,
    bindparam,
    case,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.audit import services as audit
from planner.directory.models import MembershipStatus, TeamMembership, VolunteerTeam
from planner.events.capacity import lock_shift
from planner.events.models import Event, EventStatus, Shift
from planner.exceptions import DomainError
from planner.extensions import db
from planner.notifications import services as notifications
from planner.signups import notices
from planner.signups.models import (
    ACTIVE_STATUSES,
    Signup,
    SignupStatus,
)
from planner.timeutil import utcnow


class SignupClosed(DomainError):
    message = _l("Sign-up for this shift is closed.")


class AlreadyStarted(DomainError):
    message = _l("This shift has already started; it can no longer be changed here.")


class ShiftOverlap(DomainError):
    def __init__(self, other: Shift):
        super().__init__(
            _l(
                "You are already signed up for “%(shift)s” of “%(event)s” at that time.",
                shift=other.role,
                event=other.event.title,
            )
        )


class MemberOverlap(DomainError):
    def __init__(self, user: User, other: Shift):
        super().__init__(
            _l(
                "%(name)s is already signed up for “%(shift)s” of “%(event)s” at that time.",
                name=user.real_name,
                shift=other.role,
                event=other.event.title,
            )
        )


class NotSignedUp(DomainError):
    message = _l("This sign-up is not active.")


class NotActiveMember(DomainError):
    message = _l("Only active members of the team can be signed up.")


# ---------------------------------------------------------------- statements

# Signing up runs prepared statements on the tables: building a statement per request, and
# loading the shift, its event and the new row as objects, cost several times the database's own
# work. The rules are those of the other changes to places: the shift row is locked first.
_shifts = Shift.__table__
_events = Event.__table__
_signups = Signup.__table__

# SQLite has no row locks: a no-op update takes the database's write lock before the read.
_SQLITE_LOCK_SHIFT = (
    update(_shifts)
    .where(_shifts.c.id == bindparam("shift_id"))
    .values(confirmed_count=_shifts.c.confirmed_count)
)
_LOCK_SHIFT = (
    select(
        _shifts.c.role,
        _shifts.c.starts_at,
        _shifts.c.ends_at,
        _events.c.status.label("event_status"),
        _events.c.title.label("event_title"),
    )
    .join_from(_shifts, _events, _events.c.id == _shifts.c.event_id)
    .where(_shifts.c.id == bindparam("shift_id"))
    .with_for_update(of=_shifts)
)
# The volunteer's row on this shift, if any, and their active sign-ups overlapping it, earliest
# first: one pass over the volunteer's own sign-ups (index on user_id).
_MINE_HERE_OR_OVERLAPPING = (
    select(
        _signups.c.id,
        _signups.c.shift_id,
        _signups.c.status,
        _signups.c.arrival,
        _shifts.c.starts_at,
    )
    .join_from(_signups, _shifts, _shifts.c.id == _signups.c.shift_id)
    .where(
        _signups.c.user_id == bindparam("mine_user_id"),
        or_(
            _signups.c.shift_id == bindparam("mine_shift_id"),
            and_(
                _signups.c.status.in_(ACTIVE_STATUSES),
                _shifts.c.starts_at < bindparam("mine_ends_at"),
                _shifts.c.ends_at > bindparam("mine_starts_at"),
            ),
        ),
    )
    .order_by(_shifts.c.starts_at, _shifts.c.id)
)
# The next arrival number on the shift, taken under the shift's lock.
_earlier = _signups.alias("earlier")  # never correlated with the row being written
_NEXT_ARRIVAL = (
    select(func.coalesce(func.max(_earlier.c.arrival), 0) + 1)
    .where(_earlier.c.shift_id == bindparam("arrival_shift_id"))
    .scalar_subquery()
)
_TAKE_PLACE = (
    update(_shifts)
    .where(
        _shifts.c.id == bindparam("place_shift_id"),
        _shifts.c.confirmed_count < _shifts.c.capacity,
    )
    .values(confirmed_count=_shifts.c.confirmed_count + 1)
)
# What a new sign-up writes, inserted or into the volunteer's earlier (cancelled) row, at the
# shift's next arrival number. The bound names are none of the table's columns: inside a WITH
# (below) SQLAlchemy would read such a name as one more column to set.
_SIGNUP_VALUES = {
    "status": bindparam("new_status", type_=_signups.c.status.type),
    "arrival": _NEXT_ARRIVAL,
    "created_at": bindparam("now", type_=_signups.c.created_at.type),
    "cancelled_at": null(),
    "late_cancellation": false(),
    "signed_up_by_id": bindparam("by_id", type_=Integer),
    "team_id": bindparam("new_team_id", type_=Integer),
}
_NEW_SIGNUP_OF = {
    "shift_id": bindparam("arrival_shift_id", type_=Integer),
    "user_id": bindparam("new_user_id", type_=Integer),
}
_INSERT_SIGNUP = (
    insert(_signups)
    .values({**_NEW_SIGNUP_OF, **_SIGNUP_VALUES})
    .returning(_signups.c.id, _signups.c.arrival)
)
_REUSE_SIGNUP = (
    update(_signups)
    .where(_signups.c.id == bindparam("signup_id"))
    .values(_SIGNUP_VALUES)
    .returning(_signups.c.id, _signups.c.arrival)
)


def _waiting_before(ahead, shift_id, arrival):
    """How many wait on shift ``shift_id`` who arrived before ``arrival``: one less than the
    waitlist position of whoever arrived at ``arrival``. ``ahead`` is the sign-up table or an
    alias of it."""
    return select(func.count()).where(
        ahead.c.shift_id == shift_id,
        ahead.c.status == SignupStatus.WAITLISTED,
        ahead.c.arrival < arrival,
    )


_WAITING_AHEAD = _waiting_before(_signups, bindparam("shift_id"), bindparam("arrival"))
_ahead = _signups.alias("ahead")
# Built once: rebuilding the aliased table cost 1.3 ms of every page that showed a position.
_POSITION_ON_WAITLIST = (
    _waiting_before(_ahead, Signup.shift_id, Signup.arrival).correlate(Signup).scalar_subquery() + 1
)


def _placed(rows):
    """``rows`` (sign-ups: ``id``, ``user_id``, ``shift_id``, ``arrival``, ``status``) with each
    one's waitlist ``position``, NULL when it has a place."""
    ahead = _waiting_before(_ahead, rows.c.shift_id, rows.c.arrival).scalar_subquery()
    return select(
        rows.c.id,
        rows.c.user_id,
        rows.c.shift_id,
        rows.c.arrival,
        rows.c.status,
        case((rows.c.status == SignupStatus.WAITLISTED, ahead + 1)).label("position"),
    )


# SQLite: the notice of the sign-up just written (``signup_id``), queued in the same way as below.
_QUEUE_NOTICE = notifications.queue_notices_from(
    notices.signup_notice_rows(
        _placed(_signups).where(_signups.c.id == bindparam("signup_id")).subquery()
    ).where(bindparam("notify", type_=Boolean))
)

# PostgreSQL: everything after the lock in one statement. The shift is locked by the statement
# before (``_LOCK_SHIFT``): a statement sees the data committed when it starts, so this one, started
# once the lock is held, sees every sign-up on the shift, and the arrival number it takes is the
# next. ``mine`` is the volunteer's row here and their overlapping sign-ups (as on SQLite); when they
# hold a place here or overlap, nothing is written. Otherwise the guarded update takes a place if
# one is free, the row is inserted (or the earlier cancelled row reused) as confirmed or waitlisted,
# and its notice is queued. The statement returns ``mine`` and the row written.
_mine = _MINE_HERE_OR_OVERLAPPING.cte("mine")
_HELD_OR_OVERLAPPING = (
    select(_mine.c.id)
    .where(or_(_mine.c.shift_id != bindparam("mine_shift_id"), _mine.c.status.in_(ACTIVE_STATUSES)))
    .exists()
)
_taken = _TAKE_PLACE.where(~_HELD_OR_OVERLAPPING).returning(_shifts.c.id).cte("taken")
_new_status = case(
    (select(_taken.c.id).exists(), literal(SignupStatus.CONFIRMED, _signups.c.status.type)),
    else_=literal(SignupStatus.WAITLISTED, _signups.c.status.type),
)
_mine_here = select(_mine.c.id).where(_mine.c.shift_id == bindparam("mine_shift_id"))
# As on SQLite, but the status is whether ``taken`` took a place.
_new_values = {**_SIGNUP_VALUES, "status": _new_status}
_RETURNED = (_signups.c.id, _signups.c.user_id, _signups.c.shift_id, _signups.c.arrival)
_inserted = (
    insert(_signups)
    .from_select(
        [*_NEW_SIGNUP_OF, *_new_values],
        select(*_NEW_SIGNUP_OF.values(), *_new_values.values()).where(
            ~_HELD_OR_OVERLAPPING, ~_mine_here.exists()
        ),
    )
    .returning(*_RETURNED, _signups.c.status)
    .cte("inserted")
)
_reused = (
    update(_signups)
    .where(_signups.c.id == _mine_here.scalar_subquery(), ~_HELD_OR_OVERLAPPING)
    .values(_new_values)
    .returning(*_RETURNED, _signups.c.status)
    .cte("reused")
)
_written = union_all(select(_inserted), select(_reused)).cte("written")
_placed_now = _placed(_written).cte("placed")
_queued = notifications.queue_notices_from(
    notices.signup_notice_rows(_placed_now).where(bindparam("notify", type_=Boolean))
).cte("queued")
_SIGN_UP = union_all(
    select(
        _mine.c.id,
        _mine.c.shift_id,
        _mine.c.status,
        _mine.c.arrival,
        null().label("position"),
        false().label("written"),
        _mine.c.starts_at,
    ),
    select(
        _placed_now.c.id,
        _placed_now.c.shift_id,
        _placed_now.c.status,
        _placed_now.c.arrival,
        _placed_now.c.position,
        true().label("written"),
        null(),
    ),
)
_SIGN_UP = _SIGN_UP.order_by(
    _SIGN_UP.selected_columns.written,
    _SIGN_UP.selected_columns.starts_at,
    _SIGN_UP.selected_columns.shift_id,
).add_cte(_queued)


def position_on_waitlist():
    """``_WAITING_AHEAD`` as a column of a query over ``Signup``: each row's waitlist position
    (meaningful for waitlisted rows), for pages that list several sign-ups in one query."""
    return _POSITION_ON_WAITLIST


def _expire_loaded(model, row_id: int, *attributes: str) -> None:
    """Expire ``model`` ``row_id`` if the session holds it: plain statements bypass the ORM."""
    loaded = db.session.identity_map.get(db.session.identity_key(model, row_id))
    if loaded is not None:
        db.session.expire(loaded, attributes or None)


def guarded_update(row, guard: list, values: dict) -> bool:
    """``UPDATE`` the database row of the loaded ``row`` with ``values`` if ``guard`` holds there;
    whether it did. ``row`` then reads what the database holds (the winner's values if another
    request changed the row first)."""
    model = type(row)
    result = db.session.execute(
        update(model)
        .where(model.id == row.id, *guard)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(row, list(values))
    return result.rowcount == 1


# ---------------------------------------------------------------- shift places


def _take_place(shift_id: int) -> bool:
    """Take one confirmed place with the guarded update; ``False`` when the shift is full."""
    return db.session.connection().execute(_TAKE_PLACE, {"place_shift_id": shift_id}).rowcount == 1


def _take_place_of(shift: Shift) -> bool:
    """``_take_place`` for a loaded shift, whose count is read back."""
    taken = _take_place(shift.id)
    db.session.refresh(shift, ["confirmed_count"])
    return taken


def _release_place(shift: Shift) -> None:
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.confirmed_count > 0)
        .values(confirmed_count=Shift.confirmed_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(shift, ["confirmed_count"])


def _position(shift_id: int, arrival: int) -> int:
    ahead = db.session.connection().scalar(
        _WAITING_AHEAD, {"shift_id": shift_id, "arrival": arrival}
    )
    return ahead + 1


# ---------------------------------------------------------------- signing up


class SignupOutcome(NamedTuple):
    """What a sign-up came to, without loading it: the row's id, its status, its waitlist place."""

    signup_id: int
    status: SignupStatus
    position: int | None


def _lock_open_shift(connection: Connection, shift_id: int, now) -> Row | None:
    """Lock the shift row first (as ``lock_shift`` does), so what follows is serialised per
    shift, and refuse a shift that takes no sign-ups now; ``None`` when there is no such shift."""
    if connection.dialect.name == "sqlite":
        connection.execute(_SQLITE_LOCK_SHIFT, {"shift_id": shift_id})
    shift = connection.execute(_LOCK_SHIFT, {"shift_id": shift_id}).one_or_none()
    if shift is None:
        return None
    if shift.event_status is not EventStatus.PUBLISHED:
        raise SignupClosed()
    if now >= shift.starts_at:
        raise AlreadyStarted()
    return shift


def _mine_here_or_overlapping(
    connection: Connection, user_id: int, shift_id: int, shift: Row
) -> tuple[Row | None, Row | None]:
    """The volunteer's row on this shift (any status), and their first active sign-up elsewhere
    that overlaps it in time."""
    existing, overlapping = None, None
    for row in connection.execute(
        _MINE_HERE_OR_OVERLAPPING,
        {
            "mine_user_id": user_id,
            "mine_shift_id": shift_id,
            "mine_starts_at": shift.starts_at,
            "mine_ends_at": shift.ends_at,
        },
    ):
        if row.shift_id == shift_id:
            existing = row
        elif overlapping is None:
            overlapping = row
    return existing, overlapping


def _shift_with_event(shift_id: int) -> Shift:
    return db.session.scalars(
        select(Shift).where(Shift.id == shift_id).options(joinedload(Shift.event))
    ).one()


def _write_signup(connection: Connection, existing: Row | None, params: dict) -> tuple[int, int]:
    """Insert the sign-up (``_SIGNUP_VALUES`` from ``params``), or reuse the volunteer's earlier
    (cancelled) row on the shift; returns its id and arrival."""
    if existing is None:
        return connection.execute(_INSERT_SIGNUP, params).one()
    return connection.execute(_REUSE_SIGNUP, {**params, "signup_id": existing.id}).one()


def _holds_or_overlaps(existing: Row | None, overlapping: Row | None) -> bool:
    """Whether the volunteer already holds (or waits for) a place here, or overlaps elsewhere:
    then nothing is written (``_HELD_OR_OVERLAPPING`` in the one statement on PostgreSQL)."""
    return overlapping is not None or (existing is not None and existing.status in ACTIVE_STATUSES)


class _Written(NamedTuple):
    id: int
    status: SignupStatus
    position: int | None


def _sign_up_in_one_statement(
    connection: Connection, shift_id: int, shift: Row, params: dict
) -> tuple[Row | None, Row | None, _Written | None]:
    """PostgreSQL: ``_SIGN_UP``; the volunteer's row here, their first overlapping sign-up, and
    the row written, if one was."""
    existing, overlapping, written = None, None, None
    rows = connection.execute(
        _SIGN_UP,
        {
            **params,
            "mine_user_id": params["new_user_id"],
            "mine_shift_id": shift_id,
            "mine_starts_at": shift.starts_at,
            "mine_ends_at": shift.ends_at,
            "place_shift_id": shift_id,
            **notifications.outbox_values(),
        },
    ).all()
    for row in rows:  # ``mine`` in start order, then the row written
        if row.written:
            written = _Written(row.id, row.status, row.position)
        elif row.shift_id == shift_id:
            existing = row
        elif overlapping is None:
            overlapping = row
    return existing, overlapping, written


def _sign_up_step_by_step(
    connection: Connection, shift_id: int, existing: Row | None, params: dict
) -> _Written:
    """SQLite, whose statements cannot write in a ``WITH``: what ``_SIGN_UP`` does after ``mine``,
    as one statement each (in-process, a statement costs no round trip)."""
    status = SignupStatus.CONFIRMED if _take_place(shift_id) else SignupStatus.WAITLISTED
    signup_id, arrival = _write_signup(connection, existing, {**params, "new_status": status})
    connection.execute(
        _QUEUE_NOTICE,
        {"signup_id": signup_id, "notify": params["notify"], **notifications.outbox_values()},
    )
    waiting = status is SignupStatus.WAITLISTED
    return _Written(signup_id, status, _position(shift_id, arrival) if waiting else None)


def sign_up_outcome(
    shift_id: int,
    user: User,
    *,
    by: User | None = None,
    team: VolunteerTeam | None = None,
    now=None,
    overlap_error: Callable[[Shift], DomainError] = ShiftOverlap,
) -> SignupOutcome | None:
    """Sign ``user`` up: a confirmed place while one is free, else the end of the waitlist; the
    notice of it is queued for the sender.

    Signing up twice returns the existing sign-up; ``None`` when the shift does not exist. Flushes
    only. On PostgreSQL this is two statements: the lock, then ``_SIGN_UP``.
    """
    now = now or utcnow()
    db.session.flush()  # the statements below must see pending changes
    connection = db.session.connection()
    shift = _lock_open_shift(connection, shift_id, now)
    if shift is None:
        return None
    params = {
        "arrival_shift_id": shift_id,
        "new_user_id": user.id,
        "now": now,
        "by_id": (by or user).id,
        "new_team_id": team.id if team is not None else None,
        "notify": user.deleted_at is None,
    }
    if connection.dialect.name == "postgresql":
        existing, overlapping, written = _sign_up_in_one_statement(
            connection, shift_id, shift, params
        )
    else:
        existing, overlapping = _mine_here_or_overlapping(connection, user.id, shift_id, shift)
        written = None
        if not _holds_or_overlaps(existing, overlapping):
            written = _sign_up_step_by_step(connection, shift_id, existing, params)
    if existing is not None and existing.status in ACTIVE_STATUSES:
        waiting = existing.status is SignupStatus.WAITLISTED
        position = _position(shift_id, existing.arrival) if waiting else None
        return SignupOutcome(existing.id, existing.status, position)
    if overlapping is not None:
        raise overlap_error(_shift_with_event(overlapping.shift_id))
    _expire_loaded(Shift, shift_id, "confirmed_count")
    _expire_loaded(Signup, written.id)
    return SignupOutcome(written.id, written.status, written.position)


def sign_up(
    shift_id: int,
    user: User,
    *,
    by: User | None = None,
    team: VolunteerTeam | None = None,
    now=None,
    overlap_error: Callable[[Shift], DomainError] = ShiftOverlap,
) -> Signup:
    """``sign_up_outcome`` returning the sign-up itself. Flushes only."""
    outcome = sign_up_outcome(
        shift_id, user, by=by, team=team, now=now, overlap_error=overlap_error
    )
    if outcome is None:
        raise NoResultFound(f"no shift {shift_id}")
    return db.session.get(Signup, outcome.signup_id, populate_existing=True)


def sign_up_members(
    leader: User, team: VolunteerTeam, shift_id: int, user_ids: list[int], *, now=None
) -> tuple[list[Signup], list[DomainError]]:
    """A team leader signs up several active members; each takes (or waits for) one place."""
    members = db.session.scalars(
        db.select(User)
        .join(TeamMembership, TeamMembership.user_id == User.id)
        .where(
            TeamMembership.team_id == team.id,
            TeamMembership.status == MembershipStatus.ACTIVE,
            User.id.in_(user_ids),
        )
        .order_by(User.real_name, User.id)
    ).all()
    if len(members) != len(set(user_ids)):
        raise NotActiveMember()
    done, refused = [], []
    for user in members:
        try:
            done.append(
                sign_up(
                    shift_id,
                    user,
                    by=leader,
                    team=team,
                    now=now,
                    overlap_error=lambda other, user=user: MemberOverlap(user, other),
                )
            )
        except MemberOverlap as exc:
            refused.append(exc)
    return done, refused


# ---------------------------------------------------------------- the waitlist


def waitlist_position(signup: Signup) -> int | None:
    """1 for the first waitlisted on the shift; ``None`` when not waitlisted."""
    if signup.status is not SignupStatus.WAITLISTED:
        return None
    db.session.flush()
    return _position(signup.shift_id, signup.arrival)


def is_late(shift: Shift, now) -> bool:
    """Whether ``now`` is past the event's cancellation cut-off for ``shift``."""
    return now >= shift.starts_at - timedelta(minutes=shift.event.cancellation_cutoff_minutes)


def cancel(signup: Signup, actor: User, *, now=None) -> Signup:
    """Cancel a sign-up and promote the waitlist at once.

    A volunteer may cancel until the shift starts; after the event's cut-off the cancellation is
    recorded as late and shown to organisers.
    """
    now = now or utcnow()
    shift = lock_shift(signup.shift_id)
    db.session.refresh(signup)
    if signup.status not in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED):
        raise NotSignedUp()
    if now >= shift.starts_at and actor.id == signup.user_id:
        raise AlreadyStarted()
    held_place = signup.status is SignupStatus.CONFIRMED
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = now
    signup.late_cancellation = held_place and is_late(shift, now)
    if held_place:
        _release_place(shift)
    if actor.id != signup.user_id:
        audit.record(actor, "cancel_signup", signup, user=signup.user_id, shift=shift.id)
        notices.notify_cancelled(signup)
    db.session.flush()
    promote_from_waitlist(shift)
    return signup


def promote_from_waitlist(shift: Shift) -> list[Signup]:
    """Confirm the first waitlisted, in arrival order, while places are free (shift locked)."""
    promoted = []
    waiting = db.session.scalars(
        db.select(Signup)
        .where(Signup.shift_id == shift.id, Signup.status == SignupStatus.WAITLISTED)
        .options(joinedload(Signup.user))
        .order_by(Signup.arrival)
        .limit(shift.remaining)
    ).all()
    for signup in waiting:
        if not _take_place_of(shift):
            break
        signup.status = SignupStatus.CONFIRMED
        promoted.append(signup)
        notices.notify_promoted(signup)
    db.session.flush()
    return promoted
