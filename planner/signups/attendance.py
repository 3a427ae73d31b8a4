"""Check-in tokens, check-in and check-out, hours, corrections and service records.

Hours rule (documented for volunteers and organisers): the time between check-in and check-out,
clipped to the shift; with a check-in but no check-out, until the shift's end; with no scans at
all, the shift's length when the organiser confirms attendance. The result is rounded to the
nearest quarter hour, exactly half-way rounding up (7½ minutes → 15 minutes).

Hours are credited only for service that has happened (``service_is_over``): once the shift has
ended, or once a volunteer has checked in and out of a shift that has started. So no service
record, correction or certificate is ever dated after today.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload

from planner import signals
from planner.accounts.models import User
from planner.audit import services as audit
from planner.database import insert_once, lock_row
from planner.events import timing
from planner.events.models import Event, EventStatus, Shift
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups import places
from planner.signups.models import (
    CheckinMethod,
    CorrectionStatus,
    HoursCorrection,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from planner.timeutil import to_local, utcnow

ROTATE_SECONDS = 300  # a new check-in code every five minutes; the previous one still works
CHECKOUT_AFTER = timedelta(minutes=10)
EARLY_CHECKIN = timedelta(minutes=60)
QUARTER_SECONDS = 15 * 60
# One device scanning for two people this close together is flagged on the roster.
SAME_DEVICE_WINDOW = timedelta(seconds=60)


class TokenInvalid(DomainError):
    message = _l("This check-in code is not valid. Scan the code shown at the venue.")


class TokenExpired(DomainError):
    message = _l("This check-in code has expired. Scan the code shown at the venue now.")


class NoCurrentShift(DomainError):
    message = _l("You have no confirmed shift at this event right now.")


class TooSoonToCheckOut(DomainError):
    message = _l("You are checked in. Scan again when you leave (at least 10 minutes later).")


class AlreadyCheckedOut(DomainError):
    message = _l("You have already checked out of this shift.")


class NotAttending(DomainError):
    message = _l("Only a confirmed or attended sign-up can be checked in or credited.")


class NotOverYet(DomainError):
    message = _l(
        "Hours can be credited only for service that has happened: once the shift has ended,"
        " or once the volunteer has checked in and out."
    )


class NotOnRoster(DomainError):
    message = _l("Only volunteers on this event's roster can be named; nothing was changed.")


class CorrectionNotAllowed(DomainError):
    message = _l("Hours can be corrected only once they are confirmed, one request at a time.")


class CorrectionDecided(DomainError):
    message = _l("This request has already been decided.")


# ---------------------------------------------------------------- tokens


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="xinfeng-checkin")


def _rotate_seconds() -> int:
    return int(current_app.config.get("PLANNER_CHECKIN_ROTATE_SECONDS", ROTATE_SECONDS))


def _window(now: datetime) -> int:
    return int(now.timestamp()) // _rotate_seconds()


def make_token(event: Event, now: datetime | None = None) -> str:
    """The signed token the venue's QR code carries: event, local day and time window."""
    now = now or utcnow()
    return _serializer().dumps([event.id, to_local(now).date().isoformat(), _window(now)])


def checkin_qr(url: str) -> segno.QRCode:
    """The QR code the check-in screen shows for ``url`` (medium error correction)."""
    return segno.make(url, error="m")


def read_token(token: str, now: datetime | None = None) -> int:
    """The event id in a valid token of the current or previous window; raises otherwise."""
    now = now or utcnow()
    try:
        event_id, _day, window = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise TokenInvalid() from exc
    if not (isinstance(event_id, int) and isinstance(window, int)):
        raise TokenInvalid()
    # The window alone decides: it counts from the epoch, so yesterday's windows are long past,
    # and the code shown at 23:58 still works at 00:02 (an overnight shift, a New Year's gala).
    if window not in (_window(now), _window(now) - 1):
        raise TokenExpired()
    return event_id


# ---------------------------------------------------------------- check-in and check-out


def _current_signup(user: User, event_id: int, now: datetime) -> Signup:
    rows = db.session.scalars(
        db.select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(
            Shift.event_id == event_id,
            Signup.user_id == user.id,
            Signup.status.in_((SignupStatus.CONFIRMED, SignupStatus.ATTENDED)),
            Shift.starts_at <= now + EARLY_CHECKIN,
        )
        .order_by(Shift.starts_at)
    ).all()
    open_ = [s for s in rows if s.checked_in_at and not s.checked_out_at]
    current = [s for s in rows if now <= s.shift.ends_at + EARLY_CHECKIN]
    if open_:
        return open_[0]
    if current:
        return current[0]
    raise NoCurrentShift()


@dataclass(frozen=True)
class Device:
    """The phone a code was scanned on, as a sign-up stores it: a SHA-256 of the phone's random
    device cookie (never the cookie itself, so a stored value cannot be replayed) and its address."""

    device_hash: str
    address: str | None = None

    @classmethod
    def of(cls, device_id: str, address: str | None) -> Device:
        digest = hashlib.sha256(device_id.encode()).hexdigest()
        return cls(digest, (address or "")[:45] or None)


def _record_scan(signup: Signup, direction: str, method: CheckinMethod, device: Device | None):
    """Note how a check-in (``direction`` "in") or check-out ("out") was made, and from where."""
    prefix = "checkin" if direction == "in" else "checkout"
    setattr(signup, f"{prefix}_method", method)
    setattr(signup, f"{prefix}_device", device.device_hash if device else None)
    setattr(signup, f"{prefix}_address", device.address if device else None)


def scan(
    user: User, token: str, now: datetime | None = None, device: Device | None = None
) -> tuple[Signup, str]:
    """A volunteer scanned the venue code: check in, or check out 10+ minutes later.

    The scan is always the logged-in ``user``'s own (a forwarded code checks in whoever opens it,
    never the sender), recorded with the ``device`` it came from.
    """
    now = now or utcnow()
    signup = _current_signup(user, read_token(token, now), now)
    if signup.checked_in_at is None:
        signup.checked_in_at = now
        signup.status = SignupStatus.ATTENDED
        _record_scan(signup, "in", CheckinMethod.CODE, device)
        db.session.flush()
        return signup, "in"
    if signup.checked_out_at is not None:
        raise AlreadyCheckedOut()
    if now - signup.checked_in_at < CHECKOUT_AFTER:
        raise TooSoonToCheckOut()
    signup.checked_out_at = now
    _record_scan(signup, "out", CheckinMethod.CODE, device)
    db.session.flush()
    return signup, "out"


def check_in(actor: User, signup: Signup, now: datetime | None = None) -> None:
    """The organiser checks a volunteer in by hand."""
    if signup.status not in (SignupStatus.CONFIRMED, SignupStatus.ATTENDED, SignupStatus.NO_SHOW):
        raise NotAttending()
    if signup.checked_in_at is None:
        signup.checked_in_at = now or utcnow()
        _record_scan(signup, "in", CheckinMethod.HAND, None)
    signup.status = SignupStatus.ATTENDED
    audit.record(actor, "check_in", signup, at=signup.checked_in_at.isoformat())


def check_out(actor: User, signup: Signup, now: datetime | None = None) -> None:
    """The organiser checks a volunteer out by hand (checking them in at the shift start if needed)."""
    if signup.checked_in_at is None:
        check_in(actor, signup, signup.shift.starts_at)
    signup.checked_out_at = now or utcnow()
    _record_scan(signup, "out", CheckinMethod.HAND, None)
    audit.record(actor, "check_out", signup, at=signup.checked_out_at.isoformat())


def _code_scans(event: Event) -> dict[str, list[tuple[datetime, int, int, str]]]:
    """Each device's scans of ``event``'s codes, in and out alike, in time order: (when, sign-up
    id, user id, name). One query."""
    rows = db.session.execute(
        db.select(
            Signup.id,
            Signup.user_id,
            User.real_name,
            Signup.checkin_device,
            Signup.checked_in_at,
            Signup.checkout_device,
            Signup.checked_out_at,
        )
        .join(Shift, Shift.id == Signup.shift_id)
        .join(User, User.id == Signup.user_id)
        .where(
            Shift.event_id == event.id,
            Signup.checkin_device.is_not(None) | Signup.checkout_device.is_not(None),
        )
    ).all()
    by_device = defaultdict(list)
    for signup_id, user_id, name, in_device, in_at, out_device, out_at in rows:
        for device, when in ((in_device, in_at), (out_device, out_at)):
            if device is not None and when is not None:
                by_device[device].append((when, signup_id, user_id, name))
    return {device: sorted(scans) for device, scans in by_device.items()}


def same_device_scans(event: Event) -> dict[int, list[str]]:
    """Sign-ups of ``event`` whose code was scanned (in or out) on a device that scanned for
    someone else within ``SAME_DEVICE_WINDOW``, each with the others' names: a flag, not a block.

    Only the device counts, not the address: a venue's Wi-Fi or a carrier's shared address puts
    many honest phones behind one address.
    """
    shared: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for scans in _code_scans(event).values():
        for i, (when, signup_id, user_id, name) in enumerate(scans):
            for later, other_id, other_user, other_name in scans[i + 1 :]:
                if later - when > SAME_DEVICE_WINDOW:
                    break
                if other_user != user_id:
                    shared[signup_id].add((other_user, other_name))
                    shared[other_id].add((user_id, name))
    return {signup_id: sorted(name for _, name in people) for signup_id, people in shared.items()}


def mark_no_show(actor: User, signup: Signup) -> None:
    """Record that a confirmed volunteer did not come; the place stays counted."""
    if signup.status is not SignupStatus.CONFIRMED or signup.checked_in_at is not None:
        raise NotAttending()
    signup.status = SignupStatus.NO_SHOW
    audit.record(actor, "no_show", signup, user=signup.user_id)


# ---------------------------------------------------------------- hours


def round_to_quarter(seconds: float) -> int:
    """Minutes rounded to the nearest quarter hour, exactly half-way rounding up."""
    if seconds <= 0:
        return 0
    return int((seconds + QUARTER_SECONDS / 2) // QUARTER_SECONDS) * 15


def computed_minutes(signup: Signup) -> int:
    """Credited minutes by the documented rule (scans clipped to the shift, else its length)."""
    shift = signup.shift
    start = max(signup.checked_in_at or shift.starts_at, shift.starts_at)
    end = min(signup.checked_out_at or shift.ends_at, shift.ends_at)
    return round_to_quarter((end - start).total_seconds())


def _person_in_charge(event: Event, actor: User) -> str:
    """Whoever created the event answers for it; else the organiser confirming the hours."""
    creator = db.session.get(User, event.created_by_id) if event.created_by_id else None
    return (creator or actor).real_name


def _record_service(actor: User, signup: Signup) -> ServiceRecord:
    """Create or update the service record (志愿服务记录) for credited hours."""
    with db.session.no_autoflush:
        shift, event = signup.shift, signup.shift.event
        person_in_charge = _person_in_charge(event, actor)
        record = db.session.scalar(
            db.select(ServiceRecord).where(ServiceRecord.signup_id == signup.id)
        )
        if record is None:
            record = ServiceRecord(signup=signup)
            db.session.add(record)
        place = " · ".join(
            part
            for part in (
                event.community.name if event.community else "",
                event.venue,
                event.address,
            )
            if part
        )
        record.volunteer_id = signup.user_id
        record.event_id = event.id
        record.team_id = signup.team_id
        record.activity = event.title[:200]
        record.service_date = to_local(shift.starts_at).date()
        record.place = place[:400]
        record.content = (shift.role + (f"（{shift.requirements}）" if shift.requirements else ""))[
            :300
        ]
        record.minutes = signup.minutes or 0
        record.person_in_charge = person_in_charge[:80]
        record.organisation = "、".join(str(h.organisation) for h in event.hosts)[:200]
        record.recorder_id = actor.id
        record.updated_at = utcnow()
        return record


def service_is_over(signup: Signup, now: datetime | None = None) -> bool:
    """Whether the service of a sign-up has happened: its shift has ended, or it has started and
    the volunteer has checked in and out."""
    now = now or utcnow()
    shift = signup.shift
    if timing.has_ended(shift, now):
        return True
    scanned = signup.checked_in_at is not None and signup.checked_out_at is not None
    return scanned and shift.starts_at <= now and signup.checked_out_at <= now


CREDITABLE = (SignupStatus.CONFIRMED, SignupStatus.ATTENDED)
WENT_AHEAD = (EventStatus.PUBLISHED, EventStatus.COMPLETED)


def _refusal(signup: Signup, now: datetime) -> DomainError | None:
    """Why hours cannot be credited to ``signup`` now, or None: it must be attending an event that
    went ahead, and its service must be over."""
    if signup.status not in CREDITABLE or signup.shift.event.status not in WENT_AHEAD:
        return NotAttending()
    if not service_is_over(signup, now):
        return NotOverYet()
    return None


def _credit(actor: User, signup: Signup, minutes: int, why: str, now: datetime, first=False):
    """Credit ``minutes`` with one guarded UPDATE, then audit and keep the service record.

    The UPDATE takes the sign-up's row lock before the record is looked up, so two requests never
    both insert a record; with ``first`` it credits only hours not credited yet and returns None
    when another request already did (safe to repeat or race).
    """
    before = signup.minutes
    guard = [Signup.status.in_(CREDITABLE)]
    if first:
        guard.append(Signup.minutes.is_(None))
    credit = {
        "minutes": minutes,
        "status": SignupStatus.ATTENDED,
        "hours_confirmed_at": now,
        "confirmed_by_id": actor.id,
    }
    if not places.guarded_update(signup, guard, credit):
        return None
    audit.record(actor, "set_hours", signup, before=before, after=minutes, why=why)
    record = _record_service(actor, signup)
    db.session.flush()
    signals.hours_credited.send(signup)
    return record


def set_minutes(
    actor: User, signup: Signup, minutes: int, why: str, now: datetime | None = None
) -> ServiceRecord:
    """Credit ``minutes`` to a sign-up whose service is over, audited with before, after and why."""
    now = now or utcnow()
    if (refusal := _refusal(signup, now)) is not None:
        raise refusal
    record = _credit(actor, signup, minutes, why, now)
    if record is None:  # cancelled or marked a no-show meanwhile
        raise NotAttending()
    return record


def awaiting_credit(signups: list[Signup], now: datetime | None = None) -> list[Signup]:
    """Those of ``signups`` that bulk confirmation credits now: not credited yet, and creditable."""
    now = now or utcnow()
    return [s for s in signups if s.minutes is None and _refusal(s, now) is None]


def to_credit(
    event: Event, signup_ids: list[int] | None = None, now: datetime | None = None
) -> list[Signup]:
    """The sign-ups of ``event`` that confirming hours would credit now, in roster order.

    ``signup_ids`` names whom (None: everyone on the roster); naming anyone else raises
    ``NotOnRoster``, so a bogus name never widens the choice.
    """
    query = (
        db.select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id)
        .options(joinedload(Signup.user), joinedload(Signup.shift))
        .order_by(Shift.starts_at, Shift.id, Signup.arrival)
    )
    if signup_ids is not None:
        query = query.where(Signup.id.in_(signup_ids))
    signups = db.session.scalars(query).all()
    if signup_ids is not None and {s.id for s in signups} != set(signup_ids):
        raise NotOnRoster()
    return awaiting_credit(signups, now)


def confirm_hours(actor: User, signups: list[Signup], now: datetime | None = None) -> int:
    """Bulk-confirm attendance: credit each sign-up whose service is over its computed minutes,
    once; returns how many this call credited."""
    now = now or utcnow()
    credited = (
        _credit(actor, s, computed_minutes(s), "confirmed by organiser", now, first=True)
        for s in awaiting_credit(signups, now)
    )
    return sum(1 for record in credited if record is not None)


def _pending_correction(signup: Signup) -> HoursCorrection | None:
    return db.session.scalar(
        db.select(HoursCorrection).where(
            HoursCorrection.signup_id == signup.id,
            HoursCorrection.status == CorrectionStatus.PENDING,
        )
    )


def request_correction(
    user: User, signup: Signup, minutes: int, reason: str, now: datetime | None = None
) -> HoursCorrection:
    """A volunteer asks for their credited hours to be corrected, giving a reason.

    One pending request a sign-up (a unique index): the same request sent again, or twice at
    once, is recorded once; a different one waits until the pending one is decided.
    """
    if signup.user_id != user.id or signup.minutes is None:
        raise CorrectionNotAllowed()
    if not service_is_over(signup, now or utcnow()):  # hours credited before the rule existed
        raise NotOverYet()
    pending = _pending_correction(signup) or insert_once(
        HoursCorrection(signup=signup, requested_minutes=minutes, reason=reason),
        lambda: _pending_correction(signup),
    )
    if (pending.requested_minutes, pending.reason) != (minutes, reason):
        raise CorrectionNotAllowed()
    return pending


def decide_correction(
    actor: User, correction: HoursCorrection, accept: bool, note: str = "", now=None
) -> None:
    """An organiser accepts (hours change, audited; only for service that is over) or rejects a
    correction request, once."""
    correction = lock_row(HoursCorrection, correction.id, column=HoursCorrection.status)
    if correction.status is not CorrectionStatus.PENDING:
        raise CorrectionDecided()
    now = now or utcnow()
    if accept:
        why = f"correction #{correction.id}: {correction.reason}" + (f" / {note}" if note else "")
        set_minutes(actor, correction.signup, correction.requested_minutes, why=why, now=now)
    else:
        audit.record(actor, "reject_correction", correction, reason=correction.reason, note=note)
    correction.status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED
    correction.decided_by_id = actor.id
    correction.decided_at = now
    correction.decision_note = note
    db.session.flush()
