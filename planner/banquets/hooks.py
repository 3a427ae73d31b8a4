"""Connects the banquet to the features that ask about it, through ``planner.signals``."""

from __future__ import annotations

from planner import signals
from planner.banquets import services


def _remind(start, end) -> int:
    return services.send_reminders(start, end)


def _personal_data(user):
    return "dish_claims", services.claims_data(user)


def register() -> None:
    """Connect the banquet's receivers at app creation (connecting again changes nothing)."""
    signals.reminders_due.connect(_remind)
    signals.seats_cancelled.connect(services.household_left)
    signals.personal_data.connect(_personal_data)
