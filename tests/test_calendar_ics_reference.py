"""The hand-written iCalendar writer against a feed built from the ``icalendar`` library's objects.

The writer (planner/calendar/ics.py) writes text directly for speed and promises the bytes the
library would write. Here the same feed is built independently with ``icalendar.Calendar`` and
``icalendar.Event`` from what the events are, and the two must be byte for byte the same.

A weekly series of four is published as one VEVENT with its RRULE (UID: the series' id), the
cancelled third occurrence as an EXDATE, the second (moved an hour later on its own) as an override
with its RECURRENCE-ID; every date of the series shows its shifts' times of day and places in all.
A personal feed lists the occurrences one by one, each with its own UID. Every VEVENT names its
host organisation as ORGANIZER at the no-reply address.
"""

from __future__ import annotations

import difflib
import uuid
from datetime import date, datetime, time, timedelta

import icalendar
import pytest

from planner.calendar.services import FEED_UID_NAMESPACE
from planner.events import series, services, workflow
from planner.events.models import Event, EventKind, EventStatus, HostRole, ProgrammeItem
from planner.extensions import db
from planner.timeutil import from_local, local_now, local_zone

pytestmark = pytest.mark.usefixtures("fresh_feed_cache")

BASE_URL = "http://localhost"
PRODID = "-//Xinfeng//Xinfeng calendar feeds//ZH"

# Long Chinese text with the separators TEXT must escape, line breaks of three kinds, and a
# backslash at a fold: it folds many times, mostly inside three-octet characters.
TITLE = "“洁净家园·喜迎国庆”，环境卫生大扫除; 志愿服务, 人人参与\\一起来"
DESCRIPTION = (
    "移风易俗，树文明新风; 红事新办, 白事简办。\n" * 4
    + "第二段：垃圾分类\r\n有奖竞猜；现场领取, 先到先得\r最后一行\\"
)
SERIES_TITLE = "周末文明引导, 第一站; 地铁口"
CANCEL_REASON = "因台风预警取消，改期另行通知; 敬请谅解, 谢谢\n——社区居委会"

TEXTS = {
    "zh": {
        "feed": "{name} · 新风活动",
        "cancelled_prefix": "[已取消] ",
        "cancelled_because": "已取消：{reason}",
        "kind": "类型：{kind}",
        "campaign": "主题活动：{name}",
        "hosts": "主办：{names}",
        "separator": "、",
        "cohost": "（协办）",
        "programme": "节目单：",
        "shifts": "志愿岗位：",
        "shift": "{role} {times}：{places}",
        "places": "剩余 {num} 个名额（共 {capacity} 个）",
        "details": "详情与报名：{url}",
        "tomorrow": "明天：{title}",
        "capacity": "共 {num} 个名额",
        "mine": "我的新风日历",
        EventKind.SHOW: "小戏小剧展演",
        EventKind.CLEANUP: "环境卫生清理",
    },
    "en": {
        "feed": "{name} · Xinfeng events",
        "cancelled_prefix": "[Cancelled] ",
        "cancelled_because": "Cancelled: {reason}",
        "kind": "Kind: {kind}",
        "campaign": "Campaign: {name}",
        "hosts": "Hosts: {names}",
        "separator": ", ",
        "cohost": " (co-host)",
        "programme": "Programme:",
        "shifts": "Shifts:",
        "shift": "{role} {times}: {places}",
        "places": "{num} places left of {capacity}",
        "details": "Details and sign-up: {url}",
        "tomorrow": "Tomorrow: {title}",
        "capacity": "{num} places",
        "mine": "My Xinfeng calendar",
        EventKind.SHOW: "Opera and drama show",
        EventKind.CLEANUP: "Cleanup drive",
    },
}


@pytest.fixture
def world(app, make_user, make_community, make_department, make_team, make_calendar_campaign):
    """A campaign with a show (programme, co-host, geo, long text) and a weekly series of four
    occurrences: the second moved an hour later, the third cancelled with a reason."""
    admin = make_user("管理员", admin=True)
    community = make_community("东, 西; 社区")
    department = make_department("市文明办, 宣传处")
    team = make_team("文明引导; 志愿服务队", department_id=department.id)
    campaign = make_calendar_campaign("洁净家园·喜迎国庆, 2026; 第一期")
    # 22:00 local three days on, whatever the hour the suite runs: the series' shifts end at or
    # after midnight (the moved one at 01:00), which the feed still writes as times of day.
    start = from_local(datetime.combine(local_now().date() + timedelta(days=3), time(22)))
    with app.test_request_context("/"):
        show = _event(TITLE, EventKind.SHOW, start, community, campaign, DESCRIPTION)
        show.latitude, show.longitude = 36.0671, 120.3826
        show.address = "香港中路, 12号; 东门"
        show.hosts.append(_host(department, HostRole.HOST))
        show.hosts.append(_host(team, HostRole.COHOST))
        show.programme.append(ProgrammeItem(position=1, title="歌, 舞", performer_team=team))
        show.programme.append(ProgrammeItem(position=2, title="小品; 新风", performer_text="剧社"))
        first = _event(SERIES_TITLE, EventKind.CLEANUP, start, community, campaign, "")
        first.hosts.append(_host(department, HostRole.HOST))
        first.shifts.append(_shift("引导", first, 3))
        db.session.add_all([show, first])
        db.session.flush()
        until = (start + timedelta(days=22)).date()
        occurrences = [first, *series.make_series(admin, first, "weekly", until)]
        for event in (show, *occurrences):
            workflow.publish(admin, event)
        moved = occurrences[1]
        details = services.EventDetails(
            **{
                name: getattr(moved, name)
                for name in services.EventDetails.__dataclass_fields__
                if name not in ("starts_at", "ends_at")
            },
            starts_at=moved.starts_at + timedelta(hours=1),
            ends_at=moved.ends_at + timedelta(hours=1),
        )
        services.update_event(admin, moved, details)
        workflow.cancel(admin, occurrences[2], CANCEL_REASON)
        db.session.commit()
    return campaign


def _event(title, kind, start, community, campaign, description) -> Event:
    return Event(
        title=title,
        kind=kind,
        status=EventStatus.DRAFT,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        community=community,
        campaign=campaign,
        venue="社区广场",
        description=description,
    )


def _host(organisation, role):
    from planner.events.models import EventHost

    host = EventHost(role=role)
    host.organisation = organisation
    return host


def _shift(role, event, capacity):
    from planner.events.models import Shift

    return Shift(role=role, starts_at=event.starts_at, ends_at=event.ends_at, capacity=capacity)


# ---------------------------------------------------------------- the reference, from icalendar


def _times(starts_at: datetime, ends_at: datetime) -> str:
    start, end = starts_at.astimezone(local_zone()), ends_at.astimezone(local_zone())
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"


def _description(event: Event, url: str, texts: dict, in_series: bool = False) -> str:
    lines = []
    if event.status is EventStatus.CANCELLED:
        lines.append(texts["cancelled_because"].format(reason=event.cancel_reason))
    lines.append(texts["kind"].format(kind=texts[event.kind]))
    lines.append(texts["campaign"].format(name=event.campaign.name))
    hosts = [
        host.organisation.name + (texts["cohost"] if host.role is HostRole.COHOST else "")
        for host in event.hosts
    ]
    lines.append(texts["hosts"].format(names=texts["separator"].join(hosts)))
    if event.description:
        lines += ["", event.description.strip().replace("\r\n", "\n").replace("\r", "\n")]
    if event.programme:
        lines += ["", texts["programme"]]
        for number, item in enumerate(event.programme, start=1):
            lines.append(f"{number}. {item.title} — {item.performer}")
    if event.shifts:
        lines += ["", texts["shifts"]]
        for shift in event.shifts:
            places = texts["places"].format(num=shift.remaining, capacity=shift.capacity)
            times = _times(shift.starts_at, shift.ends_at)
            if in_series and shift.ends_at - shift.starts_at < timedelta(days=1):
                # A series repeats times of day, also a shift into the small hours.
                places = texts["capacity"].format(num=shift.capacity)
                start, end = (t.astimezone(local_zone()) for t in (shift.starts_at, shift.ends_at))
                times = f"{start:%H:%M}–{end:%H:%M}"
            elif in_series:
                places = texts["capacity"].format(num=shift.capacity)
            lines.append("- " + texts["shift"].format(role=shift.role, times=times, places=places))
    lines += ["", texts["details"].format(url=url)]
    return "\n".join(lines)


def _vevent(event: Event, texts: dict, in_series: bool = False, **series) -> icalendar.Event:
    """The VEVENT of ``event``; in a series, with its ``uid`` and ``rrule`` and ``exdate`` or
    ``recurrence_id``."""
    zone = local_zone()
    cancelled = event.status is EventStatus.CANCELLED
    url = f"{BASE_URL}/events/{event.id}"
    community = event.community
    component = icalendar.Event()
    component.add("summary", (texts["cancelled_prefix"] if cancelled else "") + event.title)
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    # DTSTAMP: the latest change of any kind; LAST-MODIFIED: of anything shown.
    component.add("dtstamp", max(event.updated_at, event.revised_at, event.modified_at))
    component.add("uid", series.get("uid", event.uuid))
    if "recurrence_id" in series:
        component.add("recurrence-id", series["recurrence_id"].astimezone(zone))
    component.add("sequence", series.get("sequence", event.revision))
    if "rrule" in series:
        component.add("rrule", series["rrule"])
    if series.get("exdate"):
        component.add("exdate", [moment.astimezone(zone) for moment in series["exdate"]])
    component.add("categories", [texts[event.kind], event.campaign.name])
    component.add("class", "PUBLIC")
    component.add("created", event.created_at)
    component.add("description", _description(event, url, texts, in_series))
    if event.latitude is not None:
        component.add("geo", (event.latitude, event.longitude))
    component.add(
        "last-modified",
        series.get("last_modified", max(event.modified_at, event.revised_at, event.created_at)),
    )
    place = [event.venue, event.address, community.name, community.street.name]
    component.add("location", ", ".join(p for p in [*place, community.street.district.name] if p))
    organizer = icalendar.vCalAddress("mailto:no-reply@xinfeng.invalid")
    organizer.params["CN"] = event.hosts[0].organisation.name
    component.add("organizer", organizer)
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("url", url)
    return component


def series_components(occurrences: list[Event], texts: dict) -> list[icalendar.Event]:
    """The world's series written by hand: every Saturday-like week from the first, four times,
    the third excluded, the second moved."""
    first, moved, cancelled, _last = occurrences
    week = timedelta(days=7)
    uid = first.series_id
    master = _vevent(
        first,
        texts,
        in_series=True,
        uid=uid,
        sequence=max(o.revision for o in occurrences),
        rrule={"freq": "weekly", "count": 4},
        exdate=[first.starts_at + 2 * week],
        last_modified=max(max(o.modified_at, o.revised_at, o.created_at) for o in occurrences),
    )
    master["DTSTAMP"] = icalendar.vDDDTypes(
        max(max(o.updated_at, o.revised_at, o.modified_at) for o in occurrences)
    )
    assert cancelled.starts_at == first.starts_at + 2 * week
    override = _vevent(moved, texts, in_series=True, uid=uid, recurrence_id=first.starts_at + week)
    return [master, override]


def reference_feed(name: str, key: str, events: list, texts: dict, remind=False) -> bytes:
    """The feed of ``events``: each an Event, or an icalendar.Event already built."""
    zone = local_zone()
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # NAME is TEXT (RFC 7986 §5.1), as is X-WR-CALNAME; icalendar 7 would write both raw (its
    # ``calendar_name`` too), leaving a name's commas and semicolons unescaped: say TEXT.
    calendar.add("name", icalendar.vText(name))
    calendar.add("x-wr-calname", icalendar.vText(name))
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("uid", str(uuid.uuid5(FEED_UID_NAMESPACE, key)))
    calendar.add("x-published-ttl", "PT6H")
    calendar.add("x-wr-timezone", zone.key)
    timezone = icalendar.Timezone.from_tzid(
        zone.key, first_date=date(2000, 1, 1), last_date=date(2100, 1, 1)
    )
    timezone.pop("COMMENT", None)
    calendar.add_component(timezone)
    for event in events:
        if isinstance(event, icalendar.Event):
            calendar.add_component(event)
            continue
        component = _vevent(event, texts)
        if remind and event.status is not EventStatus.CANCELLED:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", texts["tomorrow"].format(title=event.title))
            alarm.add("trigger", timedelta(days=-1))
            component.add_component(alarm)
        calendar.add_component(component)
    return calendar.to_ical()


def _events_of(campaign) -> list[Event]:
    return list(
        db.session.scalars(
            db.select(Event)
            .where(Event.campaign_id == campaign.id)
            .order_by(Event.starts_at, Event.id)
        )
    )


def _same(body: bytes, expected: bytes) -> None:
    diff = difflib.unified_diff(expected.decode().splitlines(), body.decode().splitlines())
    assert list(diff) == []
    assert body == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_scope_feed_is_byte_for_byte_what_icalendar_writes(client, world, lang):
    body = client.get(f"/calendar/campaigns/{world.id}.ics?lang={lang}").data
    texts = TEXTS[lang]
    name = texts["feed"].format(name=world.name)
    show, *occurrences = _events_of(world)
    assert body.count(b"BEGIN:VEVENT") == 3
    components = [show, *series_components(occurrences, texts)]
    _same(body, reference_feed(name, f"campaigns/{world.id}", components, texts))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_personal_feed_with_reminders_is_byte_for_byte_what_icalendar_writes(
    client, world, make_user, make_calendar_token, personal_source, lang
):
    user = make_user("志愿者")
    token = make_calendar_token(user, remind_day_before=True)
    events = _events_of(world)
    personal_source({user.id: events})
    body = client.get(f"/calendar/me/{token.token}.ics?lang={lang}").data
    texts = TEXTS[lang]
    assert body.count(b"BEGIN:VEVENT") == 5  # the occurrences one by one
    assert body.count(b"BEGIN:VALARM") == 4  # not for the cancelled occurrence
    _same(body, reference_feed(texts["mine"], f"me/{user.id}", events, texts, remind=True))


def test_the_compared_feed_holds_the_cases_it_is_meant_to_check(client, world):
    body = client.get(f"/calendar/campaigns/{world.id}.ics?lang=zh").data
    text = body.decode().replace("\r\n ", "")
    assert "RRULE:FREQ=WEEKLY;COUNT=4" in text and "EXDATE;TZID=Asia/Shanghai:" in text
    assert text.count("RECURRENCE-ID;TZID=Asia/Shanghai:") == 1
    assert "\\;" in text and "\\," in text and "\\n" in text and "\\\\" in text
    assert "GEO:36.0671;120.3826" in text
    assert 'ORGANIZER;CN="市文明办, 宣传处":mailto:no-reply@xinfeng.invalid' in text
    sequences = sorted(line for line in text.split("\r\n") if line.startswith("SEQUENCE:"))
    # The show (published), the series (its cancelled date: 2) and the moved date (2).
    assert sequences == ["SEQUENCE:1", "SEQUENCE:2", "SEQUENCE:2"]
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75 and sum(line[:1] == b" " for line in lines) > 10
    personal_cases = reference_feed("x", "x", _events_of(world), TEXTS["zh"]).decode()
    assert "STATUS:CANCELLED" in personal_cases and "SUMMARY:[已取消] " in personal_cases
