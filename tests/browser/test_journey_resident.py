"""A resident's journey on a phone: district → community → event, and the community's calendar feed."""

from __future__ import annotations

import re

import icalendar
from playwright.sync_api import expect

from tests.browser.checks import check_page


def test_a_resident_finds_an_event_and_subscribes_to_the_community_calendar(phone):
    page = phone
    page.goto("/")
    page.get_by_role("link", name="城阳区", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("城阳区")
    check_page(page)
    page.get_by_role("link", name="凤凰山社区", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("凤凰山社区")
    check_page(page)

    upcoming = page.get_by_role("region", name="即将举办的活动")
    upcoming.get_by_role("link", name="凤凰山社区冬至百家宴").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("凤凰山社区冬至百家宴")
    expect(page.get_by_role("heading", name="志愿者岗位")).to_be_visible()
    check_page(page)

    page.get_by_role(
        "link", name="凤凰山社区", exact=True
    ).click()  # the event's place, back to its community
    panel = page.get_by_role("region", name="订阅日历")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="在本机订阅")).to_have_attribute(
        "href", re.compile(r"^webcal://.+\.ics")
    )
    link = panel.get_by_label("日历链接").input_value()
    assert link.startswith(page.url.split("/communities/")[0]) and ".ics" in link

    response = page.request.get(link)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.body())
    titles = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert "凤凰山社区冬至百家宴" in titles
