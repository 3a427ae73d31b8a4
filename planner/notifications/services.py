"""Queueing messages in the outbox and handing them to a transport.

A message is queued either written (``queue``: a subject and a body, e.g. an organiser's own words)
or as a *notice*: its kind and arguments (``queue_notice``, or ``queue_notices_from`` inside a
statement). A notice is written by the sender, just before it is handed to the transport, in the
recipient's language, by the function its feature registered in ``NOTICE_KINDS``; the request that
queued it did no more than write one row.
"""

from __future__ import annotations

import json
import logging
import smtplib
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from typing import NamedTuple

from flask import current_app
from flask_babel import force_locale
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, insert, literal, update
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import Select

from planner.extensions import db
from planner.notifications.models import Channel, Notification, NotificationStatus
from planner.notifications.sms import SMS_TRANSPORTS
from planner.timeutil import utcnow

log = logging.getLogger("planner.notifications")
OUTBOX_PER_PAGE = 50


def register(app) -> None:
    """The log transports write to the server's log (stderr under gunicorn and ``flask run``),
    at INFO, which Python's default set-up would drop: ``make run`` shows each SMS code there."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(name)s: %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)


# ``INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING id``, built once: the outbox row is
# written on every sign-up, and two requests queueing the same message at the same moment must not
# end in an error. Plain SQL because SQLite and PostgreSQL spell it alike, and because SQLAlchemy
# does not cache the compiled form of their dialects' own INSERT constructs.
_INSERT = db.text(
    "INSERT INTO notification"
    " (recipient_id, channel, kind, params, subject, body, status, error, dedupe_key, created_at)"
    " VALUES (:recipient_id, :channel, :kind, :params, :subject, :body, :status, '', :dedupe_key,"
    " :created_at)"
    " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
).bindparams(
    db.bindparam("channel", type_=Notification.__table__.c.channel.type),
    db.bindparam("status", type_=Notification.__table__.c.status.type),
    db.bindparam("created_at", type_=Notification.__table__.c.created_at.type),
)


class NoticeKind(NamedTuple):
    """How the sender writes one kind of notice."""

    # What the outbox shows before the notice is written (a lazy string).
    label: object
    # The subject and body from the notice's arguments, in the current language; ``None`` when
    # what it speaks of is gone (the notice then fails with that reason, and is not sent).
    write: Callable[[dict], tuple[str, str] | None]


# Filled by the features at import: ``NOTICE_KINDS["signup_confirmed"] = NoticeKind(…)``.
NOTICE_KINDS: dict[str, NoticeKind] = {}


def notice_kind(name: str, label):
    """Register the decorated function as the writer of notices of kind ``name``."""

    def register(write):
        NOTICE_KINDS[name] = NoticeKind(label, write)
        return write

    return register


@contextmanager
def in_language_of(recipient):
    """Write what follows in ``recipient``'s language: their own, else the site's default (also
    for a message to a number with no account)."""
    locale = getattr(recipient, "locale", None) or current_app.config["PLANNER_DEFAULT_LOCALE"]
    with force_locale(locale):
        yield


def _channel() -> Channel:
    transport = current_app.config["PLANNER_MAIL_TRANSPORT"]
    return Channel(transport) if transport in {c.value for c in Channel} else Channel.LOG


def queue(recipient, subject: str, body: str, dedupe_key: str | None = None) -> int | None:
    """Write one message to the outbox and return its id; with a ``dedupe_key`` already used,
    write nothing and return None."""
    return _queue(recipient, dedupe_key, subject=subject[:200], body=body)


def queue_notice(recipient, kind: str, params: dict, dedupe_key: str) -> int | None:
    """Queue a notice of ``kind`` (registered in ``NOTICE_KINDS``) with its arguments; the sender
    writes it. As ``queue``: nothing is written when ``dedupe_key`` was used already."""
    assert kind in NOTICE_KINDS, kind
    return _queue(
        recipient, dedupe_key, kind=kind, params=json.dumps(params, separators=(",", ":"))
    )


def _queue(recipient, dedupe_key: str | None, **message) -> int | None:
    if recipient.id is None:
        db.session.flush()
    return db.session.execute(
        _INSERT,
        {
            "recipient_id": recipient.id,
            "channel": _channel(),
            "subject": "",
            "body": "",
            "kind": None,
            "params": None,
            **message,
            "dedupe_key": dedupe_key[:120] if dedupe_key else None,
            "created_at": utcnow(),
            "status": NotificationStatus.QUEUED,
        },
    ).scalar()


_notes = Notification.__table__


def queue_notices_from(rows: Select):
    """An ``INSERT … SELECT`` that queues one notice per row of ``rows``, whose columns are
    ``recipient_id``, ``kind``, ``params`` (JSON text) and ``dedupe_key``, in that order; for a
    statement that queues its notices itself (``planner.signups.places``). Execute it with
    ``outbox_values()``. The rows' keys must be new: there is no ``ON CONFLICT`` here."""
    rows = rows.add_columns(
        bindparam("outbox_channel", type_=_notes.c.channel.type),
        bindparam("outbox_status", type_=_notes.c.status.type),
        literal(""),
        literal(""),
        literal(""),
        bindparam("outbox_created_at", type_=_notes.c.created_at.type),
    )
    return insert(_notes).from_select(
        [
            _notes.c.recipient_id,
            _notes.c.kind,
            _notes.c.params,
            _notes.c.dedupe_key,
            _notes.c.channel,
            _notes.c.status,
            _notes.c.subject,
            _notes.c.body,
            _notes.c.error,
            _notes.c.created_at,
        ],
        rows,
    )


def outbox_values() -> dict:
    """The bound values ``queue_notices_from`` statements take."""
    return {
        "outbox_channel": _channel(),
        "outbox_status": NotificationStatus.QUEUED,
        "outbox_created_at": utcnow(),
    }


def queue_sms(
    phone: str, subject: str, text: str, params: dict | None = None, recipient=None
) -> int:
    """Write one SMS to ``phone`` (E.164) to the outbox and return its id. ``subject`` is what the
    outbox keeps once it is sent; ``text`` and ``params`` (a gateway template's values) may hold a
    code and are cleared then."""
    note = Notification(
        recipient=recipient,
        phone=phone,
        channel=Channel.SMS,
        subject=subject[:200],
        body=text,
        sms_params=json.dumps(params, ensure_ascii=False) if params else None,
        status=NotificationStatus.QUEUED,
    )
    db.session.add(note)
    db.session.flush()
    return note.id


def send_now(note_id: int) -> None:
    """Send one queued message at once (a code must not wait for the cron job). Commits; call it
    after the request's own commit, so a failing transport never undoes the request."""
    if _claim(note_id):
        _deliver_claimed(note_id)


# A sender claims a message before it hands it to the transport: the guarded update lets exactly
# one of several senders running at once (the cron job, "send now", a code sent at once) have it.
_CLAIM = (
    update(Notification)
    .where(
        Notification.id == bindparam("note_id"), Notification.status == NotificationStatus.QUEUED
    )
    .values(status=NotificationStatus.SENDING, sent_at=bindparam("claimed_at"))
    .execution_options(synchronize_session=False)
)
# A message claimed this long ago was left by a sender that died while sending it.
STALE_CLAIM = timedelta(minutes=10)


def _claim(note_id: int) -> bool:
    """Claim one queued message for this sender, committed at once; whether it got it."""
    claimed = db.session.execute(_CLAIM, {"note_id": note_id, "claimed_at": utcnow()}).rowcount
    db.session.commit()
    return claimed == 1


def _deliver_claimed(note_id: int) -> bool:
    note = db.session.scalars(
        db.select(Notification)
        .where(Notification.id == note_id)
        .options(joinedload(Notification.recipient))
    ).one()
    sent = _deliver(note)
    db.session.commit()
    return sent


def _give_up_interrupted(now) -> None:
    """Messages whose sender died while sending them are marked failed, never sent again: they
    may have arrived. The outbox shows them to administrators."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.status == NotificationStatus.SENDING,
            Notification.sent_at < now - STALE_CLAIM,
        )
        .values(
            status=NotificationStatus.FAILED,
            error="interrupted while being sent; not sent again (it may have arrived)",
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def outbox_page(per_page: int = OUTBOX_PER_PAGE) -> Pagination:
    """The outbox as administrators read it: newest first, with each recipient."""
    query = (
        db.select(Notification)
        .options(joinedload(Notification.recipient))
        .order_by(Notification.id.desc())
    )
    return db.paginate(query, per_page=per_page, error_out=False)


def send_queued(limit: int = 500) -> tuple[int, int]:
    """Send up to ``limit`` queued messages through their transport; return (sent, failed).
    Claims and commits each, so senders may run at once: each message goes out once."""
    _give_up_interrupted(utcnow())
    note_ids = db.session.scalars(
        db.select(Notification.id)
        .where(Notification.status == NotificationStatus.QUEUED)
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for note_id in note_ids:
        if not _claim(note_id):
            continue  # another sender has it
        if _deliver_claimed(note_id):
            sent += 1
        else:
            failed += 1
    return sent, failed


def label(note: Notification):
    """What the outbox shows as a message's subject: the subject once written, else its kind."""
    if note.subject or note.kind is None:
        return note.subject
    kind = NOTICE_KINDS.get(note.kind)
    return kind.label if kind is not None else note.kind


def write(note: Notification) -> None:
    """Write a notice's subject and body in its recipient's language, if it is not written yet.
    Raises ``LookupError`` when its kind is unknown or what it speaks of is gone."""
    if note.kind is None or note.subject:
        return
    kind = NOTICE_KINDS.get(note.kind)
    if kind is None:
        raise LookupError(f"no writer for notices of kind {note.kind!r}")
    with in_language_of(note.recipient):
        written = kind.write(json.loads(note.params or "{}"))
    if written is None:
        raise LookupError(f"what the {note.kind} notice speaks of is gone")
    subject, body = written
    note.subject, note.body = subject[:200], body


def _deliver(note: Notification) -> bool:
    """Write a notice, hand the message to its transport and record the outcome; whether it was
    sent."""
    try:
        write(note)
        TRANSPORTS[note.channel](note)
    except Exception as exc:  # a transport failure is recorded, never lost
        note.status = NotificationStatus.FAILED
        note.error = f"{type(exc).__name__}: {exc}"[:2000]
        ok = False
    else:
        note.status = NotificationStatus.SENT
        note.sent_at = utcnow()
        ok = True
    if note.channel is Channel.SMS:
        # A text may hold a code: the outbox keeps only what was sent and to whom, sent or not.
        note.body, note.sms_params = note.subject, None
    return ok


def _send_log(note: Notification) -> None:
    log.info("notification %s to user %s: %s", note.id, note.recipient_id, note.subject)


def _send_email(note: Notification) -> None:
    config = current_app.config
    if not config["PLANNER_SMTP_HOST"]:
        raise RuntimeError("PLANNER_SMTP_HOST is not set")
    address = getattr(note.recipient, "email", None)
    if not address:
        raise RuntimeError("recipient has no e-mail address")
    message = EmailMessage()
    message["From"] = config["PLANNER_MAIL_FROM"]
    message["To"] = address
    message["Subject"] = note.subject
    message.set_content(note.body)
    with smtplib.SMTP(config["PLANNER_SMTP_HOST"], config["PLANNER_SMTP_PORT"], timeout=10) as smtp:
        smtp.send_message(message)


def _send_sms(note: Notification) -> None:
    transport = SMS_TRANSPORTS.get(current_app.config["PLANNER_SMS_TRANSPORT"])
    if transport is None:
        raise RuntimeError("PLANNER_SMS_TRANSPORT must be log or http")
    phone = note.phone or getattr(note.recipient, "phone", None)
    if not phone:
        raise RuntimeError("recipient has no mobile number")
    transport(phone, note.body, json.loads(note.sms_params) if note.sms_params else {})


TRANSPORTS = {Channel.LOG: _send_log, Channel.EMAIL: _send_email, Channel.SMS: _send_sms}
