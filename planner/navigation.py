"""The main navigation: each feature adds its public entry here, in reading order."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MAIN_NAV: list[tuple[str, object]] = [
    ("events.listing", _l("Events")),
    ("events.campaigns", _l("Campaigns")),
    ("directory.districts", _l("Communities")),
    ("directory.departments", _l("Departments")),
    ("directory.teams", _l("Teams")),
    ("signups.mine", _l("My volunteering")),
    ("points.mine", _l("My points")),
    ("quizzes.index", _l("Quizzes")),
    ("calendar.index", _l("Calendars")),
]
# Entries only some people see, each with who: the desk for those who organise or lead a team.
ROLE_NAV: list[tuple[str, object, str]] = [
    ("desk.desk", _l("Desk"), "acts_for_anyone"),
]


def register(app) -> None:
    from flask_babel import get_locale

    from planner import pagecache, permissions
    from planner.i18n import html_lang

    @app.context_processor
    def _globals():
        return {
            "main_nav": lambda: [
                *((e, label) for e, label, who in ROLE_NAV if getattr(permissions, who)()),
                *MAIN_NAV,
            ],
            "html_lang": html_lang,
            "get_locale": get_locale,
            "is_admin": permissions.is_admin,
            "is_organiser": permissions.is_organiser,
            "can_manage": permissions.can_manage,
            "personal": pagecache.personal,
            "member_name": pagecache.member_name,
        }
