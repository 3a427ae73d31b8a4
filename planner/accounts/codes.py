"""SMS codes (短信验证码) that prove a number is its owner's: sent through the outbox, stored as a
keyed hash, good for 5 minutes and 5 tries, re-sent after 60 seconds.

Asking for a code answers the same whether or not the number has an account: every valid number
gets a code row and an SMS. Only someone who then enters the right code learns more.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, update

from planner.accounts.models import CodePurpose, PhoneCode, User
from planner.exceptions import DomainError
from planner.extensions import db
from planner.notifications import services as notifications
from planner.timeutil import utcnow

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5
# Codes (and the numbers they went to) are kept this long, then deleted.
KEPT_FOR = timedelta(days=1)


class CodeRefused(DomainError):
    """The code entered proves nothing; the attempt it cost must still be committed."""

    field = "code"


class NoCode(CodeRefused):
    message = _l("No code is waiting for this number: ask for one first.")


class WrongCode(CodeRefused):
    message = _l("The code is not correct.")


class CodeLocked(CodeRefused):
    message = _l("This code was entered wrongly too many times: ask for a new one.")


class CodeExpired(CodeRefused):
    message = _l("This code has expired: ask for a new one.")


class TooSoon(DomainError):
    def __init__(self, seconds: int):
        super().__init__(
            _l("A code was sent a moment ago; you can ask again in %(seconds)d s.", seconds=seconds)
        )


def _hash(phone: str, purpose: CodePurpose, code: str) -> str:
    """A keyed hash: six digits are few, so without the secret key the table reveals nothing."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose.value}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _latest(phone: str, purpose: CodePurpose, user: User | None) -> PhoneCode | None:
    """The last code sent to ``phone`` for ``purpose`` (and for ``user``, when one asked)."""
    asker = PhoneCode.user_id.is_(None) if user is None else PhoneCode.user_id == user.id
    return db.session.scalar(
        db.select(PhoneCode)
        .where(PhoneCode.phone == phone, PhoneCode.purpose == purpose, asker)
        .order_by(PhoneCode.id.desc())
        .limit(1)
    )


def send_code(
    phone: str, purpose: CodePurpose, *, user: User | None = None, now: datetime | None = None
) -> int:
    """Make a new code for ``phone`` (E.164) and queue its SMS; returns the outbox row's id.

    Refused within a minute of the last code for the same number and purpose. Flushes only.
    """
    now = now or utcnow()
    latest = _latest(phone, purpose, user)
    if latest is not None and now < latest.created_at + RESEND_AFTER:
        raise TooSoon(math.ceil((latest.created_at + RESEND_AFTER - now).total_seconds()))
    db.session.execute(
        delete(PhoneCode)
        .where(PhoneCode.created_at < now - KEPT_FOR)
        .execution_options(synchronize_session=False)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    db.session.add(
        PhoneCode(
            phone=phone,
            purpose=purpose,
            user_id=user.id if user is not None else None,
            code_hash=_hash(phone, purpose, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    text = _(
        "【%(sign)s】Your verification code is %(code)s. It is valid for 5 minutes; do not tell it to anyone.",
        sign=current_app.config["PLANNER_SMS_SIGN_NAME"],
        code=code,
    )
    return notifications.queue_sms(phone, _("Verification code"), text, {"code": code})


def _count_attempt(row: PhoneCode) -> bool:
    """Count one try against the code, at most MAX_ATTEMPTS even when tried at once."""
    result = db.session.execute(
        update(PhoneCode)
        .where(PhoneCode.id == row.id, PhoneCode.attempts < MAX_ATTEMPTS)
        .values(attempts=PhoneCode.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _use(row: PhoneCode, now: datetime) -> bool:
    """Mark the code used, once even when entered twice at once."""
    result = db.session.execute(
        update(PhoneCode)
        .where(PhoneCode.id == row.id, PhoneCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def check_code(
    phone: str,
    purpose: CodePurpose,
    code: str,
    *,
    user: User | None = None,
    now: datetime | None = None,
) -> None:
    """Accept the latest code sent to ``phone`` for ``purpose``, or raise a CodeRefused.

    Every try counts; the fifth wrong one locks the code. A code works once. The caller commits
    even on refusal, so the tries are counted.
    """
    now = now or utcnow()
    row = _latest(phone, purpose, user)
    if row is None or row.used_at is not None:
        raise NoCode()
    if now >= row.expires_at:
        raise CodeExpired()
    if not _count_attempt(row):
        raise CodeLocked()
    db.session.refresh(row, ["attempts"])
    if not hmac.compare_digest(row.code_hash, _hash(phone, purpose, (code or "").strip())):
        raise CodeLocked() if row.attempts >= MAX_ATTEMPTS else WrongCode()
    if not _use(row, now):
        raise NoCode()
