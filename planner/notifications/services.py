"""Queueing messages in the outbox and handing them to a transport."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from planner.extensions import db
from planner.notifications.models import Channel, Notification, NotificationStatus
from planner.timeutil import utcnow

log = logging.getLogger("planner.notifications")


def _insert_statement():
    """``INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`` for this database, built once:
    the outbox row is written on every sign-up, and two requests queueing the same message at the
    same moment must not turn into an error."""
    dialect = db.engine.dialect.name
    if dialect not in _INSERTS:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        table = Notification.__table__
        _INSERTS[dialect] = (
            insert(table)
            .values(
                recipient_id=db.bindparam("recipient_id"), channel=db.bindparam("channel"),
                subject=db.bindparam("subject"), body=db.bindparam("body"),
                status=NotificationStatus.QUEUED, error="", dedupe_key=db.bindparam("dedupe_key"),
                created_at=db.bindparam("created_at"),
            )
            .on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
            .returning(table.c.id)
        )
    return _INSERTS[dialect]


_INSERTS: dict[str, object] = {}


def queue(recipient, subject: str, body: str, dedupe_key: str | None = None) -> int | None:
    """Write one message to the outbox and return its id; with a ``dedupe_key`` already used,
    write nothing and return None."""
    transport = current_app.config["PLANNER_MAIL_TRANSPORT"]
    channel = Channel(transport) if transport in {c.value for c in Channel} else Channel.LOG
    if recipient.id is None:
        db.session.flush()
    return db.session.execute(_insert_statement(), {
        "recipient_id": recipient.id, "channel": channel, "subject": subject[:200], "body": body,
        "dedupe_key": dedupe_key, "created_at": utcnow(),
    }).scalar()


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
        try:
            TRANSPORTS[note.channel](note)
        except Exception as exc:  # a transport failure is recorded, never lost
            note.status = NotificationStatus.FAILED
            note.error = f"{type(exc).__name__}: {exc}"[:2000]
            failed += 1
        else:
            note.status = NotificationStatus.SENT
            note.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent, failed


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
    raise RuntimeError("no SMS transport is configured")


TRANSPORTS = {Channel.LOG: _send_log, Channel.EMAIL: _send_email, Channel.SMS: _send_sms}
