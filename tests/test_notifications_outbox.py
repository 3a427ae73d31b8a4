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


def test_senders_running_at_once_hand_each_message_to_the_transport_once(
    app, make_user, monkeypatch
):
    """The cron job, the administrator's "send now" and a code sent at once may run together:
    each message is claimed by one of them, and nobody else sends it."""
    import threading
    from collections import Counter

    user = make_user()
    ids = [services.queue(user, f"消息{n}", "") for n in range(40)]
    db.session.commit()
    handed: Counter = Counter()
    lock = threading.Lock()

    def transport(note):
        with lock:
            handed[note.id] += 1

    monkeypatch.setitem(services.TRANSPORTS, Channel.LOG, transport)
    start = threading.Barrier(6)
    errors = []

    def sender(send):
        with app.app_context():
            try:
                start.wait(timeout=60)
                send()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    jobs = [lambda: services.send_queued(limit=500)] * 4 + [
        lambda: [services.send_now(note_id) for note_id in ids]
    ] * 2
    threads = [threading.Thread(target=sender, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert handed == Counter({note_id: 1 for note_id in ids})
    db.session.expire_all()
    assert {n.status for n in rows()} == {NotificationStatus.SENT}


def test_a_message_left_sending_by_a_crash_is_marked_failed_and_not_sent_again(
    make_user, monkeypatch
):
    from datetime import timedelta

    from planner.timeutil import utcnow

    note_id = services.queue(make_user(), "中断", "")
    note = db.session.get(Notification, note_id)
    note.status, note.sent_at = NotificationStatus.SENDING, utcnow() - timedelta(hours=1)
    fresh_id = services.queue(make_user(), "刚领走", "")
    fresh = db.session.get(Notification, fresh_id)
    fresh.status, fresh.sent_at = NotificationStatus.SENDING, utcnow()
    db.session.commit()
    monkeypatch.setitem(services.TRANSPORTS, Channel.LOG, lambda note: 1 / 0)
    assert services.send_queued() == (0, 0)
    db.session.expire_all()
    note, fresh = db.session.get(Notification, note_id), db.session.get(Notification, fresh_id)
    assert note.status is NotificationStatus.FAILED and "interrupted" in note.error
    assert fresh.status is NotificationStatus.SENDING  # another sender may be sending it now


def test_send_notifications_empties_the_queue_past_one_batch(app, make_user, runner, monkeypatch):
    user = make_user()
    for n in range(7):
        services.queue(user, f"消息{n}", "")
    db.session.commit()
    monkeypatch.setattr(services, "send_queued", _in_batches_of_three(services.send_queued))
    result = runner.invoke(args=["send-notifications"])
    assert result.exit_code == 0 and "sent 7, failed 0" in result.output
    db.session.expire_all()
    assert {n.status for n in rows()} == {NotificationStatus.SENT}


def _in_batches_of_three(send_queued):
    return lambda limit=500: send_queued(limit=3)


def test_the_outbox_shows_a_message_being_sent(client, auth, make_user):
    note_id = services.queue(make_user(), "正在发", "")
    db.session.get(Notification, note_id).status = NotificationStatus.SENDING
    db.session.commit()
    auth.login(make_user("管理员", admin=True))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "正在发" in page and "发送中" in page
