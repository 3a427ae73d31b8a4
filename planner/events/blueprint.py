"""The events blueprint and what its view modules share: template globals, choices, paging."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from planner import organisations, permissions
from planner.directory import services as directory_services
from planner.events import queries, timing
from planner.events.kinds import KINDS, STATUS_BADGES, STATUS_LABELS
from planner.timeutil import to_local

bp = Blueprint("events", __name__)


@bp.record_once
def _event_globals(state):
    # Globals, not a context processor: imported macros (events/_macros.html) see them too.
    state.app.jinja_env.globals.update(
        event_kinds=KINDS,
        event_status_labels=STATUS_LABELS,
        event_status_badges=STATUS_BADGES,
        can_manage_event=permissions.can_manage_event,
        leads_any_team=permissions.leads_any_team,
        to_local=to_local,
    )


# ---------------------------------------------------------------- organisations as choices


def org_choices(choices) -> list[tuple[str, str]]:
    return [(organisations.key_of(o), organisations.label_of(o)) for o in choices]


def community_choices() -> list:
    return [(None, _("— none —"))] + [
        (c.id, f"{c.street.district.name} · {c.street.name} · {c.name}")
        for c in queries.communities_with_places()
    ]


def campaign_choices() -> list:
    return [(None, _("— none —"))] + [(c.id, c.name) for c in queries.campaigns_newest_first()]


def team_choices(blank: str) -> list:
    return [(None, blank)] + [(t.id, t.name) for t in directory_services.active_teams()]


bp.add_app_template_global(timing.took_place, "took_place")


@bp.app_template_global()
def organisation_url(organisation) -> str:
    return organisations.url_of(organisation)
