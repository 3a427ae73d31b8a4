"""The calendar pages: the list of every feed, the subscribe panel, and the event page's link."""

from __future__ import annotations

import segno
from flask import render_template_string

from planner.events.models import CampaignStatus, EventStatus
from planner.extensions import db


def test_the_calendar_page_lists_every_feed(client, seeded, make_calendar_campaign, count_queries):
    from planner.directory.models import Community, Department, District, Street, VolunteerTeam

    campaign = make_calendar_campaign("文明过节 欢度新年")
    draft = make_calendar_campaign("还在筹备的主题活动", status=CampaignStatus.DRAFT)
    expected = ["/calendar/all.ics"]
    for model, scope in (
        (District, "districts"),
        (Street, "streets"),
        (Community, "communities"),
        (Department, "departments"),
        (VolunteerTeam, "teams"),
    ):
        expected += [
            f"/calendar/{scope}/{id_}.ics" for id_ in db.session.scalars(db.select(model.id))
        ]
    expected.append(f"/calendar/campaigns/{campaign.id}.ics")
    with count_queries() as counter:
        page = client.get("/calendar").data.decode().replace("&amp;", "&")
    for path in expected:
        assert f"http://localhost{path}" in page.replace("lang=zh&", "").replace("?lang=zh", ""), (
            path
        )
    assert f"/calendar/campaigns/{draft.id}.ics" not in page
    assert "webcal://localhost/calendar/all.ics" in page
    assert counter.count <= 6
    # One kind's feeds: a link away, never typed into the address.
    assert 'href="/calendar?kind=cleanup"' in page
    cleanup = client.get("/calendar?kind=cleanup").data.decode().replace("&amp;", "&")
    assert "http://localhost/calendar/all.ics?lang=zh&kind=cleanup" in cleanup.replace(
        "?kind=cleanup&lang=zh", "?lang=zh&kind=cleanup"
    )


def test_subscribe_panels_on_directory_pages(client, seeded):
    from planner.directory.models import Community, Department, District, Street, VolunteerTeam

    for model, scope, page in (
        (District, "districts", "districts"),
        (Street, "streets", "streets"),
        (Community, "communities", "communities"),
        (Department, "departments", "departments"),
        (VolunteerTeam, "teams", "teams"),
    ):
        item_id = db.session.scalar(db.select(model.id).order_by(model.id))
        html = client.get(f"/{page}/{item_id}").data.decode()
        https = f"http://localhost/calendar/{scope}/{item_id}.ics?lang=zh"
        assert f'href="webcal://localhost/calendar/{scope}/{item_id}.ics?lang=zh"' in html, scope
        assert f'value="{https}"' in html and "readonly" in html
        assert 'class="qr-code"' in html
        assert "data-copy=" in html and "/static/js/calendar.js" in html
        for how_to in ("苹果", "谷歌日历", "Outlook", "ICSx⁵"):
            assert how_to in html


def test_the_subscribe_panel_speaks_english_and_links_the_english_feed(client, seeded):
    from planner.directory.models import Community

    community_id = db.session.scalar(db.select(Community.id).order_by(Community.id))
    client.set_cookie("locale", "en")
    html = client.get(f"/communities/{community_id}").data.decode()
    assert f"/calendar/communities/{community_id}.ics?lang=en" in html
    assert "Subscribe on this device" in html and "Android (ICSx⁵)" in html


def test_the_qr_code_holds_the_https_feed_link(app):
    with app.test_request_context("/"):
        url = "https://xinfeng.example.cn/calendar/communities/1.ics?lang=zh"
        svg = render_template_string("{{ qr_svg(url) }}", url=url)
    expected = segno.make(url, error="m").svg_inline(
        scale=4, border=2, svgclass="qr-code", omitsize=True
    )
    assert svg == expected
    assert svg.startswith("<svg")


def test_the_public_url_setting_is_used_for_panel_links(app, client, seeded):
    from planner.directory.models import Community

    app.config["PLANNER_PUBLIC_URL"] = "https://xinfeng.example.cn"
    community_id = db.session.scalar(db.select(Community.id).order_by(Community.id))
    html = client.get(f"/communities/{community_id}").data.decode()
    assert f"webcal://xinfeng.example.cn/calendar/communities/{community_id}.ics" in html
    assert f"https://xinfeng.example.cn/calendar/communities/{community_id}.ics" in html


def test_the_event_page_partial_links_the_ics_file(app, make_event):
    event = make_event()
    draft = make_event(status=EventStatus.DRAFT)
    with app.test_request_context("/"):
        html = render_template_string('{% include "events/_event_extras.html" %}', event=event)
        hidden = render_template_string('{% include "events/_event_extras.html" %}', event=draft)
    assert f'href="http://localhost/events/{event.id}.ics?lang=zh"' in html
    assert "添加到我的日历" in html
    assert hidden.strip() == ""


def test_the_main_navigation_has_the_calendars(client):
    html = client.get("/").data.decode()
    assert 'href="/calendar"' in html and "日历订阅" in html


def test_my_calendar_is_linked_for_logged_in_users(client, auth, make_user):
    assert 'href="/calendar/mine"' not in client.get("/calendar").data.decode()
    auth.login(make_user())
    assert 'href="/calendar/mine"' in client.get("/calendar").data.decode()
