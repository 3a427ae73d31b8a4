"""Home page, health check and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from planner import pagecache
from planner.accounts import services as accounts
from planner.directory import services as directory
from planner.events.queries import events_version
from planner.extensions import csrf, db
from planner.i18n import LOCALE_COOKIE
from planner.main import services
from planner.urls import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
@pagecache.cached_for_visitors(events_version)
def home():
    teams, more_teams = services.home_teams()
    return render_template(
        "main/home.html",
        districts=directory.active_districts(),
        departments=directory.active_departments(),
        partners=directory.active_partners(),
        teams=teams,
        more_teams=more_teams,
    )


@bp.get("/healthz")
@csrf.exempt
def healthz():
    services.ping()
    response = make_response("ok", 200)
    response.mimetype = "text/plain"
    return response


@bp.get("/privacy")
def privacy():
    """The privacy notice: one whole document per language, so each is reviewed as it is read."""
    language = "zh_Hans_CN" if get_locale().language == "zh" else "en"
    return render_template(f"main/privacy_{language}.html", version=accounts.PRIVACY_NOTICE_VERSION)


@bp.post("/language")
def set_language():
    """Switch the page language; remembered in a cookie and, when logged in, on the profile."""
    locale = request.form.get("locale", "")
    if locale not in current_app.config["PLANNER_LOCALES"]:
        locale = current_app.config["PLANNER_DEFAULT_LOCALE"]
    if current_user.is_authenticated:
        accounts.set_locale(current_user, locale)
        db.session.commit()
    response = redirect(safe_next())
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
