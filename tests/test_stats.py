"""数读 statistics: each measure against the hand-counted September 2024 at 凤凰山社区."""

from __future__ import annotations

from datetime import date

import pytest

from planner.events.models import EventKind
from planner.events.scopes import events_of
from planner.extensions import db
from planner.signups.models import SignupStatus
from planner.stats import measures, periods

SEPTEMBER = periods.Period(date(2024, 9, 1), date(2024, 9, 30))
SUMMER_QUARTER = periods.Period(date(2024, 7, 1), date(2024, 9, 30))


@pytest.fixture
def where(september):
    return events_of(september.community)


def test_events_held_are_counted_by_kind_leaving_out_drafts_cancelled_and_other_months(where):
    assert measures.events_by_kind(where, SEPTEMBER) == {EventKind.CLEANUP: 2, EventKind.SHOW: 1}


def test_the_city_counts_every_community(september):
    assert sum(measures.events_by_kind(db.true(), SEPTEMBER).values()) == 4


def test_months_follow_local_time_at_their_boundaries(where):
    # 00:30 on 1 September is still 31 August in UTC; 23:30 on 31 August is August locally.
    assert measures.events_by_month(where, SUMMER_QUARTER) == [
        (date(2024, 7, 1), 0),
        (date(2024, 8, 1), 1),
        (date(2024, 9, 1), 3),
    ]


def test_service_counts_distinct_volunteers_and_minutes_dated_in_the_period(where):
    service = measures.service(where, SEPTEMBER)
    assert (service.volunteers, service.records, service.minutes, service.hours) == (2, 3, 270, 4.5)
    assert measures.minutes_by_month(where, SUMMER_QUARTER) == [
        (date(2024, 7, 1), 0),
        (date(2024, 8, 1), 30),
        (date(2024, 9, 1), 270),
    ]


def test_teams_are_ranked_by_minutes(where):
    assert measures.minutes_by_team(where, SEPTEMBER) == [("凤凰山文艺队", 210)]


def test_signup_rates_fill_no_show_and_late_cancellation(where):
    signups = measures.signups(where, SEPTEMBER)
    assert signups.total == 6 and signups.capacity == 6 and signups.places_taken == 5
    assert signups.by_status[SignupStatus.ATTENDED] == 3
    assert (signups.fill_rate, signups.no_show_rate, signups.late_cancellation_rate) == (
        83.3,
        20.0,
        16.7,
    )


def test_seats_and_quiz_results(where, september):
    assert measures.seats_taken(where, SEPTEMBER) == 30
    quizzes = measures.quizzes(where, SEPTEMBER, owner=september.community)
    assert (quizzes.participants, quizzes.average_percent, quizzes.passed) == (3, 76.7, 2)
    assert quizzes.pass_rate == 66.7


def test_events_are_compared_by_where_they_took_place(september):
    compared = measures.compared(db.true(), SEPTEMBER, "community")
    assert compared[0] == ("凤凰山社区", 3) and len(compared) == 2


def test_the_period_picker_understands_its_choices_and_falls_back_to_this_month():
    today = date(2024, 11, 15)
    assert periods.choose("last-month", today=today) == periods.Period(
        date(2024, 10, 1), date(2024, 10, 31), "last-month"
    )
    assert periods.choose("quarter", today=today).first == date(2024, 10, 1)
    assert periods.choose("quarter", today=today).last == date(2024, 12, 31)
    assert periods.choose("year", today=today).last == date(2024, 12, 31)
    assert periods.choose("custom", "2024-09-01", "2024-09-30", today=today) == SEPTEMBER
    for bad in (("custom", "2024-09-30", "2024-09-01"), ("custom", "x", ""), ("nonsense", "", "")):
        assert periods.choose(*bad, today=today).choice == "this-month"
    assert periods.month("2024-09") == SEPTEMBER and periods.month("2024-13") is None


# ---------------------------------------------------------------- pages


def _url(september, **args):
    query = "&".join(f"{k}={v}" for k, v in {"period": "custom", **args}.items())
    return f"/stats/communities/{september.community.id}?{query}"


def test_the_community_page_writes_numbers_shares_and_charts_for_anyone(client, september):
    page = client.get(_url(september, **{"from": "2024-09-01", "to": "2024-09-30"}))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "66.7%" in html and "<svg" in html and "凤凰山文艺队" in html
    assert "kind-cleanup" in html  # the kind's colour
    assert "<table" in html  # each chart's numbers as a table
    assert "ledger.xlsx" not in html  # the ledger is for the community's organisers


def test_organisers_of_the_scope_get_the_ledger_links(client, auth, september):
    auth.login(september.organiser)
    html = client.get(_url(september, **{"from": "2024-09-01", "to": "2024-09-30"})).get_data(
        as_text=True
    )
    assert "ledger.xlsx" in html


def test_a_period_not_understood_says_so_and_shows_this_month(client, september):
    page = client.get(_url(september, **{"from": "bad", "to": "2024-09-30"}))
    assert page.status_code == 200
    assert "alert-warning" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/stats/communities/999999", "/stats/partners/1", "/stats/nowhere/1"]
)
def test_unknown_scopes_are_404(client, url):
    assert client.get(url).status_code == 404


def test_the_city_page_is_public(client, september):
    assert client.get("/stats/city?period=year").status_code == 200


def test_the_stats_page_runs_a_constant_number_of_queries(
    client, auth, september, make_event, count_queries
):
    auth.login(september.organiser)  # signed in: never the page cache
    url = _url(september, **{"from": "2024-07-01", "to": "2024-09-30"})
    client.get(url)
    with count_queries() as first:
        client.get(url)
    for day in (3, 4, 5, 6):
        make_event(
            starts_at=september.events["e1"].starts_at.replace(day=day),
            community=september.community,
            shifts=(("清扫", 2),),
        )
    with count_queries() as second:
        assert client.get(url).status_code == 200
    assert second.count == first.count <= 20


def test_campaign_and_place_pages_link_to_their_numbers(client, september, make_campaign):
    district = september.community.street.district
    assert f"/stats/districts/{district.id}" in client.get(f"/districts/{district.id}").get_data(
        as_text=True
    )
    campaign = make_campaign()
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f"/stats/campaigns/{campaign.id}" in html


def test_visitors_get_the_numbers_from_the_page_cache_until_an_event_changes(
    app, client, september, count_queries
):
    from planner import pagecache

    pagecache.clear()
    app.config["PLANNER_PAGE_CACHE_SECONDS"] = 60
    url = _url(september, **{"from": "2024-09-01", "to": "2024-09-30"})
    assert client.get(url).headers["X-Page-Cache"] == "miss"
    with count_queries() as cached:
        assert client.get(url).headers["X-Page-Cache"] == "hit"
    assert cached.count <= 2
    september.events["e1"].status = september.events["e4"].status  # cancelled
    september.events["e1"].updated_at = september.events["e1"].updated_at.replace(year=2030)
    db.session.commit()
    page = client.get(url)
    assert page.headers["X-Page-Cache"] == "miss" and "50.0%" in page.get_data(as_text=True)


def test_each_event_held_has_its_places_and_hours(where):
    rows = {row.title: row for row in measures.per_event(where, SEPTEMBER)}
    assert set(rows) == {"月初清扫", "九月大扫除", "小戏展演"}
    assert (rows["九月大扫除"].places_taken, rows["九月大扫除"].capacity) == (3, 4)
    assert rows["九月大扫除"].minutes == 210 and rows["月初清扫"].minutes == 60
    assert (rows["小戏展演"].places_taken, rows["小戏展演"].capacity) == (0, 0)


def test_organisers_see_each_event_with_a_link_to_its_roster(client, auth, september):
    url = _url(september, **{"from": "2024-09-01", "to": "2024-09-30"})
    assert "/roster" not in client.get(url).get_data(as_text=True)
    auth.login(september.organiser)
    html = client.get(url).get_data(as_text=True)
    assert f"/events/{september.events['e1'].id}/roster" in html and "3/4" in html


def test_charts_write_their_numbers_on_the_bars_and_long_ranges_turn_into_rows(september):
    from planner.stats import services

    with september_request():
        year = services.charts_of(services.numbers(september.community, SUMMER_QUARTER))
        three_years = services.charts_of(
            services.numbers(
                september.community, periods.Period(date(2022, 1, 1), date(2024, 12, 31))
            )
        )
    per_month = year[0]
    assert per_month["rows"] == [("2024-07", "0"), ("2024-08", "1"), ("2024-09", "3")]
    assert ">24-09<" in per_month["svg"] and ">3<" in per_month["svg"]
    assert 'viewBox="0 0 360 ' in str(three_years[0]["svg"])
    assert "<rect" in str(three_years[0]["svg"]) and len(three_years[0]["rows"]) == 36


def september_request():
    from flask import current_app

    return current_app.test_request_context("/")


def test_district_and_campaign_pages_show_the_numbers_of_their_own_measures(
    client, september, make_campaign
):
    from planner.stats import services

    district = september.community.street.district
    headline = services.headline(district, SEPTEMBER)
    numbers = services.numbers(district, SEPTEMBER)
    # The district holds 凤凰山社区's three events and the other community's cleanup.
    assert (headline.events, headline.volunteers, headline.minutes) == (4, 2, 270)
    assert (numbers.events, numbers.service.volunteers, numbers.service.minutes) == (4, 2, 270)

    campaign = make_campaign(starts_on=date(2024, 9, 1), ends_on=date(2024, 9, 30))
    for key in ("e1", "e2"):
        september.events[key].campaign = campaign
    db.session.commit()
    on_campaign = services.headline(campaign, services.campaign_period(campaign))
    assert on_campaign.events == 2
    page = client.get(f"/campaigns/{campaign.id}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "Events held" in html and "<dd>2</dd>" in html
    district_page = client.get(f"/districts/{district.id}", headers={"Accept-Language": "en"})
    assert "Events held" in district_page.get_data(as_text=True)  # this year's, by default
