"""Labels and icons of event kinds and statuses: the one place other features read them.

Each kind's colour is here for what the server draws (the share image) and in its
``.kind-<value>`` rule in static/css/app.css for pages (no inline styles: the content policy
forbids them); tests/test_posters.py keeps the two the same."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from planner.events.models import EventKind, EventStatus


@dataclass(frozen=True)
class KindStyle:
    label: object  # lazily translated
    icon: str  # a symbol shown beside the label (aria-hidden)
    colour: str  # "#rrggbb", as app.css's --kind-colour


KINDS: dict[EventKind, KindStyle] = {
    EventKind.CLEANUP: KindStyle(_l("Cleanup drive"), "🧹", "#2e7d32"),
    EventKind.SHOW: KindStyle(_l("Opera and drama show"), "🎭", "#6a1b9a"),
    EventKind.BANQUET: KindStyle(_l("Neighbourhood banquet"), "🍲", "#bf360c"),
    EventKind.GALA: KindStyle(_l("Gala"), "🎉", "#b3261e"),
    EventKind.LECTURE: KindStyle(_l("Lecture"), "🎤", "#1565c0"),
    EventKind.QUIZ: KindStyle(_l("Prize quiz"), "❓", "#00695c"),
    EventKind.SERVICE: KindStyle(_l("Volunteer service"), "🤝", "#4e342e"),
}

STATUS_LABELS: dict[EventStatus, object] = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.COMPLETED: _l("Completed"),
    EventStatus.CANCELLED: _l("Cancelled"),
}

STATUS_BADGES: dict[EventStatus, str] = {
    EventStatus.DRAFT: "text-bg-secondary",
    EventStatus.PUBLISHED: "text-bg-success",
    EventStatus.COMPLETED: "text-bg-dark",
    EventStatus.CANCELLED: "text-bg-danger",
}


def kind_label(kind: EventKind) -> str:
    return str(KINDS[kind].label)


def kind_choices() -> list[tuple[str, object]]:
    return [(kind.value, style.label) for kind, style in KINDS.items()]
