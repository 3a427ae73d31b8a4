"""The outbox: queueing is idempotent by key and writes nothing twice."""

from __future__ import annotations

from planner.accounts.models import User
from planner.extensions import db
from planner.notifications import services
from planner.notifications.models import Channel, Notification, NotificationStatus


def rows():
    return db.session.scalars(db.select(Notification).order_by(Notification.id)).all()


def test_a_message_is_queued_once_per_key(make_user):
    user = make_user()
    first = services.queue(user, "提醒", "明天九点集合", dedupe_key="reminder:1")
    again = services.queue(user, "提醒", "明天九点集合", dedupe_key="reminder:1")
    db.session.commit()
    assert first is not None and again is None
    [note] = rows()
    assert (note.id, note.recipient_id, note.subject, note.status, note.channel) == (
        first,
        user.id,
        "提醒",
        NotificationStatus.QUEUED,
        Channel.LOG,
    )


def test_messages_without_a_key_are_all_kept(make_user):
    user = make_user()
    services.queue(user, "一", "")
    services.queue(user, "二", "")
    db.session.commit()
    assert [n.subject for n in rows()] == ["一", "二"]


def test_a_recipient_not_yet_written_is_written_first(make_user):
    user = User(phone="+8613900000991", real_name="新用户", password_hash="x")
    db.session.add(user)
    note_id = services.queue(user, "欢迎", "欢迎加入")
    db.session.commit()
    assert db.session.get(Notification, note_id).recipient_id == user.id


def test_a_long_subject_is_cut_to_fit(make_user):
    services.queue(make_user(), "长" * 300, "")
    db.session.commit()
    assert len(rows()[0].subject) == 200
