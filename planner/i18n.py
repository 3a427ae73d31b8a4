"""Locale and time-zone selection, and formatting helpers for templates."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_time
from flask_login import current_user

LOCALE_COOKIE = "locale"
HTML_LANG = {"zh_Hans_CN": "zh-CN", "en": "en"}


def supported_locales() -> list[str]:
    return current_app.config["PLANNER_LOCALES"]


def select_locale() -> str:
    """The user's preference, then the switch's cookie, then Accept-Language, then the default."""
    locales = supported_locales()
    if not has_request_context():  # CLI jobs and services run outside a request
        return current_app.config["PLANNER_DEFAULT_LOCALE"]
    user = current_user if current_user and current_user.is_authenticated else None
    if user is not None and user.locale in locales:
        return user.locale
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in locales:
        return cookie
    best = request.accept_languages.best_match(
        locales + ["zh", "zh_CN", "zh-CN", "zh-Hans", "en-US", "en-GB"]
    )
    if best:
        return "en" if best.lower().startswith("en") else "zh_Hans_CN"
    return current_app.config["PLANNER_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["PLANNER_TIMEZONE"]


def html_lang(locale) -> str:
    return HTML_LANG.get(str(locale), str(locale).replace("_", "-"))


def register_filters(app) -> None:
    app.jinja_env.filters["datetime"] = lambda v, fmt="medium": format_datetime(v, fmt) if v else ""
    app.jinja_env.filters["date"] = lambda v, fmt="medium": format_date(v, fmt) if v else ""
    app.jinja_env.filters["time"] = lambda v, fmt="short": format_time(v, fmt) if v else ""
