"""The main navigation: each feature adds its public entry here, in reading order."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MAIN_NAV: list[tuple[str, object]] = [
    ("directory.districts", _l("Communities")),
    ("directory.departments", _l("Departments")),
    ("directory.teams", _l("Teams")),
    ("quizzes.index", _l("Quizzes")),
]


def register(app) -> None:
    from flask_babel import get_locale

    from planner import permissions
    from planner.i18n import html_lang

    @app.context_processor
    def _globals():
        return {
            "main_nav": lambda: MAIN_NAV,
            "html_lang": html_lang,
            "get_locale": get_locale,
            "is_admin": permissions.is_admin,
            "is_organiser": permissions.is_organiser,
            "can_manage": permissions.can_manage,
        }
