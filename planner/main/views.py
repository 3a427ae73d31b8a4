"""Home page, health check and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.orm import joinedload

from planner import pagecache
from planner.accounts.services import PRIVACY_NOTICE_VERSION
from planner.directory import services as directory
from planner.directory.models import (
    VolunteerTeam,
)
from planner.events.queries import events_version
from planner.extensions import csrf, db
from planner.i18n import LOCALE_COOKIE
from planner.urls import safe_next

bp = Blueprint("main", __name__)

HOME_TEAMS = 12


@bp.get("/")
@pagecache.cached_for_visitors(events_version)
def home():
    teams = db.session.scalars(
        db.select(VolunteerTeam)
        .where(VolunteerTeam.archived_at.is_(None))
        .options(joinedload(VolunteerTeam.department), joinedload(VolunteerTeam.community))
        .order_by(
            VolunteerTeam.department_id.is_not(None),
            VolunteerTeam.community_id.is_not(None),
            VolunteerTeam.name,
        )
        .limit(HOME_TEAMS + 1)
    ).all()
    return render_template(
        "main/home.html",
        districts=directory.active_districts(),
        departments=directory.active_departments(),
        partners=directory.active_partners(),
        teams=teams[:HOME_TEAMS],
        more_teams=len(teams) > HOME_TEAMS,
    )


@bp.get("/healthz")
@csrf.exempt
def healthz():
    db.session.execute(text("SELECT 1"))
    response = make_response("ok", 200)
    response.mimetype = "text/plain"
    return response


@bp.get("/privacy")
def privacy():
    """The privacy notice: one whole document per language, so each is reviewed as it is read."""
    language = "zh_Hans_CN" if get_locale().language == "zh" else "en"
    return render_template(f"main/privacy_{language}.html", version=PRIVACY_NOTICE_VERSION)


@bp.post("/language")
def set_language():
    """Switch the page language; remembered in a cookie and, when logged in, on the profile."""
    locale = request.form.get("locale", "")
    if locale not in current_app.config["PLANNER_LOCALES"]:
        locale = current_app.config["PLANNER_DEFAULT_LOCALE"]
    if current_user.is_authenticated:
        current_user.locale = locale
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
