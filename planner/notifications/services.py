"""Queueing messages in the outbox and handing them to a transport."""

from __future__ import annotations

import json
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

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
    "INSERT INTO notification (recipient_id, channel, subject, body, status, error, dedupe_key, created_at)"
    " VALUES (:recipient_id, :channel, :subject, :body, :status, '', :dedupe_key, :created_at)"
    " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
).bindparams(
    db.bindparam("channel", type_=Notification.__table__.c.channel.type),
    db.bindparam("status", type_=Notification.__table__.c.status.type),
    db.bindparam("created_at", type_=Notification.__table__.c.created_at.type),
)


def queue(recipient, subject: str, body: str, dedupe_key: str | None = None) -> int | None:
    """Write one message to the outbox and return its id; with a ``dedupe_key`` already used,
    write nothing and return None."""
    transport = current_app.config["PLANNER_MAIL_TRANSPORT"]
    channel = Channel(transport) if transport in {c.value for c in Channel} else Channel.LOG
    if recipient.id is None:
        db.session.flush()
    return db.session.execute(
        _INSERT,
        {
            "recipient_id": recipient.id,
            "channel": channel,
            "subject": subject[:200],
            "body": body,
            "dedupe_key": dedupe_key,
            "created_at": utcnow(),
            "status": NotificationStatus.QUEUED,
        },
    ).scalar()


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
    note = db.session.get(Notification, note_id)
    if note is not None and note.status is NotificationStatus.QUEUED:
        _deliver(note)
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
    """Send queued messages through their transport; return (sent, failed). Commits each."""
    rows = db.session.scalars(
        db.select(Notification)
        .where(Notification.status == NotificationStatus.QUEUED)
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for note in rows:
        if _deliver(note):
            sent += 1
        else:
            failed += 1
        db.session.commit()
    return sent, failed


def _deliver(note: Notification) -> bool:
    """Hand one message to its transport and record the outcome; whether it was sent."""
    try:
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
