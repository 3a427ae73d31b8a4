"""The notification outbox: every message to a person is a row before a transport sends it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.columns import enum_column
from planner.extensions import db
from planner.timeutil import UTCDateTime, utcnow


class Channel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"
    LOG = "log"


class NotificationStatus(enum.Enum):
    QUEUED = "queued"
    # Claimed by one sender, which is handing it to the transport (since ``sent_at``).
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # An SMS's number (E.164): a code goes to a number that may have no account yet.
    phone: Mapped[str | None] = mapped_column(String(20))
    # An SMS's template parameters for a gateway (JSON), e.g. {"code": "123456"}; cleared once sent.
    sms_params: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[Channel] = mapped_column(
        enum_column(Channel, name="notification_channel"), default=Channel.LOG
    )
    # A notice queued by kind (``planner.notifications.services.NOTICE_KINDS``) and its arguments
    # (JSON) is written by the sender, in the recipient's language, when it is sent: until then its
    # subject and body are empty.
    kind: Mapped[str | None] = mapped_column(String(40))
    params: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[NotificationStatus] = mapped_column(
        enum_column(NotificationStatus, name="notification_status"),
        default=NotificationStatus.QUEUED,
        index=True,
    )
    error: Mapped[str] = mapped_column(Text, default="")
    # Guards against writing the same message twice (e.g. a reminder job run twice).
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    recipient: Mapped[User | None] = relationship()
