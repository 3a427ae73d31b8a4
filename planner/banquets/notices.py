"""What the banquet tells households, through the outbox: a dish claimed, and the day before."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _

from planner.banquets.models import DishClaim
from planner.banquets.names import category_name
from planner.events.models import Event
from planner.notifications import services as notifications
from planner.signups.models import SeatBooking


def _notify(user, key: str, make) -> None:
    """Queue one message written in the user's language; ``key`` makes it idempotent."""
    if user.deleted_at is not None:
        return
    with notifications.in_language_of(user):
        subject, body = make()
    notifications.queue(user, subject, body, dedupe_key=key[:120])


def _dish(claim: DishClaim) -> str:
    return f"{claim.name}（{category_name(claim.category)}）"


def notify_claimed(claim: DishClaim, event: Event) -> None:
    """A household claimed or changed its dish."""
    _notify(
        claim.user,
        f"dish:{claim.id}:{claim.revision}",
        lambda: (
            _("Your dish for %(event)s", event=event.title),
            _(
                "Thank you: you bring %(dish)s ×%(plates)d to “%(event)s” on %(when)s.",
                dish=_dish(claim),
                plates=claim.plates,
                event=event.title,
                when=format_datetime(event.starts_at, "short"),
            ),
        ),
    )


def notify_reminder(booking: SeatBooking, table: int | None, claim: DishClaim | None) -> None:
    """The day before: the household's table number and the dish it brings."""
    event = booking.event

    def make():
        lines = [
            _(
                "A reminder: “%(event)s” starts %(when)s at %(venue)s.",
                event=event.title,
                when=format_datetime(event.starts_at, "short"),
                venue=event.venue or event.address,
            ),
            _("Your table: %(number)d.", number=table) if table else _("Tables are not set yet."),
            _("Your dish: %(dish)s.", dish=_dish(claim)) if claim else _("You bring no dish."),
            _("Please take only what you will eat, and bring a container for what is left."),
        ]
        return _("Tomorrow: %(event)s", event=event.title), "\n".join(lines)

    _notify(booking.user, f"banquet:{booking.id}:{event.starts_at.date().isoformat()}", make)
