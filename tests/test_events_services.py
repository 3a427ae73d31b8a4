"""The rules of events: validation, the status workflow, revisions, notices, copies and series."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner import permissions
from planner.events import hosts, programme, queries, series, services, validation, workflow
from planner.events.capacity import CapacityBelowTaken, CapacityOutOfRange
from planner.events.models import Event, EventKind, EventStatus, HostRole
from planner.extensions import db
from planner.notifications.models import Notification
from planner.timeutil import to_local, utcnow


@pytest.fixture(autouse=True)
def request_context(app):
    """Services translate their messages, which needs a request (as in a view)."""
    with app.test_request_context():
        yield


def details(**overrides) -> services.EventDetails:
    start = (utcnow() + timedelta(days=2)).replace(microsecond=0, second=0)
    values = {
        "title": "洁净家园大扫除",
        "kind": EventKind.CLEANUP,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "venue": "社区广场",
    }
    values.update(overrides)
    return services.EventDetails(**values)


def test_an_organiser_creates_a_draft_hosted_by_their_department(organiser):
    user, department = organiser
    event = services.create_event(user, details(), department)
    db.session.commit()
    assert event.status is EventStatus.DRAFT
    assert event.hosts[0].department_id == department.id
    assert event.hosts[0].role is HostRole.HOST
    assert len(event.uuid) == 36 and event.revision == 0


def test_an_organiser_cannot_create_an_event_for_someone_elses_department(
    organiser, make_department
):
    user, _department = organiser
    with pytest.raises(hosts.NoHost):
        services.create_event(user, details(), make_department())


@pytest.mark.parametrize(
    "overrides, error",
    [
        ({"ends_at_offset": timedelta(0)}, validation.EndsBeforeStart),
        ({"ends_at_offset": -timedelta(hours=1)}, validation.EndsBeforeStart),
        ({"ends_at_offset": timedelta(days=15)}, validation.EventTooLong),
        ({"title": "  "}, validation.Required),
        ({"title": "长" * 121}, validation.TooLong),
        ({"venue": "长" * 201}, validation.TooLong),
        ({"seats_capacity": 0}, services.DomainError),
        ({"max_party_size": 51}, services.DomainError),
    ],
)
def test_bad_event_details_are_refused(organiser, overrides, error):
    user, department = organiser
    values = details()
    if "ends_at_offset" in overrides:
        values.ends_at = values.starts_at + overrides.pop("ends_at_offset")
    for name, value in overrides.items():
        setattr(values, name, value)
    with pytest.raises(error):
        services.create_event(user, values, department)


def test_a_new_event_cannot_start_in_the_past(organiser):
    user, department = organiser
    start = utcnow() - timedelta(hours=1)
    with pytest.raises(validation.StartsInThePast):
        services.create_event(
            user, details(starts_at=start, ends_at=start + timedelta(hours=2)), department
        )


def test_publish_complete_and_cancel_follow_the_workflow(make_event):
    draft = make_event(status=EventStatus.DRAFT)
    workflow.publish(None, draft)
    assert draft.status is EventStatus.PUBLISHED and draft.revision == 1
    workflow.publish(None, draft)  # publishing again changes nothing
    assert draft.status is EventStatus.PUBLISHED and draft.revision == 1
    with pytest.raises(workflow.NotOverYet):
        workflow.complete(None, draft)
    workflow.cancel(None, draft, "台风预警")
    assert draft.status is EventStatus.CANCELLED and draft.cancel_reason == "台风预警"
    with pytest.raises(workflow.NotAllowedNow):
        workflow.cancel(None, draft, "again")
    with pytest.raises(workflow.NotAllowedNow):
        workflow.complete(None, draft)


def test_a_draft_cannot_be_cancelled_or_completed(make_event):
    draft = make_event(status=EventStatus.DRAFT)
    with pytest.raises(workflow.NotAllowedNow):
        workflow.cancel(None, draft, "原因")
    with pytest.raises(workflow.NotAllowedNow):
        workflow.complete(None, draft)


def test_an_ended_published_event_can_be_completed(make_event):
    event = make_event(starts_at=utcnow() - timedelta(hours=3))  # two hours long
    workflow.complete(None, event)
    assert event.status is EventStatus.COMPLETED


def test_an_event_under_way_cannot_be_completed_yet(make_event):
    event = make_event(starts_at=utcnow() - timedelta(hours=1))  # ends in an hour
    with pytest.raises(workflow.NotOverYet):
        workflow.complete(None, event)
    assert event.status is EventStatus.PUBLISHED


def test_cancelling_needs_a_reason(make_event):
    event = make_event()
    with pytest.raises(workflow.ReasonRequired):
        workflow.cancel(None, event, "   ")
    assert event.status is EventStatus.PUBLISHED


def test_completed_and_cancelled_events_cannot_be_edited(make_event):
    event = make_event(status=EventStatus.COMPLETED, starts_at=utcnow() - timedelta(days=3))
    with pytest.raises(workflow.EventClosed):
        services.update_event(None, event, details())


def test_changing_the_time_bumps_the_revision_and_notifies_participants(
    make_event, make_user, participant_source
):
    event = make_event(shifts=(("清扫", 10),))
    volunteer = make_user("志愿者")
    participant_source[event.id] = [volunteer]
    before = event.updated_at
    new = details(
        starts_at=event.starts_at + timedelta(hours=1), ends_at=event.ends_at + timedelta(hours=1)
    )
    changed = services.update_event(None, event, new)
    db.session.commit()
    assert {"starts_at", "ends_at"} <= changed
    assert event.revision == 1 and event.updated_at >= before
    assert event.shifts[0].starts_at == event.starts_at  # the shifts move with the event
    notes = db.session.scalars(db.select(Notification)).all()
    assert [n.recipient_id for n in notes] == [volunteer.id]


def test_changing_only_the_description_keeps_the_revision(
    make_event, participant_source, make_user
):
    event = make_event()
    participant_source[event.id] = [make_user()]
    new = details(
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        community_id=event.community_id,
        description="新的说明",
    )
    services.update_event(None, event, new)
    db.session.commit()
    assert event.revision == 0
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0


def test_cancelling_notifies_everyone_signed_up_once(make_event, make_user, participant_source):
    event = make_event()
    a, b = make_user("甲"), make_user("乙")
    participant_source[event.id] = [a, b, a]
    workflow.cancel(None, event, "场地维修")
    db.session.commit()
    notes = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    assert sorted(n.recipient_id for n in notes) == sorted([a.id, b.id])
    assert "场地维修" in notes[0].body


def test_shifts_must_lie_inside_the_event_and_have_a_capacity_in_range(make_event):
    event = make_event()
    start, end = event.starts_at, event.ends_at
    with pytest.raises(validation.ShiftOutsideEvent):
        services.save_shift(None, event, None, "引导", start - timedelta(hours=1), end, 5)
    with pytest.raises(validation.ShiftOutsideEvent):
        services.save_shift(None, event, None, "引导", start, end + timedelta(minutes=1), 5)
    with pytest.raises(validation.EndsBeforeStart):
        services.save_shift(None, event, None, "引导", end, start, 5)
    for capacity in (0, 10_001):
        with pytest.raises(CapacityOutOfRange):
            services.save_shift(None, event, None, "引导", start, end, capacity)
    shift = services.save_shift(None, event, None, "引导", start, end, 10_000)
    assert shift.capacity == 10_000


def test_moving_an_event_away_from_its_shifts_is_refused(make_event):
    event = make_event(hours=4, shifts=(("清扫", 10),))
    services.save_shift(
        None, event, event.shifts[0], "清扫", event.ends_at - timedelta(hours=1), event.ends_at, 10
    )
    shorter = details(starts_at=event.starts_at, ends_at=event.starts_at + timedelta(hours=1))
    with pytest.raises(validation.ShiftOutsideEvent):
        services.update_event(None, event, shorter)


def test_a_shift_with_confirmed_volunteers_cannot_be_removed(make_event):
    event = make_event(shifts=(("清扫", 10),))
    event.shifts[0].confirmed_count = 3
    with pytest.raises(services.ShiftHasSignups):
        services.remove_shift(None, event, event.shifts[0])
    with pytest.raises(CapacityBelowTaken):
        services.save_shift(None, event, event.shifts[0], "清扫", event.starts_at, event.ends_at, 2)


def test_an_event_keeps_at_least_one_host(make_event, make_department):
    department = make_department()
    event = make_event(hosts=(department,))
    with pytest.raises(hosts.LastHost):
        hosts.remove_host(None, event, event.hosts[0])
    with pytest.raises(hosts.AlreadyHost):
        hosts.add_host(None, event, department, HostRole.COHOST)


def test_copy_to_next_week_makes_a_draft_with_hosts_programme_and_shifts(
    make_event, make_department
):
    event = make_event(hosts=(make_department(),), shifts=(("清扫", 10),), kind=EventKind.GALA)
    programme.add_programme_item(None, event, "舞蹈《美丽中国》", None, "社区文艺社团", 8)
    copy = series.duplicate(None, event)
    db.session.commit()
    assert copy.status is EventStatus.DRAFT and copy.uuid != event.uuid
    assert copy.starts_at == event.starts_at + timedelta(days=7)
    assert copy.shifts[0].starts_at == event.shifts[0].starts_at + timedelta(days=7)
    assert [p.title for p in copy.programme] == ["舞蹈《美丽中国》"]
    assert copy.hosts[0].department_id == event.hosts[0].department_id


def test_a_weekly_series_until_a_date_makes_separate_occurrences(make_event):
    event = make_event()
    until = to_local(event.starts_at).date() + timedelta(days=28)
    copies = series.make_series(None, event, series.Frequency.WEEKLY, until)
    db.session.commit()
    rows = db.session.scalars(
        db.select(Event).where(Event.series_id == event.series_id).order_by(Event.starts_at)
    ).all()
    assert len(copies) == 4 and len(rows) == 5
    assert [r.starts_at - event.starts_at for r in rows] == [
        timedelta(days=7 * i) for i in range(5)
    ]
    assert len({r.uuid for r in rows}) == 5


def test_a_fortnightly_and_a_monthly_series_keep_the_local_time():
    start = utcnow().replace(year=2031, month=1, day=31, hour=2, minute=0, second=0, microsecond=0)
    monthly = series.occurrence_starts(start, series.Frequency.MONTHLY, date(2031, 5, 1))
    assert [m.day for m in monthly] == [31, 28, 31, 30]
    assert {m.hour for m in monthly} == {to_local(start).hour}
    fortnightly = series.occurrence_starts(start, series.Frequency.FORTNIGHTLY, date(2031, 3, 1))
    assert len(fortnightly) == 3


def test_a_series_has_at_most_52_occurrences(make_event):
    event = make_event()
    with pytest.raises(series.SeriesTooLong):
        series.make_series(
            None, event, series.Frequency.WEEKLY, date.today() + timedelta(days=7 * 60)
        )
    with pytest.raises(series.SeriesUntilTooEarly):
        series.make_series(None, event, series.Frequency.WEEKLY, date.today())
    assert event.series_id is None


def test_editing_this_and_following_moves_later_occurrences_only(make_event):
    event = make_event()
    series.make_series(
        None,
        event,
        series.Frequency.WEEKLY,
        to_local(event.starts_at).date() + timedelta(days=21),
    )
    db.session.commit()
    rows = db.session.scalars(
        db.select(Event).where(Event.series_id == event.series_id).order_by(Event.starts_at)
    ).all()
    second = rows[1]
    new = details(
        title="改期后的清扫",
        starts_at=second.starts_at + timedelta(hours=1),
        ends_at=second.ends_at + timedelta(hours=1),
    )
    assert series.update_following(None, second, new) == 3
    db.session.commit()
    assert [r.title for r in rows] == [
        rows[0].title,
        "改期后的清扫",
        "改期后的清扫",
        "改期后的清扫",
    ]
    assert rows[3].starts_at - rows[0].starts_at == timedelta(days=21, hours=1)


def test_cancelling_this_and_following_leaves_earlier_occurrences(make_event):
    event = make_event()
    series.make_series(
        None,
        event,
        series.Frequency.WEEKLY,
        to_local(event.starts_at).date() + timedelta(days=14),
    )
    rows = db.session.scalars(
        db.select(Event).where(Event.series_id == event.series_id).order_by(Event.starts_at)
    ).all()
    series.publish_following(None, rows[1])
    assert series.cancel_following(None, rows[1], "暂停") == 2
    assert [r.status for r in rows] == [
        EventStatus.PUBLISHED,
        EventStatus.CANCELLED,
        EventStatus.CANCELLED,
    ]


def test_overlaps_find_the_same_venue_or_a_shared_team(make_event, make_community, make_team):
    community = make_community()
    team = make_team()
    first = make_event(community=community, hosts=(team,))
    same_venue = make_event(community=community, starts_at=first.starts_at + timedelta(hours=1))
    same_team = make_event(hosts=(team,), starts_at=first.starts_at + timedelta(minutes=30))
    make_event(community=community, starts_at=first.ends_at)  # back to back: no overlap
    assert {e.id for e in queries.overlapping(first)} == {same_venue.id, same_team.id}


def test_who_may_manage_an_event(
    app, make_event, make_user, make_department, grant, make_team, make_membership
):
    from planner.directory.models import TeamRole

    department, other = make_department(), make_department()
    team = make_team()
    event = make_event(hosts=(department, team))
    organiser, stranger, leader = make_user(), make_user(), make_user()
    grant(organiser, department)
    grant(stranger, other)
    make_membership(team, leader, role=TeamRole.LEADER)
    assert permissions.can_manage_event(event, organiser)
    assert permissions.can_manage_event(event, leader)
    assert not permissions.can_manage_event(event, stranger)
    assert permissions.can_manage_event(event, make_user(admin=True))
    assert (
        db.session.scalar(
            db.select(db.func.count(Event.id)).where(
                permissions.managed_events_condition(organiser)
            )
        )
        == 1
    )
    assert (
        db.session.scalar(
            db.select(db.func.count(Event.id)).where(permissions.managed_events_condition(stranger))
        )
        == 0
    )


def test_programme_items_move_up_and_down(make_event):
    event = make_event(kind=EventKind.GALA)
    for title in ("舞蹈《美丽中国》", "太极", "葫芦丝"):
        programme.add_programme_item(None, event, title, None, "", None)
    db.session.commit()
    programme.move_programme_item(None, event, event.programme[2], -1)
    programme.move_programme_item(None, event, event.programme[0], -1)  # already first: stays
    db.session.commit()
    db.session.expire(event)
    assert [p.title for p in event.programme] == ["舞蹈《美丽中国》", "葫芦丝", "太极"]
