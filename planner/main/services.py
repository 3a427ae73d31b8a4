"""What the home page shows (what is on, my community, the directory) and the health check's
database round trip."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import text
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.directory import services as directory
from planner.directory.models import Community, ConventionItem, VolunteerTeam
from planner.events.listing import ListingFilter, listing_query
from planner.events.models import Event
from planner.exceptions import DomainError
from planner.extensions import db
from planner.i18n import html_lang
from planner.inputs import optional_id
from planner.timeutil import local_now

HOME_TEAMS = 12
# Cards in "this week and next": a busy fortnight links on to the full listing.
HOME_EVENTS = 6
COMMUNITY_EVENTS = 6
# The cookie that remembers a visitor's community (a member's is on the profile).
MY_COMMUNITY_COOKIE = "my_community"


class UnknownCommunity(DomainError):
    message = _l("There is no such community. Please pick one from the list.")


def home_teams(limit: int = HOME_TEAMS) -> tuple[list[VolunteerTeam], bool]:
    """Up to ``limit`` teams not archived, the city's first, then departments', then
    communities', by name; and whether there are more."""
    teams = db.session.scalars(
        db.select(VolunteerTeam)
        .where(VolunteerTeam.archived_at.is_(None))
        .options(joinedload(VolunteerTeam.department), joinedload(VolunteerTeam.community))
        .order_by(
            VolunteerTeam.department_id.is_not(None),
            VolunteerTeam.community_id.is_not(None),
            VolunteerTeam.name,
        )
        .limit(limit + 1)
    ).all()
    return list(teams[:limit]), len(teams) > limit


def fortnight() -> ListingFilter:
    """The listing's filter for this week and next: from today to the Sunday after next."""
    today = local_now().date()
    monday = today - timedelta(days=today.weekday())
    return ListingFilter(date_from=today, date_to=monday + timedelta(days=13))


def _first(filters: ListingFilter, limit: int) -> tuple[list[Event], bool]:
    """The first ``limit`` events the listing shows for ``filters``, and whether there are more."""
    events = db.session.scalars(listing_query(filters).limit(limit + 1)).unique().all()
    return list(events[:limit]), len(events) > limit


def whats_on(limit: int = HOME_EVENTS) -> tuple[list[Event], bool]:
    """Public events of this week and next, soonest first (the listing's own query)."""
    return _first(fortnight(), limit)


@dataclass
class MyCommunity:
    """What the home page shows of the community a resident picked."""

    community: Community
    events: list[Event] = field(default_factory=list)
    more_events: bool = False
    teams: list[VolunteerTeam] = field(default_factory=list)

    @property
    def convention(self) -> list[ConventionItem]:
        return list(self.community.convention_items)


def community_id_from_cookie(value: str | None) -> int | None:
    """The community id a visitor's cookie holds, or None for anything else."""
    return optional_id(value) if value else None


def chosen_community_id(user, cookie: str | None) -> int | None:
    """A member's community is on the profile; a visitor's (or a member's who has not picked one)
    in the cookie."""
    if user is not None and user.is_authenticated and user.community_id:
        return user.community_id
    return community_id_from_cookie(cookie)


def my_community(community_id: int | None) -> MyCommunity | None:
    """The picked community with its upcoming events, convention and teams; None when nothing
    is picked or the community is gone or archived."""
    if community_id is None:
        return None
    community = directory.community_with_convention(community_id)
    if community is None or community.is_archived:
        return None
    events, more = _first(ListingFilter(community=community.id), COMMUNITY_EVENTS)
    return MyCommunity(
        community=community,
        events=events,
        more_events=more,
        teams=directory.active_teams_of(community),
    )


def pick_community(user: User | None, community_id: int | None) -> Community | None:
    """Remember ``community_id`` as the member's community (None forgets it); returns it.

    Raises UnknownCommunity for an id that is no community open for picking."""
    community = None
    if community_id is not None:
        community = db.session.get(Community, community_id)
        if community is None or community.is_archived:
            raise UnknownCommunity()
    if user is not None:
        user.community_id = community.id if community else None
    return community


@functools.cache
def favicon_bytes(static_folder: str) -> bytes:
    """static/icons/favicon.ico, read once."""
    return (Path(static_folder) / "icons" / "favicon.ico").read_bytes()


THEME_COLOUR = "#b3261e"  # the header's red (static/css/app.css --xf-red)


def web_app_manifest(locale: str) -> dict:
    """The web app manifest in ``locale``: the name, the 新 icon (static/icons, drawn by
    scripts/make_icons.py) and the header's colour."""
    icon = functools.partial(url_for, "static")
    return {
        "name": _("Xinfeng — civilisation campaign planner"),
        "short_name": _("Xinfeng"),
        "lang": html_lang(locale),
        "start_url": url_for("main.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": icon(filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": icon(filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": icon(filename="icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


def ping() -> None:
    """One round trip to the database: raises if it does not answer."""
    db.session.execute(text("SELECT 1"))
