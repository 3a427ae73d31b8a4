"""Public listing, filters, search, campaign pages, and constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from planner.events.models import Event, EventHost, EventKind, EventStatus, Shift
from planner.extensions import db
from planner.timeutil import local_now, utcnow


def bulk_events(n: int, community, department, campaign=None) -> None:
    """``n`` published events with a host and a shift each, inserted in three statements."""
    start = utcnow() + timedelta(days=1)
    rows = [
        {
            "title": f"批量活动{i}",
            "kind": EventKind.CLEANUP,
            "status": EventStatus.PUBLISHED,
            "starts_at": start + timedelta(hours=i),
            "ends_at": start + timedelta(hours=i + 2),
            "community_id": community.id,
            "uuid": f"00000000-0000-0000-0000-{i:012d}",
            "campaign_id": campaign.id if campaign else None,
            "updated_at": start,
            "created_at": start,
        }
        for i in range(n)
    ]
    db.session.execute(insert(Event), rows)
    ids = db.session.scalars(db.select(Event.id).where(Event.title.like("批量活动%"))).all()
    db.session.execute(
        insert(EventHost), [{"event_id": i, "department_id": department.id} for i in ids]
    )
    db.session.execute(
        insert(Shift),
        [
            {
                "event_id": i,
                "role": "清扫",
                "starts_at": start,
                "ends_at": start + timedelta(hours=1),
                "capacity": 5,
            }
            for i in ids
        ],
    )
    db.session.commit()


def queries_for(client, count_queries, path) -> int:
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


@pytest.mark.parametrize(
    "path",
    [
        "/events",
        "/events?past=1",
        "/events?district={district}",
        "/events?community={community}",
        "/campaigns/{campaign}",
        "/events/{event}",
        "/communities/{community}",
        "/departments/{department}",
        "/events/mine",
        "/streets/{street}",
        "/districts/{district}",
    ],
)
def test_pages_run_the_same_number_of_queries_for_20_and_500_events(
    client,
    auth,
    count_queries,
    make_community,
    make_department,
    make_campaign,
    make_event,
    grant,
    make_user,
    path,
):
    community, department = make_community(), make_department()
    campaign = make_campaign(departments=(department,))
    event = make_event(
        hosts=(department,),
        shifts=(("引导", 3), ("清扫", 4)),
        community=community,
        campaign=campaign,
    )
    user = make_user()
    grant(user, department)
    auth.login(user)
    values = {
        "campaign": campaign.id,
        "event": event.id,
        "community": community.id,
        "department": department.id,
        "street": community.street_id,
        "district": community.street.district_id,
    }
    bulk_events(20, community, department, campaign)
    few = queries_for(client, count_queries, path.format(**values))
    db.session.execute(db.delete(Shift).where(Shift.event_id != event.id))
    db.session.execute(db.delete(EventHost).where(EventHost.event_id != event.id))
    db.session.execute(db.delete(Event).where(Event.id != event.id))
    db.session.commit()
    bulk_events(500, community, department, campaign)
    assert queries_for(client, count_queries, path.format(**values)) == few


def test_the_listing_shows_upcoming_events_by_default_and_past_ones_on_request(client, make_event):
    make_event(title="将来的活动")
    make_event(title="过去的活动", starts_at=utcnow() - timedelta(days=3))
    upcoming = client.get("/events").get_data(as_text=True)
    past = client.get("/events?past=1").get_data(as_text=True)
    assert "将来的活动" in upcoming and "过去的活动" not in upcoming
    assert "过去的活动" in past and "将来的活动" not in past


def test_filters_by_district_street_community_kind_campaign_and_host(
    client, make_event, make_community, make_department, make_campaign
):
    shinan = make_community(district_name="市南区")
    licang = make_community(district_name="李沧区")
    department = make_department()
    campaign = make_campaign()
    make_event(title="市南清扫", community=shinan, hosts=(department,), campaign=campaign)
    make_event(title="李沧晚会", community=licang, kind=EventKind.GALA)

    def titles(query):
        text = client.get("/events?" + query).get_data(as_text=True)
        return {t for t in ("市南清扫", "李沧晚会") if t in text}

    assert titles(f"district={licang.street.district_id}") == {"李沧晚会"}
    assert titles(f"street={shinan.street_id}") == {"市南清扫"}
    assert titles(f"community={licang.id}") == {"李沧晚会"}
    assert titles("kind=gala") == {"李沧晚会"}
    assert titles(f"campaign={campaign.id}") == {"市南清扫"}
    assert titles(f"host=department:{department.id}") == {"市南清扫"}
    assert titles("kind=nonsense&district=abc&host=x:y&page=zz&date_from=2024-13-40") == {
        "市南清扫",
        "李沧晚会",
    }
    assert titles("when=range&date_from=0001-01-01&date_to=9999-12-31") == {"市南清扫", "李沧晚会"}


def test_the_host_filter_lists_departments_and_partners_and_keeps_a_team_picked_by_a_link(
    client, make_event, make_department, make_team
):
    department = make_department()
    picked = make_team(name="被选中的服务队")
    make_team(name="别的服务队")
    make_event(title="服务队的活动", hosts=(picked,))
    make_event(title="部门的活动", hosts=(department,))
    plain = client.get("/events").get_data(as_text=True)
    assert department.name in plain and "被选中的服务队" not in plain and "别的服务队" not in plain
    text = client.get(f"/events?host=team:{picked.id}").get_data(as_text=True)
    assert f'<option selected value="team:{picked.id}">被选中的服务队</option>' in text
    assert "服务队的活动" in text and "部门的活动" not in text and "别的服务队" not in text


def test_search_finds_chinese_text_in_title_and_description(client, make_event):
    make_event(title="凤凰山邻里宴", description="邻里一起吃饭聊天")
    make_event(title="环境卫生大扫除")
    assert "凤凰山邻里宴" in client.get("/events?q=聊天").get_data(as_text=True)
    text = client.get("/events?q=大扫除").get_data(as_text=True)
    assert "环境卫生大扫除" in text and "凤凰山邻里宴" not in text
    assert client.get("/events?q=100%25_").status_code == 200


def test_date_filters_today_weekend_week_and_range(client, make_event):
    now = local_now()
    tomorrow_noon = (now + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    later = tomorrow_noon + timedelta(days=20)
    make_event(title="明天的活动", starts_at=tomorrow_noon)
    make_event(title="很久以后的活动", starts_at=later)
    day = tomorrow_noon.date().isoformat()
    text = client.get(f"/events?when=range&date_from={day}&date_to={day}").get_data(as_text=True)
    assert "明天的活动" in text and "很久以后的活动" not in text
    for when in ("today", "weekend", "week"):
        text = client.get(f"/events?when={when}").get_data(as_text=True)
        assert "很久以后的活动" not in text


def test_the_listing_paginates(client, make_community, make_department):
    bulk_events(45, make_community(), make_department())
    assert "批量活动44" in client.get("/events?page=3").get_data(as_text=True)
    assert client.get("/events?page=99").status_code == 200


def test_a_campaign_page_counts_events_by_kind_and_district(
    client, make_campaign, make_event, make_community
):
    campaign = make_campaign(name="洁净家园·喜迎国庆")
    make_event(campaign=campaign, community=make_community(district_name="市南区"))
    make_event(
        campaign=campaign, kind=EventKind.GALA, community=make_community(district_name="城阳区")
    )
    make_event(campaign=campaign, status=EventStatus.DRAFT)
    text = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "洁净家园·喜迎国庆" in text and "市南区" in text and "城阳区" in text
    assert "2 场活动" in text


def test_an_organiser_creates_a_campaign_for_their_department(
    client, auth, organiser, make_department
):
    user, department = organiser
    auth.login(user)
    data = {
        "name": "移风易俗树新风",
        "slogan": "文明风尚我先行",
        "starts_on": "2030-01-01",
        "ends_on": "2030-02-01",
        "lead_department_ids": [str(department.id)],
        "status": "active",
    }
    assert client.post("/campaigns/new", data={**data, "ends_on": "2029-12-01"}).status_code == 200
    other = make_department()
    assert (
        client.post(
            "/campaigns/new", data={**data, "lead_department_ids": [str(other.id)]}
        ).status_code
        == 200
    )
    assert client.post("/campaigns/new", data=data).status_code == 302
    assert client.post("/campaigns/new", data=data).status_code == 200  # the name is taken
    from planner.events.models import Campaign

    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 1


def test_directory_pages_list_their_upcoming_and_recent_events(
    client, make_event, make_community, make_department, make_team
):
    community, department, team = make_community(), make_department(), make_team()
    make_event(title="下周的清扫", community=community, hosts=(department, team))
    make_event(
        title="上周的晚会",
        community=community,
        hosts=(department, team),
        starts_at=utcnow() - timedelta(days=7),
        status=EventStatus.COMPLETED,
    )
    make_event(
        title="草稿活动", community=community, hosts=(department, team), status=EventStatus.DRAFT
    )
    for path in (
        f"/communities/{community.id}",
        f"/streets/{community.street_id}",
        f"/districts/{community.street.district_id}",
        f"/departments/{department.id}",
        f"/teams/{team.id}",
    ):
        text = client.get(path).get_data(as_text=True)
        assert "下周的清扫" in text and "上周的晚会" in text and "草稿活动" not in text, path
