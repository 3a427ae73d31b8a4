"""The organiser's desk: who lands there, what it lists, its to-do counts and their links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.directory.models import MembershipStatus
from planner.events.models import EventStatus
from planner.extensions import db
from planner.signups.models import Certificate, HoursCorrection, ServiceRecord
from planner.timeutil import utcnow
from tests.conftest import PASSWORD


def test_organisers_land_on_the_desk_after_logging_in(auth, september):
    reply = auth.login(september.organiser)
    assert reply.headers["Location"].endswith("/desk")


def test_team_leaders_land_on_the_desk_too(auth, make_user, make_team, make_membership):
    from planner.directory.models import TeamRole

    leader = make_user("队长")
    make_membership(make_team(), leader, role=TeamRole.LEADER)
    assert auth.login(leader).headers["Location"].endswith("/desk")


def test_volunteers_land_on_the_home_page_and_may_not_open_the_desk(client, auth, make_user):
    volunteer = make_user("志愿者")
    assert auth.login(volunteer).headers["Location"].endswith("/")
    assert client.get("/desk").status_code == 403
    assert "/desk" not in client.get("/").get_data(as_text=True)


def test_an_explicit_next_page_still_wins(client, september):
    reply = client.post(
        "/login?next=/events",
        data={"phone": september.organiser.local_phone, "password": PASSWORD},
    )
    assert reply.headers["Location"].endswith("/events")


@pytest.fixture
def busy(september, make_event, make_user, make_membership, sign_up):
    """Upcoming work for 凤凰山社区's organiser, one of each to-do."""
    c = september.community
    soon = make_event(
        "明早清扫",
        community=c,
        hosts=(c,),
        shifts=(("清扫", 2),),
        starts_at=(utcnow() + timedelta(hours=20)).replace(microsecond=0),
    )
    full = make_event("满员活动", community=c, hosts=(c,), shifts=(("引导", 1),))
    sign_up(full.shifts[0], september.volunteers[0])
    sign_up(full.shifts[0], september.volunteers[1])  # waitlisted
    make_event("还没发布", community=c, hosts=(c,), status=EventStatus.DRAFT)
    cancelled = make_event("取消了", community=c, hosts=(c,), shifts=(("清扫", 3),))
    sign_up(cancelled.shifts[0], september.volunteers[2])
    cancelled.status = EventStatus.CANCELLED
    make_membership(september.team, make_user("申请者"), status=MembershipStatus.PENDING)
    # 志愿者5 is confirmed on September's 月初清扫 without hours: an ended event to confirm.
    record = db.session.scalar(db.select(ServiceRecord).where(ServiceRecord.minutes == 120))
    db.session.add(
        HoursCorrection(signup_id=record.signup_id, requested_minutes=150, reason="晚走")
    )
    certificate = Certificate(
        volunteer=record.volunteer, starts_on=record.service_date, ends_on=record.service_date
    )
    certificate.organisation = c
    db.session.add(certificate)
    db.session.commit()
    return soon, full, cancelled


def test_the_desk_lists_upcoming_events_with_fill_rates_waitlists_and_drafts(
    client, auth, busy, september
):
    auth.login(september.organiser)
    html = client.get("/desk").get_data(as_text=True)
    assert "凤凰山社区" in html
    assert "明早清扫" in html and "缺志愿者" in html
    assert "1/1 (100%)" in html and "候补 1" in html
    assert "还没发布" in html and "1 个草稿尚未发布" in html


def test_the_to_do_list_counts_and_links_each_kind_of_work(client, auth, busy, september):
    auth.login(september.organiser)
    html = client.get("/desk").get_data(as_text=True)
    _soon, _full, cancelled = busy
    assert f"/teams/{september.team.id}/members" in html  # a join request
    assert "/certificates/requests" in html
    assert f"/events/{september.events['e1'].id}/roster" in html  # the hours correction
    assert f"/events/{september.events['e2'].id}/roster" in html  # 志愿者5's hours
    assert f"/events/{cancelled.id}/roster" in html  # someone to tell
    assert "已取消，需通知的人" in html


def test_an_organiser_elsewhere_sees_none_of_it(
    client, auth, busy, make_user, make_department, grant
):
    other = make_user("别处组织者")
    grant(other, make_department())
    auth.login(other)
    html = client.get("/desk").get_data(as_text=True)
    assert "明早清扫" not in html and "/certificates/requests" not in html


def test_the_desk_runs_a_constant_number_of_queries(
    client, auth, busy, september, make_event, make_volunteers, sign_up, count_queries
):
    auth.login(september.organiser)
    client.get("/desk")
    with count_queries() as first:
        client.get("/desk")
    people = make_volunteers(4)
    for n in range(4):
        event = make_event(
            community=september.community,
            hosts=(september.community,),
            shifts=(("清扫", 2), ("引导", 1)),
        )
        sign_up(event.shifts[0], people[n])
    with count_queries() as second:
        assert client.get("/desk").status_code == 200
    assert second.count == first.count


def test_the_main_menu_offers_the_desk_to_organisers(client, auth, september):
    auth.login(september.organiser)
    assert 'href="/desk"' in client.get("/events").get_data(as_text=True)
