"""Locale and time-zone selection, and formatting helpers for templates."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_time, get_locale, ngettext
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


# One date format per language: the long form (with the weekday) on event pages and in
# sentences, the short form in tables and lists. Every template and message uses these.
DATE_PATTERNS = {
    "zh": {"short": "y年M月d日", "long": "y年M月d日 EEEE"},
    "en": {"short": "d MMM y", "long": "EEEE d MMMM y"},
}
TIME_PATTERN = "HH:mm"


def _date_pattern(form: str) -> str:
    language = "en" if str(get_locale() or "").startswith("en") else "zh"
    return DATE_PATTERNS[language]["long" if form in ("long", "full") else "short"]


def format_local_date(value, form: str = "short") -> str:
    """A date (or the local date of a moment): ``form`` is ``long`` or ``short``."""
    return format_date(value, _date_pattern(form)) if value else ""


def format_local_datetime(value, form: str = "short") -> str:
    """A moment in the app's time zone: its date (``long`` or ``short``) and its time."""
    return format_datetime(value, f"{_date_pattern(form)} {TIME_PATTERN}") if value else ""


def format_local_time(value, form: str = "short") -> str:
    return format_time(value, TIME_PATTERN) if value else ""


def format_minutes(minutes: int) -> str:
    """A length of time in whole hours where it is whole hours (2 小时), else in minutes."""
    if minutes and minutes % 60 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def register_filters(app) -> None:
    app.jinja_env.filters["minutes"] = format_minutes
    # medium, short and no argument are the short form; long and full the long one.
    app.jinja_env.filters["datetime"] = format_local_datetime
    app.jinja_env.filters["date"] = format_local_date
    app.jinja_env.filters["time"] = format_local_time
