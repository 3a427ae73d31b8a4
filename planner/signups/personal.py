"""The reader's own parts of the event page and the sign-up page (shifts, seats): the holes of
``planner.pagecache``. Each filler reads its arguments (strings when a shared page is filled, so
each converts) and ``reports.my_places`` or ``reports.my_seat_places``, one query each per event
and request, and renders the same macro whether the page is rendered for one person or filled
from the shared copy. Views call ``prepare`` first, so that a template never queries."""

from __future__ import annotations

from flask import get_template_attribute, request

from planner import pagecache
from planner.signups import reports


def event_page_version(event_id: int) -> object:
    """The event page's version for volunteers, read with the places its holes show."""
    places = reports.event_places(event_id)
    return places.version if places is not None else None


def shift_page_version(shift_id: int) -> object:
    """The sign-up page's version (its event's), read with the places its holes show."""
    places = reports.shift_event_places(shift_id)
    return places.version if places is not None else None


def prepare(event_id: int, *, shifts: bool, seats: bool = False) -> None:
    """Load what the page's holes will read, before the template renders."""
    if shifts:
        reports.my_places(event_id)
    if seats:
        reports.my_seat_places(event_id)


def _places(shift_id, event_id) -> reports.ShiftPlaces | None:
    return reports.my_places(int(event_id)).get(int(shift_id))


@pagecache.hole("shift")
def shift_actions(shift_id, event_id, takes_volunteers) -> str:
    """Under a shift on the event page: places left, and the reader's sign-up or a button."""
    places = _places(shift_id, event_id)
    if places is None:
        return ""
    return get_template_attribute("events/_shift_actions.html", "shift_actions")(
        places, bool(int(takes_volunteers))
    )


@pagecache.hole("signed_up_alert")
def signed_up_alert(shift_id, event_id) -> str:
    """On the page a sign-up leads to (``?done=1``): what became of it."""
    places = _places(shift_id, event_id)
    if request.args.get("done") != "1" or places is None:
        return ""
    return get_template_attribute("signups/_signup_panel.html", "signed_up_alert")(places.status)


@pagecache.hole("places_free")
def places_free(shift_id, event_id) -> str:
    places = _places(shift_id, event_id)
    if places is None:
        return ""
    return get_template_attribute("signups/_signup_panel.html", "places_free")(places)


@pagecache.hole("signup_panel")
def signup_panel(shift_id, event_id, takes_volunteers, cutoff_minutes) -> str:
    """The sign-up page's action: the reader's sign-up with its cancel button, or the form."""
    places = _places(shift_id, event_id)
    if places is None:
        return ""
    return get_template_attribute("signups/_signup_panel.html", "signup_panel")(
        places, bool(int(takes_volunteers)), int(cutoff_minutes)
    )


@pagecache.hole("seats")
def seat_actions(event_id, takes_volunteers) -> str:
    """Under the event's facts: audience seats free, and the reader's booking or a button."""
    seats = reports.my_seat_places(int(event_id))
    if seats is None:
        return ""
    return get_template_attribute("events/_seat_actions.html", "seat_actions")(
        int(event_id), seats, bool(int(takes_volunteers))
    )
