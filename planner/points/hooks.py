"""Connects the points ledger to the records that earn points, through ``planner.signals``."""

from __future__ import annotations

from planner import signals
from planner.points import services, shop
from planner.signups import bookings


def _hours_credited(signup) -> None:
    services.on_hours_credited(signup)


def _event_completed(event) -> None:
    for booking in bookings.audience_of(event):
        services.on_audience_attended(booking)


def _attempt_finished(attempt) -> None:
    services.on_attempt_finished(attempt)


def _ledger_data(user):
    return "points", services.ledger_data(user)


def _redemptions_data(user):
    return "redemptions", shop.redemptions_data(user)


def register() -> None:
    """Connect the receivers at app creation (connecting again changes nothing)."""
    signals.hours_credited.connect(_hours_credited)
    signals.event_completed.connect(_event_completed)
    signals.attempt_finished.connect(_attempt_finished)
    signals.personal_data.connect(_ledger_data)
    signals.personal_data.connect(_redemptions_data)
