"""A series in a feed is one recurring event: RRULE, EXDATE for cancelled or absent dates,
RECURRENCE-ID overrides for dates edited on their own; checked with independent parsers that expand
it as calendar apps do (``recurring-ical-events``, ical.js under node, khal)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events

from planner.events import hosts, programme, series, services, workflow
from planner.events.models import EventStatus, HostRole
from planner.extensions import db
from planner.timeutil import to_local, utcnow
from tests.fixtures_calendar import by_uid, parse_feed, vevents

pytestmark = pytest.mark.usefixtures("fresh_feed_cache")

SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = "周六文明引导"
ICALJS = Path(__file__).parent / "calendar_js"


def _missing(reason: str):
    """Skip without the tool, with the reason; under CI (PLANNER_REQUIRE_BROWSER=1) fail instead."""
    if os.environ.get("PLANNER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and PLANNER_REQUIRE_BROWSER=1")
    pytest.skip(reason)


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


# ---------------------------------------------------------------- three expanders


def expand_recurring_ical_events(body: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    calendar = parse_feed(body)
    found = recurring_ical_events.of(calendar).between(date(2030, 1, 1), date(2032, 1, 1))
    return sorted(
        (event["DTSTART"].dt.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"), str(event["SUMMARY"]))
        for event in found
    )


def expand_icaljs(body: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed: ical.js cannot run")
    if not (ICALJS / "node_modules" / "ical.js").is_dir():
        _missing("ical.js is not installed: run `npm install --prefix tests/calendar_js`")
    feed = tmp_path / "feed.ics"
    feed.write_bytes(body)
    result = subprocess.run(
        [node, str(ICALJS / "expand.mjs"), str(feed)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return sorted((item["start"][:16], item["summary"]) for item in json.loads(result.stdout))


KHAL_CONFIG = """[calendars]
[[feed]]
path = {root}/calendar
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%dT%H:%M
longdatetimeformat = %Y-%m-%dT%H:%M
local_timezone = Asia/Shanghai
default_timezone = Asia/Shanghai
[sqlite]
path = {root}/khal.db
"""


def expand_khal(body: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    khal = shutil.which("khal")
    if khal is None:
        _missing("khal is not installed (Debian: apt-get install khal)")
    (tmp_path / "calendar").mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(KHAL_CONFIG.format(root=tmp_path))
    feed = tmp_path / "feed.ics"
    feed.write_bytes(body)
    run = {"capture_output": True, "check": True, "timeout": 60, "text": True}
    subprocess.run([khal, "-c", str(config), "import", "--batch", "-a", "feed", str(feed)], **run)
    listed = subprocess.run(
        [khal, "-c", str(config), "list", "--format", "{start}|{title}", "--day-format", ""]
        + ["2030-01-01", "2032-01-01"],
        **run,
    ).stdout
    return sorted(tuple(line.split("|", 1)) for line in listed.splitlines() if "|" in line)


EXPANDERS = {
    "recurring-ical-events": expand_recurring_ical_events,
    "ical.js": expand_icaljs,
    "khal": expand_khal,
}


# ---------------------------------------------------------------- the series


@pytest.fixture
def admin(make_user):
    return make_user("管理员", admin=True)


@pytest.fixture
def make_series(app, admin, make_event, make_department, make_community):
    """``make_series(start, frequency, until)``: the occurrences of a published series, hosted by
    one department, in one community, with one shift each."""
    department = make_department("市文明办")

    def make(start: datetime, frequency: str, until: date, community=None, publish=True):
        first = make_event(
            TITLE,
            status=EventStatus.DRAFT,
            starts_at=start,
            community=community or make_community("仰口路社区"),
            hosts=(department,),
            shifts=(("引导", 5),),
        )
        with app.test_request_context("/"):
            occurrences = [first, *series.make_series(admin, first, frequency, until)]
            if publish:
                for occurrence in occurrences:
                    workflow.publish(admin, occurrence)
            db.session.commit()
        return occurrences

    return make


def edit(admin, event, **changes) -> None:
    """Edit one occurrence on its own, as the event form does."""
    fields = services.EventDetails.__dataclass_fields__
    details = services.EventDetails(**{name: getattr(event, name) for name in fields})
    for name, value in changes.items():
        setattr(details, name, value)
    services.update_event(admin, event, details)
    db.session.commit()


@pytest.fixture
def saturdays(app, admin, make_series):
    """Five Saturdays from 5 October 2030, 09:00: the third cancelled, the fourth moved an hour
    later on its own, the fifth renamed on its own."""
    occurrences = make_series(at(2030, 10, 5, 9), series.Frequency.WEEKLY, date(2030, 11, 2))
    _first, _second, third, fourth, fifth = occurrences
    with app.test_request_context("/"):
        workflow.cancel(admin, third, "天气原因")
        edit(
            admin,
            fourth,
            starts_at=fourth.starts_at + timedelta(hours=1),
            ends_at=fourth.ends_at + timedelta(hours=1),
        )
        edit(admin, fifth, title=TITLE + "（闭幕）")
        db.session.commit()
    return occurrences


EXPECTED_SATURDAYS = [
    ("2030-10-05T09:00", TITLE),
    ("2030-10-12T09:00", TITLE),
    ("2030-10-26T10:00", TITLE),
    ("2030-11-02T09:00", TITLE + "（闭幕）"),
]


def feed(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    parse_feed(response.data)  # icalendar, strict ical and vobject accept it
    return response.data


def test_a_weekly_series_is_one_recurring_event_with_exdate_and_overrides(client, saturdays):
    first, _second, third, fourth, fifth = saturdays
    body = feed(client, f"/calendar/communities/{first.community_id}.ics")
    components = vevents(parse_feed(body))
    assert {str(c["UID"]) for c in components} == {first.series_id}
    master, *overrides = components
    assert "RECURRENCE-ID" not in master
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=5"
    assert master["DTSTART"].dt == at(2030, 10, 5, 9)
    assert [d.dt for d in master["EXDATE"].dts] == [at(2030, 10, 19, 9)]
    assert {o["RECURRENCE-ID"].dt: o["DTSTART"].dt for o in overrides} == {
        at(2030, 10, 26, 9): at(2030, 10, 26, 10),
        at(2030, 11, 2, 9): at(2030, 11, 2, 9),
    }
    # Each date's page is its own; the series' shifts show their times of day and places.
    assert str(master["URL"]).endswith(f"/events/{first.id}")
    assert {str(o["URL"]).rsplit("/", 1)[1] for o in overrides} == {str(fourth.id), str(fifth.id)}
    assert "- 引导 09:00–11:00：共 5 个名额" in str(master["DESCRIPTION"])
    assert third.uuid.encode() not in body


@pytest.mark.parametrize("expander", EXPANDERS)
def test_every_parser_expands_the_series_to_its_dates_without_the_cancelled_one(
    client, saturdays, expander, tmp_path
):
    body = feed(client, f"/calendar/communities/{saturdays[0].community_id}.ics")
    assert EXPANDERS[expander](body, tmp_path) == EXPECTED_SATURDAYS


@pytest.mark.parametrize("expander", EXPANDERS)
def test_an_edit_to_one_date_moves_only_that_one(client, app, admin, saturdays, expander, tmp_path):
    second = saturdays[1]
    with app.test_request_context("/"):
        edit(
            admin,
            second,
            starts_at=second.starts_at + timedelta(hours=2),
            ends_at=second.ends_at + timedelta(hours=2),
        )
    body = feed(client, f"/calendar/communities/{second.community_id}.ics")
    expected = list(EXPECTED_SATURDAYS)
    expected[1] = ("2030-10-12T11:00", TITLE)
    assert EXPANDERS[expander](body, tmp_path) == expected


@pytest.mark.parametrize("expander", EXPANDERS)
def test_a_monthly_series_on_the_31st_keeps_to_each_months_last_day(
    client, make_series, expander, tmp_path
):
    occurrences = make_series(at(2031, 1, 31, 19), series.Frequency.MONTHLY, date(2031, 5, 31))
    body = feed(client, f"/calendar/communities/{occurrences[0].community_id}.ics")
    assert body.count(b"BEGIN:VEVENT") == 1
    assert EXPANDERS[expander](body, tmp_path) == [
        (f"2031-{day}T19:00", TITLE) for day in ("01-31", "02-28", "03-31", "04-30", "05-31")
    ]


def test_a_series_into_the_small_hours_is_still_one_event(client, make_series):
    occurrences = make_series(at(2030, 10, 5, 23), series.Frequency.WEEKLY, date(2030, 10, 19))
    body = feed(client, f"/calendar/communities/{occurrences[0].community_id}.ics")
    [master] = vevents(parse_feed(body))
    assert "- 引导 23:00–01:00：共 5 个名额" in str(master["DESCRIPTION"])


def test_monthly_and_fortnightly_series_say_so_in_their_rule(client, make_series, tmp_path):
    monthly = make_series(at(2031, 3, 15, 9), series.Frequency.MONTHLY, date(2031, 6, 30))
    fortnightly = make_series(at(2031, 3, 1, 9), series.Frequency.FORTNIGHTLY, date(2031, 4, 1))
    body = feed(client, "/calendar/all.ics")
    rules = {str(c["UID"]): c["RRULE"].to_ical() for c in vevents(parse_feed(body))}
    assert rules == {
        monthly[0].series_id: b"FREQ=MONTHLY;COUNT=4",
        fortnightly[0].series_id: b"FREQ=WEEKLY;COUNT=3;INTERVAL=2",
    }
    starts = [start for start, _title in expand_recurring_ical_events(body, tmp_path)]
    assert starts == [
        "2031-03-01T09:00",
        "2031-03-15T09:00",
        "2031-03-15T09:00",
        "2031-03-29T09:00",
        "2031-04-15T09:00",
        "2031-05-15T09:00",
        "2031-06-15T09:00",
    ]


def test_a_scope_feed_holds_only_its_own_dates_of_a_series(
    client, app, admin, make_series, make_community, tmp_path
):
    here, elsewhere = make_community("仰口路社区"), make_community("凤凰山社区")
    occurrences = make_series(
        at(2030, 10, 5, 9), series.Frequency.WEEKLY, date(2030, 10, 26), community=here
    )
    moved_away = occurrences[1]
    with app.test_request_context("/"):
        edit(admin, moved_away, community_id=elsewhere.id)
    body = feed(client, f"/calendar/communities/{here.id}.ics")
    assert expand_recurring_ical_events(body, tmp_path) == [
        ("2030-10-05T09:00", TITLE),
        ("2030-10-19T09:00", TITLE),
        ("2030-10-26T09:00", TITLE),
    ]
    # The other community's feed holds its one date, as an event of its own.
    other = by_uid(parse_feed(feed(client, f"/calendar/communities/{elsewhere.id}.ics")))
    assert list(other) == [moved_away.uuid]
    assert "RRULE" not in other[moved_away.uuid]
    # The city's feed holds the whole series: the date elsewhere is an override there.
    city = feed(client, "/calendar/all.ics")
    assert body.count(b"BEGIN:VEVENT") == 1 and city.count(b"BEGIN:VEVENT") == 2
    assert len(expand_recurring_ical_events(city, tmp_path)) == 4


def test_dates_past_the_feeds_window_leave_the_rule(client, app, make_series):
    start = (utcnow() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    # The series ends on a local date: three weeks after the first local date, whatever the hour.
    occurrences = make_series(
        start, series.Frequency.WEEKLY, (to_local(start) + timedelta(days=21)).date()
    )
    # A window that starts ten days ahead: as if the first two dates were long past.
    app.config["PLANNER_CALENDAR_PAST_DAYS"] = -10
    [master] = vevents(parse_feed(feed(client, "/calendar/all.ics")))
    assert master["DTSTART"].dt == occurrences[2].starts_at
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=2"
    assert "EXDATE" not in master


def test_draft_dates_of_a_series_stay_out_of_feeds(client, app, admin, make_series, tmp_path):
    occurrences = make_series(
        at(2030, 10, 5, 9), series.Frequency.WEEKLY, date(2030, 11, 2), publish=False
    )
    with app.test_request_context("/"):
        for occurrence in (occurrences[0], occurrences[1], occurrences[3]):
            workflow.publish(admin, occurrence)
        db.session.commit()
    body = feed(client, "/calendar/all.ics")
    assert [start for start, _ in expand_recurring_ical_events(body, tmp_path)] == [
        "2030-10-05T09:00",
        "2030-10-12T09:00",
        "2030-10-26T09:00",
    ]


def test_a_series_moved_as_a_whole_needs_no_override(client, app, admin, saturdays):
    first = saturdays[0]
    with app.test_request_context("/"):
        fields = services.EventDetails.__dataclass_fields__
        details = services.EventDetails(**{name: getattr(first, name) for name in fields})
        details.starts_at += timedelta(hours=2)
        details.ends_at += timedelta(hours=2)
        series.update_following(admin, first, details)
        db.session.commit()
    components = vevents(parse_feed(feed(client, "/calendar/all.ics")))
    master = components[0]
    assert master["DTSTART"].dt == at(2030, 10, 5, 11)
    # One override left: the date moved on its own before (now 12:00); the form's title went
    # to every following date, so the renamed one is like the others again.
    [override] = components[1:]
    assert override["RECURRENCE-ID"].dt == at(2030, 10, 26, 11)
    assert override["DTSTART"].dt == at(2030, 10, 26, 12)


def test_a_personal_feed_lists_the_dates_signed_up_for_one_by_one(
    client, saturdays, make_user, make_calendar_token, personal_source
):
    user = make_user("志愿者")
    token = make_calendar_token(user)
    chosen = [saturdays[0], saturdays[3]]
    personal_source({user.id: chosen})
    components = vevents(parse_feed(feed(client, f"/calendar/me/{token.token}.ics")))
    assert [str(c["UID"]) for c in components] == [e.uuid for e in chosen]
    assert all("RRULE" not in c and "RECURRENCE-ID" not in c for c in components)
    assert [c["DTSTART"].dt for c in components] == [at(2030, 10, 5, 9), at(2030, 10, 26, 10)]


def test_one_dates_download_is_that_date_alone(client, saturdays):
    fourth = saturdays[3]
    [component] = vevents(parse_feed(feed(client, f"/events/{fourth.id}.ics")))
    assert str(component["UID"]) == fourth.uuid
    assert "RRULE" not in component
    assert component["DTSTART"].dt == at(2030, 10, 26, 10)
    assert "剩余 5 个名额（共 5 个）" in str(component["DESCRIPTION"])


def test_a_series_every_date_of_which_is_cancelled_is_a_cancelled_recurring_event(
    client, app, admin, make_series
):
    occurrences = make_series(at(2030, 10, 5, 9), series.Frequency.WEEKLY, date(2030, 10, 19))
    with app.test_request_context("/"):
        series.cancel_following(admin, occurrences[0], "场地维修")
        db.session.commit()
    [master] = vevents(parse_feed(feed(client, "/calendar/all.ics")))
    assert str(master["STATUS"]) == "CANCELLED"
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=3"
    assert "EXDATE" not in master


# ---------------------------------------------------------------- LAST-MODIFIED and the ETag


def _stamped_an_hour_ago(event) -> None:
    event.created_at = event.updated_at = event.revised_at = event.modified_at = (
        utcnow() - timedelta(hours=1)
    )
    db.session.commit()


def test_anything_a_calendar_shows_moves_last_modified_and_the_etag_but_not_sequence(
    client, app, admin, make_event, make_department, make_team
):
    from planner.calendar import cache

    department, other = make_department("市文明办"), make_department("市财政局")
    team = make_team("文明引导志愿服务队", department_id=department.id)
    event = make_event("文明宣讲", hosts=(department,), shifts=(("引导", 5),))
    url = f"/events/{event.id}.ics"
    edits = {
        "a co-host": lambda: hosts.add_host(admin, event, other, HostRole.COHOST),
        "a host less": lambda: hosts.remove_host(admin, event, event.hosts[-1]),
        "the programme": lambda: programme.add_programme_item(
            admin, event, "快板", team.id, "", None
        ),
        "a shift": lambda: services.save_shift(
            admin, event, None, "摄影", event.starts_at, event.ends_at, 2
        ),
        "the description": lambda: edit(admin, event, description="新的介绍"),
        "the title": lambda: edit(admin, event, title="文明宣讲（更正）"),
    }
    for name, change in edits.items():
        _stamped_an_hour_ago(event)
        cache.clear()
        before = client.get(url)
        with app.test_request_context("/"):
            change()
            db.session.commit()
        after = client.get(url)
        old, new = vevents(parse_feed(before.data))[0], vevents(parse_feed(after.data))[0]
        assert new["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt, name
        assert new["SEQUENCE"] == old["SEQUENCE"], name
        assert after.headers["ETag"] != before.headers["ETag"], name
        assert after.last_modified > before.last_modified, name


def test_what_a_calendar_does_not_show_leaves_last_modified(client, app, admin, make_event):
    event = make_event("百家宴", seats_capacity=20)
    _stamped_an_hour_ago(event)
    before = vevents(parse_feed(client.get(f"/events/{event.id}.ics").data))[0]
    with app.test_request_context("/"):
        edit(admin, event, seats_capacity=30, max_party_size=6)
    after = vevents(parse_feed(client.get(f"/events/{event.id}.ics").data))[0]
    assert after["LAST-MODIFIED"].dt == before["LAST-MODIFIED"].dt
    assert after["DTSTAMP"].dt > before["DTSTAMP"].dt


def test_time_place_and_status_move_sequence_and_last_modified(client, app, admin, make_event):
    event = make_event("文明宣讲")
    _stamped_an_hour_ago(event)
    before = vevents(parse_feed(client.get(f"/events/{event.id}.ics").data))[0]
    with app.test_request_context("/"):
        edit(admin, event, venue="社区活动中心")
    after = vevents(parse_feed(client.get(f"/events/{event.id}.ics").data))[0]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt


# ---------------------------------------------------------------- libical's iTIP checks

LIBICAL_CHECK = Path(__file__).parent / "calendar_libical" / "itip_check.c"


@pytest.fixture(scope="session")
def itip_check(tmp_path_factory) -> Path:
    """libical's parser and iTIP restriction checks, built once (skipped without libical-dev)."""
    compiler, pkg_config = shutil.which("cc"), shutil.which("pkg-config")
    if compiler is None or pkg_config is None:
        _missing("no C compiler or pkg-config: libical's checks cannot be built")
    flags = subprocess.run(
        [pkg_config, "--cflags", "--libs", "libical"], capture_output=True, text=True
    )
    if flags.returncode:
        _missing("libical is not installed (Debian: apt-get install libical-dev)")
    binary = tmp_path_factory.mktemp("libical") / "itip_check"
    subprocess.run(
        [compiler, str(LIBICAL_CHECK), *flags.stdout.split(), "-o", str(binary)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return binary


def test_every_feed_passes_libicals_itip_checks(
    client, saturdays, make_user, make_calendar_token, personal_source, itip_check, tmp_path
):
    user = make_user("志愿者")
    token = make_calendar_token(user, remind_day_before=True)
    personal_source({user.id: saturdays})
    first = saturdays[0]
    urls = [
        "/calendar/all.ics",
        f"/calendar/communities/{first.community_id}.ics",
        f"/calendar/me/{token.token}.ics",
        f"/events/{first.id}.ics",
        f"/events/{saturdays[2].id}.ics",  # cancelled
    ]
    for url in urls:
        path = tmp_path / "feed.ics"
        path.write_bytes(feed(client, url))
        result = subprocess.run([str(itip_check), str(path)], capture_output=True, text=True)
        assert result.returncode == 0, (url, result.stdout)
    # The check is real: without its ORGANIZER a METHOD:PUBLISH feed fails it.
    unfolded = feed(client, f"/events/{first.id}.ics").replace(b"\r\n ", b"")
    lines = [line for line in unfolded.split(b"\r\n") if not line.startswith(b"ORGANIZER")]
    path.write_bytes(b"\r\n".join(lines))
    result = subprocess.run([str(itip_check), str(path)], capture_output=True, text=True)
    assert result.returncode == 1 and "ORGANIZER" in result.stdout


def test_renaming_a_host_or_place_a_feed_names_moves_last_modified_and_the_etag(
    client, make_event, make_department, make_community
):
    department, community = make_department("市文明办"), make_community("仰口路社区")
    event = make_event("文明宣讲", hosts=(department,), community=community)
    elsewhere = make_event("别处的活动")
    for renamed, new_name in ((department, "市文明办（新）"), (community.street, "新街道")):
        _stamped_an_hour_ago(event)
        _stamped_an_hour_ago(elsewhere)
        url = "/calendar/all.ics"
        before = client.get(url)
        renamed.name = new_name
        db.session.commit()
        after = client.get(url)
        assert after.headers["ETag"] != before.headers["ETag"]
        old, new = by_uid(parse_feed(before.data)), by_uid(parse_feed(after.data))
        assert new_name in after.data.decode()
        assert new[event.uuid]["LAST-MODIFIED"].dt > old[event.uuid]["LAST-MODIFIED"].dt
        # Only the events that show the name.
        assert new[elsewhere.uuid]["LAST-MODIFIED"].dt == old[elsewhere.uuid]["LAST-MODIFIED"].dt
