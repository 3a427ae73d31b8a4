"""Connects sign-ups to the features that ask about them, through ``planner.signals``."""

from __future__ import annotations

from planner import signals
from planner.signups import bookings, places, reports


def register() -> None:
    """Connect sign-ups' receivers at app creation (connecting again changes nothing)."""
    signals.event_participants.connect(reports.participants)
    signals.shift_places_added.connect(places.promote_from_waitlist)
    signals.seats_added.connect(bookings.promote_waiting_parties)
    signals.personal_events.connect(reports.personal_events)
