"""Rendering a feed as iCalendar (RFC 5545 with the RFC 7986 calendar properties).

Call ``render`` inside ``flask_babel.force_locale``: every text comes out in that language. Only
organisations and places appear: never a volunteer's name or phone, never an ATTENDEE.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import icalendar
from flask_babel import gettext as _
from flask_babel import ngettext

from planner.calendar.services import KIND_LABELS, Feed
from planner.events.models import Event, EventStatus, HostRole
from planner.timeutil import local_zone

PRODID = "-//Xinfeng//Xinfeng calendar feeds//ZH"


@lru_cache(maxsize=4)
def vtimezone(tzid: str) -> icalendar.Timezone:
    """The VTIMEZONE for ``tzid``, built from zoneinfo once per process (it is slow to build)."""
    component = icalendar.Timezone.from_tzid(
        tzid, first_date=date(2000, 1, 1), last_date=date(2100, 1, 1)
    )
    component.pop("COMMENT", None)
    return component


def event_page_url(base_url: str, event: Event) -> str:
    # The event page's address is part of the public URL contract (DESIGN §3).
    return f"{base_url.rstrip('/')}/events/{event.id}"


def render(feed: Feed, events: list[Event], *, base_url: str, refresh_hours: int) -> bytes:
    """The whole feed as iCalendar bytes (UTF-8, lines folded at 75 octets)."""
    zone = local_zone()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = str(feed.name)
    calendar.add("uid", feed.uid)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    refresh = timedelta(hours=refresh_hours)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(refresh).to_ical().decode())
    if events:
        calendar.add_component(vtimezone(zone.key))
    for event in events:
        calendar.add_component(_vevent(event, feed, base_url, zone))
    return calendar.to_ical()


def _vevent(event: Event, feed: Feed, base_url: str, zone) -> icalendar.Event:
    cancelled = event.status == EventStatus.CANCELLED
    url = event_page_url(base_url, event)
    summary = _("[Cancelled]") + " " + event.title if cancelled else event.title
    component = icalendar.Event()
    component.add("uid", event.uuid)
    # The latest change of any kind; never before LAST-MODIFIED.
    component.add("dtstamp", max(event.updated_at, event.revised_at or event.updated_at))
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    component.add("sequence", event.revision)
    component.add("created", event.created_at)
    component.add("last-modified", event.revised_at or event.created_at)
    component.add("summary", summary)
    location = _location(event)
    if location:
        component.add("location", location)
    component.add("description", _description(event, url, zone))
    component.add("url", url)
    categories = [str(KIND_LABELS[event.kind])]
    if event.campaign is not None:
        categories.append(event.campaign.name)
    component.add("categories", categories)
    if event.latitude is not None and event.longitude is not None:
        component.add("geo", (event.latitude, event.longitude))
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("class", "PUBLIC")
    if feed.remind_day_before and not cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Tomorrow: %(title)s", title=event.title))
        alarm.add("trigger", timedelta(days=-1))
        component.add_component(alarm)
    return component


def _location(event: Event) -> str:
    parts = [event.venue, event.address]
    community = event.community
    if community is not None:
        parts += [community.name, community.street.name, community.street.district.name]
    return ", ".join(part for part in parts if part)


def _description(event: Event, url: str, zone) -> str:
    separator = _(", ")
    lines = []
    if event.status == EventStatus.CANCELLED:
        lines.append(
            _("Cancelled: %(reason)s", reason=event.cancel_reason)
            if event.cancel_reason
            else _("This event has been cancelled.")
        )
    lines.append(_("Kind: %(kind)s", kind=KIND_LABELS[event.kind]))
    if event.campaign is not None:
        lines.append(_("Campaign: %(name)s", name=event.campaign.name))
    hosts = [
        host.organisation.name + (_(" (co-host)") if host.role == HostRole.COHOST else "")
        for host in event.hosts
        if host.organisation is not None
    ]
    if hosts:
        lines.append(_("Hosts: %(names)s", names=separator.join(hosts)))
    if event.description:
        lines += ["", event.description.strip()]
    if event.programme:
        lines += ["", _("Programme:")]
        for number, item in enumerate(event.programme, start=1):
            line = f"{number}. {item.title}"
            if item.performer:
                line += f" — {item.performer}"
            lines.append(line)
    if event.shifts:
        lines += ["", _("Shifts:")]
        for shift in event.shifts:
            places = ngettext(
                "%(num)d place left of %(capacity)d",
                "%(num)d places left of %(capacity)d",
                shift.remaining,
                capacity=shift.capacity,
            )
            times = _times(shift.starts_at, shift.ends_at, zone)
            lines.append(
                "- "
                + _("%(role)s %(times)s: %(places)s", role=shift.role, times=times, places=places)
            )
    lines += ["", _("Details and sign-up: %(url)s", url=url)]
    return "\n".join(lines)


def _times(starts_at, ends_at, zone) -> str:
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"
