"""Rendering a feed as iCalendar (RFC 5545 with the RFC 7986 calendar properties).

Call ``render`` inside ``flask_babel.force_locale``: every text comes out in that language. Only
organisations and places appear: never a volunteer's name or phone, never an ATTENDEE; the
ORGANIZER that METHOD:PUBLISH asks for is the host organisation at the configured no-reply address.
In feeds that publish series, a series is one VEVENT with its RRULE, EXDATEs and overrides (what
goes where: ``planner.calendar.recurrence``).

The text is written directly, in the property order and folding of the ``icalendar`` library
(which still builds the VTIMEZONE): building its objects took a second for 1,000 events.
tests/test_calendar_ics_reference.py builds feeds with the library's objects and checks the bytes
are the same.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import icalendar
from flask import current_app
from flask_babel import get_translations

from planner.calendar import recurrence
from planner.calendar.services import KIND_LABELS, Feed, FeedEvent
from planner.events.models import EventStatus, HostRole
from planner.timeutil import local_zone

PRODID = "-//Xinfeng//Xinfeng calendar feeds//ZH"
FOLD_OCTETS = 74  # octets of content a line; with the CRLF or the fold's space, at most 75 + 2


@lru_cache(maxsize=4)
def vtimezone(tzid: str) -> str:
    """The VTIMEZONE for ``tzid``, built from zoneinfo once per process (it is slow to build)."""
    component = icalendar.Timezone.from_tzid(
        tzid, first_date=date(2000, 1, 1), last_date=date(2100, 1, 1)
    )
    component.pop("COMMENT", None)
    return component.to_ical().decode()


def event_page_url(base_url: str, event_id: int) -> str:
    # The event page's address is part of the public URL contract (DESIGN §3).
    return f"{base_url.rstrip('/')}/events/{event_id}"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line with its CRLF, folded before 75 octets and never inside a character.

    Like ``icalendar``, a fold never separates a backslash from the character it escapes.
    """
    data = line.encode()
    if len(data) <= FOLD_OCTETS:
        return line + "\r\n"
    parts = []
    start, end = 0, len(data)
    while end - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation octet: not a character's start
            cut -= 1
        if data[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode() + "\r\n"


def _utc(value: datetime) -> str:
    return _local(value.astimezone(UTC)) + "Z"


def _local(value: datetime) -> str:
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031 - several times faster than strftime
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
    )


def duration(value: timedelta) -> str:
    return icalendar.vDuration(value).to_ical().decode()


class _Texts:
    """The translated texts of one render, looked up once (not once an event)."""

    def __init__(self) -> None:
        translations = get_translations()
        gettext = translations.ugettext
        self.ngettext = translations.ungettext
        self.cancelled_prefix = gettext("[Cancelled]") + " "
        self.separator = gettext(", ")
        self.cancelled_because = gettext("Cancelled: %(reason)s")
        self.cancelled = gettext("This event has been cancelled.")
        self.kind = gettext("Kind: %(kind)s")
        self.campaign = gettext("Campaign: %(name)s")
        self.cohost = gettext(" (co-host)")
        self.hosts = gettext("Hosts: %(names)s")
        self.programme = gettext("Programme:")
        self.shifts = gettext("Shifts:")
        self.shift = gettext("%(role)s %(times)s: %(places)s")
        self.details = gettext("Details and sign-up: %(url)s")
        self.tomorrow = gettext("Tomorrow: %(title)s")
        self.site = gettext("Xinfeng")
        self.kinds = {kind: str(label) for kind, label in KIND_LABELS.items()}
        self._places: dict[tuple[int, int], str] = {}
        self._times: dict[tuple[datetime, datetime], str] = {}

    def places(self, remaining: int, capacity: int) -> str:
        key = (remaining, capacity)
        text = self._places.get(key)
        if text is None:
            template = self.ngettext(
                "%(num)d place left of %(capacity)d",
                "%(num)d places left of %(capacity)d",
                remaining,
            )
            text = self._places[key] = template % {"num": remaining, "capacity": capacity}
        return text

    def capacity(self, capacity: int) -> str:
        template = self.ngettext("%(num)d place", "%(num)d places", capacity)
        return template % {"num": capacity}

    def times(self, starts_at: datetime, ends_at: datetime, zone) -> str:
        # Shifts mostly share their event's times: format each pair once.
        key = (starts_at, ends_at)
        text = self._times.get(key)
        if text is None:
            text = self._times[key] = _times(starts_at, ends_at, zone)
        return text


def render(feed: Feed, events: list[FeedEvent], *, base_url: str, refresh_hours: int) -> bytes:
    """The whole feed as iCalendar bytes (UTF-8, CRLF, lines folded at 75 octets)."""
    zone = local_zone()
    name = escape_text(str(feed.name))
    refresh = duration(timedelta(hours=refresh_hours))
    out = [
        "BEGIN:VCALENDAR\r\n",
        "VERSION:2.0\r\n",
        fold("PRODID:" + escape_text(PRODID)),
        "CALSCALE:GREGORIAN\r\n",
        "METHOD:PUBLISH\r\n",
        fold("NAME:" + name),
        fold("X-WR-CALNAME:" + name),
        fold("REFRESH-INTERVAL;VALUE=DURATION:" + refresh),
        fold("UID:" + escape_text(feed.uid)),
        fold("X-PUBLISHED-TTL:" + escape_text(refresh)),
        fold("X-WR-TIMEZONE:" + escape_text(zone.key)),
    ]
    if events:
        out.append(vtimezone(zone.key))
    writer = _Writer(feed, base_url, zone, _Texts())
    for item in recurrence.items(events) if feed.series else events:
        out.append(writer.series(item) if isinstance(item, list) else writer.single(item))
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode()


@lru_cache(maxsize=1024)
def _organizer(name: str, email: str) -> str:
    # The parameter quoted and escaped (RFC 6868) exactly as icalendar writes it.
    cn = icalendar.Parameters({"CN": name}).to_ical().decode()
    return fold(f"ORGANIZER;{cn}:mailto:{email}")


def _last_modified(event: FeedEvent) -> datetime:
    return max(s for s in (event.modified_at, event.revised_at, event.created_at) if s)


def _stamp(event: FeedEvent) -> datetime:
    # The latest change of any kind; never before LAST-MODIFIED.
    return max(s for s in (event.updated_at, event.revised_at, event.modified_at) if s)


class _Writer:
    """Writes the VEVENTs of one render: single events, and series with their overrides."""

    def __init__(self, feed: Feed, base_url: str, zone, texts: _Texts) -> None:
        self.feed, self.base_url, self.zone, self.texts = feed, base_url, zone, texts
        self.email = current_app.config["PLANNER_CALENDAR_ORGANIZER_EMAIL"]
        # DTSTART and DTEND in the local zone with its TZID, as icalendar writes them; UTC has
        # none.
        if zone.key == "UTC":
            self.tzid, self.suffix = "", "Z"
        else:
            self.tzid, self.suffix = f";TZID={zone.key}", ""

    def _time(self, name: str, *values: datetime) -> str:
        times = ",".join(_local(value.astimezone(self.zone)) + self.suffix for value in values)
        return f"{name}{self.tzid}:{times}\r\n"

    def single(self, event: FeedEvent) -> str:
        """An event on its own (or an occurrence outside a published series), with its own UID."""
        url = event_page_url(self.base_url, event.id)
        return self._vevent(
            event,
            self._content(event, url, in_series=False),
            head=[
                self._time("DTSTART", event.starts_at),
                self._time("DTEND", event.ends_at),
                "DTSTAMP:" + _utc(_stamp(event)) + "\r\n",
                fold("UID:" + escape_text(event.uuid)),
                f"SEQUENCE:{event.revision}\r\n",
            ],
            created=event.created_at,
            last_modified=_last_modified(event),
        )

    def series(self, occurrences: list[FeedEvent]) -> str:
        """A series: one VEVENT with its rule and EXDATEs, then each override (RECURRENCE-ID)."""
        plan = recurrence.plan(
            occurrences, self.zone, lambda e: tuple(self._content(e, "", in_series=True))
        )
        uid = fold("UID:" + escape_text(plan.uid))
        master = plan.master
        head = [
            self._time("DTSTART", plan.start),
            self._time("DTEND", plan.end),
            "DTSTAMP:" + _utc(max(_stamp(o) for o in occurrences)) + "\r\n",
            uid,
            f"SEQUENCE:{max(o.revision for o in occurrences)}\r\n",
        ]
        if plan.rrule:
            head.append("RRULE:" + plan.rrule + "\r\n")
        if plan.rdates:
            head.append(fold(self._time("RDATE", *plan.rdates)[:-2]))
        if plan.exdates:
            head.append(fold(self._time("EXDATE", *plan.exdates)[:-2]))
        url = event_page_url(self.base_url, master.id)
        parts = [
            self._vevent(
                master,
                self._content(master, url, in_series=True),
                head=head,
                created=min(o.created_at for o in occurrences),
                last_modified=max(_last_modified(o) for o in occurrences),
            )
        ]
        for recurrence_id, event in plan.overrides:
            url = event_page_url(self.base_url, event.id)
            parts.append(
                self._vevent(
                    event,
                    self._content(event, url, in_series=True),
                    head=[
                        self._time("DTSTART", event.starts_at),
                        self._time("DTEND", event.ends_at),
                        "DTSTAMP:" + _utc(_stamp(event)) + "\r\n",
                        uid,
                        self._time("RECURRENCE-ID", recurrence_id),
                        f"SEQUENCE:{event.revision}\r\n",
                    ],
                    created=event.created_at,
                    last_modified=_last_modified(event),
                )
            )
        return "".join(parts)

    def _content(self, event: FeedEvent, url: str, *, in_series: bool) -> list[str]:
        """What the VEVENT shows besides its times, UID and stamps, in icalendar's order:
        SUMMARY, CATEGORIES, CLASS, DESCRIPTION, GEO, LOCATION, ORGANIZER, STATUS, URL."""
        texts = self.texts
        cancelled = event.status == EventStatus.CANCELLED
        summary = texts.cancelled_prefix + event.title if cancelled else event.title
        categories = [texts.kinds[event.kind]]
        if event.campaign is not None:
            categories.append(event.campaign)
        description = _description(event, url, self.zone, texts, in_series)
        geo = ""
        if event.latitude is not None and event.longitude is not None:
            geo = f"GEO:{float(event.latitude)};{float(event.longitude)}\r\n"
        location = _location(event)
        return [
            fold("SUMMARY:" + escape_text(summary)),
            fold("CATEGORIES:" + ",".join(escape_text(category) for category in categories)),
            "CLASS:PUBLIC\r\n",
            fold("DESCRIPTION:" + escape_text(description)),
            geo,
            fold("LOCATION:" + escape_text(location)) if location else "",
            _organizer(_organizer_name(event, texts), self.email),
            "STATUS:CANCELLED\r\n" if cancelled else "STATUS:CONFIRMED\r\n",
            fold("URL:" + url) if url else "",
        ]

    def _vevent(
        self,
        event: FeedEvent,
        content: list[str],
        *,
        head: list[str],
        created: datetime,
        last_modified: datetime,
    ) -> str:
        summary, categories, klass, description, geo, location, organizer, status, url = content
        lines = [
            "BEGIN:VEVENT\r\n",
            summary,
            *head,
            categories,
            klass,
            "CREATED:" + _utc(created) + "\r\n",
            description,
            geo,
            "LAST-MODIFIED:" + _utc(last_modified) + "\r\n",
            location,
            organizer,
            status,
            url,
        ]
        if self.feed.remind_day_before and event.status != EventStatus.CANCELLED:
            lines += [
                "BEGIN:VALARM\r\n",
                "ACTION:DISPLAY\r\n",
                fold("DESCRIPTION:" + escape_text(self.texts.tomorrow % {"title": event.title})),
                "TRIGGER:-P1D\r\n",
                "END:VALARM\r\n",
            ]
        lines.append("END:VEVENT\r\n")
        return "".join(lines)


def _organizer_name(event: FeedEvent, texts: _Texts) -> str:
    """The host organisation (the first host, else the first co-host), else the site's name."""
    for name, role in event.hosts:
        if role == HostRole.HOST:
            return name
    return event.hosts[0][0] if event.hosts else texts.site


def _location(event: FeedEvent) -> str:
    parts = [event.venue, event.address]
    if event.community is not None:
        parts += [event.community, event.street, event.district]
    return ", ".join(part for part in parts if part)


def _description(event: FeedEvent, url: str, zone, texts: _Texts, in_series: bool) -> str:
    lines = []
    if event.status == EventStatus.CANCELLED:
        lines.append(
            texts.cancelled_because % {"reason": event.cancel_reason}
            if event.cancel_reason
            else texts.cancelled
        )
    lines.append(texts.kind % {"kind": texts.kinds[event.kind]})
    if event.campaign is not None:
        lines.append(texts.campaign % {"name": event.campaign})
    hosts = [name + (texts.cohost if role == HostRole.COHOST else "") for name, role in event.hosts]
    if hosts:
        lines.append(texts.hosts % {"names": texts.separator.join(hosts)})
    if event.description:
        lines += ["", event.description.strip()]
    if event.programme:
        lines += ["", texts.programme]
        for number, (title, performer) in enumerate(event.programme, start=1):
            line = f"{number}. {title}"
            if performer:
                line += f" — {performer}"
            lines.append(line)
    if event.shifts:
        lines += ["", texts.shifts]
        for shift in event.shifts:
            if in_series:
                # What every date of a series shows alike: times of day and places in all.
                places = texts.capacity(shift.capacity)
                times = _times_of_day(shift.starts_at, shift.ends_at, zone)
            else:
                places = texts.places(shift.remaining, shift.capacity)
                times = texts.times(shift.starts_at, shift.ends_at, zone)
            lines.append(
                "- " + texts.shift % {"role": shift.role, "times": times, "places": places}
            )
    lines += ["", texts.details % {"url": url}]
    return "\n".join(lines)


def _times_of_day(starts_at, ends_at, zone) -> str:
    # A shift into the small hours is still a time of day; one of a day or more needs its dates.
    if ends_at - starts_at < timedelta(days=1):
        start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
        return f"{start:%H:%M}–{end:%H:%M}"
    return _times(starts_at, ends_at, zone)


def _times(starts_at, ends_at, zone) -> str:
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"
