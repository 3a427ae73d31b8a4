"""Organisers plan events from their pages; residents find them on the public pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.events.models import Event, EventHost, EventKind, EventStatus, ProgrammeItem, Shift
from planner.extensions import db
from planner.timeutil import to_local, utcnow


def soon():
    """Three days ahead on a whole minute, as a form would give it."""
    return (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)


def local_input(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def event_form(department, **overrides) -> dict:
    start = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
    data = {
        "title": "洁净家园·喜迎国庆",
        "kind": "cleanup",
        "host": f"department:{department.id}",
        "starts_at": local_input(start),
        "ends_at": local_input(start + timedelta(hours=2)),
        "community_id": "None",
        "campaign_id": "None",
        "venue": "社区广场",
        "max_party_size": "4",
    }
    data.update(overrides)
    return data


@pytest.fixture
def logged_in_organiser(organiser, auth):
    user, department = organiser
    assert auth.login(user).status_code == 302
    return user, department


def test_an_organiser_creates_an_event_from_the_form(client, logged_in_organiser):
    _user, department = logged_in_organiser
    assert client.get("/events/new").status_code == 200
    response = client.post("/events/new", data=event_form(department))
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event))
    assert event.status is EventStatus.DRAFT and event.hosts[0].department_id == department.id
    assert response.headers["Location"].endswith(f"/events/{event.id}/manage")
    assert client.get(f"/events/{event.id}/manage").status_code == 200


def test_each_label_on_the_manage_page_finds_its_own_field(client, logged_in_organiser, make_event):
    """The page holds several small forms with like-named fields (two "role"s): ids must not clash."""
    import re

    _user, department = logged_in_organiser
    event = make_event(kind=EventKind.GALA, status=EventStatus.DRAFT, hosts=(department,))
    for response in (
        client.get(f"/events/{event.id}/manage"),
        client.post(f"/events/{event.id}/shifts", data={"role": "", "capacity": "0"}),
    ):
        html = response.get_data(as_text=True)
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        assert {"shift-role", "host-role", "shift-capacity", "programme-title"} <= set(ids)
        # Bootstrap-Flask points a radio group's own label at the group's id, which no input has.
        assert set(re.findall(r'\sfor="([^"]+)"', html)) - set(ids) == {"series-frequency"}
        assert "series-frequency-0" in ids
    assert 'name="role"' in html and "is-invalid" in html


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, "This field is required."),
        ({"starts_at": "not a time"}, "Not a valid datetime value."),
        ({"kind": "party"}, "Not a valid choice."),
        ({"max_party_size": "0"}, "Enter a number from 1 to 50."),
        ({"seats_capacity": "100001"}, "Enter a number from 1 to 100000."),
        ({"latitude": "91"}, "Enter a number from -90 to 90."),
        ({"longitude": "nan"}, "Enter a number."),
        ({"community_id": "abc"}, "Invalid Choice"),
        ({"title": "x" * 121}, "Enter at most 120 characters."),
        ({"starts_at": "0001-01-01T00:00"}, "Enter a date between the years 2000 and 2100."),
        ({"ends_at": "9999-12-31T23:59"}, "Enter a date between the years 2000 and 2100."),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client, logged_in_organiser, overrides, message
):
    _user, department = logged_in_organiser
    response = client.post(
        "/events/new", data=event_form(department, **overrides), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_an_end_before_the_start_is_refused_next_to_the_end(client, logged_in_organiser):
    _user, department = logged_in_organiser
    data = event_form(department)
    data["ends_at"], data["starts_at"] = data["starts_at"], data["ends_at"]
    response = client.post("/events/new", data=data, headers={"Accept-Language": "en"})
    assert "The end must be after the start." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_a_start_in_the_past_is_refused(client, logged_in_organiser):
    _user, department = logged_in_organiser
    start = utcnow() - timedelta(days=1)
    data = event_form(
        department, starts_at=local_input(start), ends_at=local_input(start + timedelta(hours=1))
    )
    response = client.post("/events/new", data=data, headers={"Accept-Language": "en"})
    assert "A new event cannot start in the past." in response.get_data(as_text=True)


def test_an_organiser_cannot_name_a_host_they_do_not_organise_for(
    client, logged_in_organiser, make_department
):
    response = client.post("/events/new", data=event_form(make_department()))
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_publish_then_cancel_with_a_reason_from_the_pages(client, logged_in_organiser, make_event):
    _user, department = logged_in_organiser
    event = make_event(status=EventStatus.DRAFT, hosts=(department,))
    assert client.post(f"/events/{event.id}/publish").status_code == 302
    assert client.post(f"/events/{event.id}/cancel", data={"reason": ""}).status_code == 200
    assert db.session.get(Event, event.id).status is EventStatus.PUBLISHED
    assert client.post(f"/events/{event.id}/cancel", data={"reason": "暴雨"}).status_code == 302
    event = db.session.get(Event, event.id)
    assert event.status is EventStatus.CANCELLED and event.cancel_reason == "暴雨"


def test_a_volunteer_cannot_manage_an_event(client, auth, make_user, make_event, make_department):
    event = make_event(status=EventStatus.DRAFT, hosts=(make_department(),))
    auth.login(make_user())
    assert client.get(f"/events/{event.id}/manage").status_code == 403
    assert client.post(f"/events/{event.id}/publish").status_code == 403
    assert client.get("/events/new").status_code == 403
    assert db.session.get(Event, event.id).status is EventStatus.DRAFT


def test_an_organiser_of_another_department_cannot_manage_the_event(
    client, logged_in_organiser, make_event, make_department
):
    event = make_event(hosts=(make_department(),))
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert client.post(f"/events/{event.id}/complete").status_code == 403


def test_editing_the_time_warns_about_an_overlap_at_the_same_venue(
    client, logged_in_organiser, make_event, make_community
):
    _user, department = logged_in_organiser
    community = make_community()
    other = make_event(
        title="已有活动",
        community=community,
        starts_at=(utcnow() + timedelta(days=3)).replace(second=0, microsecond=0),
    )
    event = make_event(
        hosts=(department,), community=community, starts_at=other.starts_at + timedelta(days=1)
    )
    data = event_form(
        department,
        title=event.title,
        community_id=str(community.id),
        starts_at=local_input(other.starts_at),
        ends_at=local_input(other.ends_at),
    )
    response = client.post(
        f"/events/{event.id}/edit",
        data=data,
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )
    text = response.get_data(as_text=True)
    assert "already booked" in text and "已有活动" in text
    assert db.session.get(Event, event.id).starts_at == other.starts_at  # a warning, not a block


def test_hosts_programme_and_shifts_are_added_and_removed(
    client, logged_in_organiser, make_event, make_team
):
    _user, department = logged_in_organiser
    team = make_team("凤凰山社区文艺社团")
    event = make_event(kind=EventKind.GALA, hosts=(department,), starts_at=soon())
    assert (
        client.post(
            f"/events/{event.id}/hosts", data={"organisation": f"team:{team.id}", "role": "cohost"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/events/{event.id}/programme",
            data={"title": "太极", "performer_team_id": str(team.id), "duration_minutes": "10"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/events/{event.id}/programme", data={"title": "", "performer_team_id": "None"}
        ).status_code
        == 400
    )
    shift = {
        "role": "引导",
        "starts_at": local_input(event.starts_at),
        "ends_at": local_input(event.ends_at),
        "capacity": "5",
    }
    assert client.post(f"/events/{event.id}/shifts", data=shift).status_code == 302
    assert (
        client.post(f"/events/{event.id}/shifts", data={**shift, "capacity": "0"}).status_code
        == 400
    )
    late = {**shift, "ends_at": local_input(event.ends_at + timedelta(hours=1))}
    response = client.post(
        f"/events/{event.id}/shifts", data=late, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400 and "inside the event" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Shift.id))) == 1
    assert db.session.scalar(db.select(db.func.count(ProgrammeItem.id))) == 1
    host = db.session.scalar(db.select(EventHost).where(EventHost.team_id == team.id))
    shift_row = db.session.scalar(db.select(Shift))
    assert client.get(f"/events/{event.id}/shifts/{shift_row.id}/edit").status_code == 200
    assert (
        client.post(
            f"/events/{event.id}/shifts/{shift_row.id}/edit", data={**shift, "capacity": "8"}
        ).status_code
        == 302
    )
    assert db.session.get(Shift, shift_row.id).capacity == 8
    assert client.post(f"/events/{event.id}/hosts/{host.id}/remove").status_code == 302
    assert client.post(f"/events/{event.id}/shifts/{shift_row.id}/remove").status_code == 302
    assert client.post(f"/events/{event.id}/shifts/999999/remove").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Shift.id))) == 0


def test_copy_to_next_week_and_repeat_weekly_from_the_pages(
    client, logged_in_organiser, make_event
):
    _user, department = logged_in_organiser
    event = make_event(hosts=(department,), shifts=(("清扫", 10),))
    response = client.post(f"/events/{event.id}/duplicate")
    assert response.status_code == 302
    until = (to_local(event.starts_at) + timedelta(days=14)).date().isoformat()
    assert (
        client.post(
            f"/events/{event.id}/repeat", data={"frequency": "weekly", "until": until}
        ).status_code
        == 302
    )
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 4
    bad = client.post(f"/events/{event.id}/repeat", data={"frequency": "daily", "until": until})
    assert bad.status_code == 400


def test_editing_this_and_following_from_the_edit_page(client, logged_in_organiser, make_event):
    _user, department = logged_in_organiser
    event = make_event(hosts=(department,))
    until = (to_local(event.starts_at) + timedelta(days=14)).date().isoformat()
    client.post(f"/events/{event.id}/repeat", data={"frequency": "weekly", "until": until})
    rows = db.session.scalars(db.select(Event).order_by(Event.starts_at)).all()
    data = event_form(
        department,
        title="新标题",
        starts_at=local_input(rows[1].starts_at),
        ends_at=local_input(rows[1].ends_at),
        scope="following",
    )
    assert client.post(f"/events/{rows[1].id}/edit", data=data).status_code == 302
    titles = db.session.scalars(db.select(Event.title).order_by(Event.starts_at)).all()
    assert titles[0] != "新标题" and titles[1:] == ["新标题", "新标题"]


def test_my_events_lists_only_events_of_my_organisations(
    client, logged_in_organiser, make_event, make_department
):
    _user, department = logged_in_organiser
    make_event(title="我的活动", hosts=(department,), status=EventStatus.DRAFT)
    make_event(title="别人的活动", hosts=(make_department(),))
    text = client.get("/events/mine").get_data(as_text=True)
    assert "我的活动" in text and "别人的活动" not in text


def test_drafts_are_hidden_from_the_public_and_unknown_events_are_404(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert client.get("/events/999999").status_code == 404
    assert draft.title not in client.get("/events").get_data(as_text=True)


def test_the_detail_page_shows_programme_shifts_hosts_and_address(
    client, make_event, make_department
):
    department = make_department("市委宣传部")
    event = make_event(
        kind=EventKind.SHOW, hosts=(department,), shifts=(("观众引导", 6),), address="崂山区株洲路"
    )
    db.session.add(
        ProgrammeItem(
            event_id=event.id, position=1, title="小戏《彩礼》", performer_text="崂山区文化馆"
        )
    )
    db.session.commit()
    text = client.get(f"/events/{event.id}").get_data(as_text=True)
    for expected in (
        "小戏《彩礼》",
        "观众引导",
        "市委宣传部",
        f"/departments/{department.id}",
        "崂山区株洲路",
        "小戏小剧展演",
    ):
        assert expected in text
    assert "剩余 6 个名额" in text or "6 places left" in text


def test_a_team_leader_plans_an_event_for_their_team_and_sees_the_draft(
    client, auth, make_user, make_team, make_membership
):
    from planner.directory.models import TeamRole

    team = make_team("文明引导志愿服务队")
    leader = make_user("队长")
    make_membership(team, leader, role=TeamRole.LEADER)
    auth.login(leader)
    data = event_form(team, host=f"team:{team.id}")
    assert client.post("/events/new", data=data).status_code == 302
    event = db.session.scalar(db.select(Event))
    assert client.get(f"/events/{event.id}").status_code == 200  # a draft, seen by who manages it
    auth.logout()
    assert client.get(f"/events/{event.id}").status_code == 404


def test_adding_a_team_already_booked_at_that_time_warns(
    client, logged_in_organiser, make_event, make_team
):
    _user, department = logged_in_organiser
    team = make_team()
    other = make_event(title="队伍已有安排", hosts=(team,))
    event = make_event(hosts=(department,), starts_at=other.starts_at)
    response = client.post(
        f"/events/{event.id}/hosts",
        data={"organisation": f"team:{team.id}", "role": "cohost"},
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )
    assert "队伍已有安排" in response.get_data(as_text=True)


def test_changing_the_venue_of_a_published_event_notifies_participants(
    client, logged_in_organiser, make_event, make_user, participant_source
):
    from planner.notifications.models import Notification

    _user, department = logged_in_organiser
    event = make_event(hosts=(department,), starts_at=soon())
    participant_source[event.id] = [make_user("报名者")]
    data = event_form(
        department,
        title=event.title,
        venue="新场地",
        community_id=str(event.community_id),
        starts_at=local_input(event.starts_at),
        ends_at=local_input(event.ends_at),
    )
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    event = db.session.get(Event, event.id)
    assert event.venue == "新场地" and event.revision == 1
    note = db.session.scalar(db.select(Notification))
    assert note is not None and "新场地" in note.body


def test_cancelling_this_and_following_from_the_cancel_page(
    client, logged_in_organiser, make_event
):
    _user, department = logged_in_organiser
    event = make_event(hosts=(department,))
    until = (to_local(event.starts_at) + timedelta(days=14)).date().isoformat()
    client.post(f"/events/{event.id}/repeat", data={"frequency": "weekly", "until": until})
    rows = db.session.scalars(db.select(Event).order_by(Event.starts_at)).all()
    client.post(f"/events/{rows[1].id}/publish", data={"scope": "following"})
    assert "This and the following" in client.get(
        f"/events/{rows[1].id}/cancel", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert (
        client.post(
            f"/events/{rows[1].id}/cancel", data={"reason": "场地维修", "scope": "following"}
        ).status_code
        == 302
    )
    statuses = db.session.scalars(db.select(Event.status).order_by(Event.starts_at)).all()
    assert statuses == [EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.CANCELLED]
