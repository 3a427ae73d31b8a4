"""Labels and icons of event kinds and statuses: the one place other features read them.

Each kind's colour is its ``.kind-<value>`` rule in static/css/app.css (no inline styles: the
content policy forbids them)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from planner.events.models import EventKind, EventStatus


@dataclass(frozen=True)
class KindStyle:
    label: object  # lazily translated
    icon: str  # a symbol shown beside the label (aria-hidden)


KINDS: dict[EventKind, KindStyle] = {
    EventKind.CLEANUP: KindStyle(_l("Cleanup drive"), "🧹"),
    EventKind.SHOW: KindStyle(_l("Opera and drama show"), "🎭"),
    EventKind.BANQUET: KindStyle(_l("Neighbourhood banquet"), "🍲"),
    EventKind.GALA: KindStyle(_l("Gala"), "🎉"),
    EventKind.LECTURE: KindStyle(_l("Lecture"), "🎤"),
    EventKind.QUIZ: KindStyle(_l("Prize quiz"), "❓"),
    EventKind.SERVICE: KindStyle(_l("Volunteer service"), "🤝"),
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
