"""Home page, health check and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from planner import pagecache
from planner.accounts import services as accounts
from planner.directory import services as directory
from planner.errors import domain_errors_go_to
from planner.events.queries import events_version
from planner.extensions import csrf, db
from planner.i18n import LOCALE_COOKIE
from planner.inputs import optional_id
from planner.main import services
from planner.urls import safe_next

bp = Blueprint("main", __name__)

ONE_YEAR = 365 * 24 * 3600


def _cookie_community() -> int | str:
    """The visitor's community as the page cache keys it (parsed: nothing else reaches the key)."""
    return (
        services.community_id_from_cookie(request.cookies.get(services.MY_COMMUNITY_COOKIE)) or ""
    )


@bp.get("/")
@pagecache.cached_for_visitors(events_version, vary=_cookie_community)
def home():
    districts = directory.active_districts()
    events, more_events = services.whats_on()
    chosen = services.chosen_community_id(
        current_user, request.cookies.get(services.MY_COMMUNITY_COOKIE)
    )
    teams, more_teams = services.home_teams()
    return render_template(
        "main/home.html",
        events=events,
        more_events=more_events,
        fortnight=services.fortnight(),
        mine=services.my_community(chosen),
        districts=districts,
        departments=directory.active_departments(),
        partners=directory.active_partners(),
        teams=teams,
        more_teams=more_teams,
    )


@bp.post("/my-community")
@domain_errors_go_to("main.home")
def pick_community():
    """Remember the resident's community: in a cookie, and on the profile of a member."""
    community_id = optional_id(request.form.get("community", ""))
    if request.form.get("community") and community_id is None:
        raise services.UnknownCommunity()
    user = current_user if current_user.is_authenticated else None
    community = services.pick_community(user, community_id)
    db.session.commit()
    response = redirect(url_for("main.home") + ("#my-community" if community else ""))
    if community is None:
        response.delete_cookie(services.MY_COMMUNITY_COOKIE)
    else:
        response.set_cookie(
            services.MY_COMMUNITY_COOKIE,
            str(community.id),
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it at the root whatever the page links."""
    response = make_response(services.favicon_bytes(current_app.static_folder))
    response.mimetype = "image/x-icon"
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: what *Add to home screen* shows (name, icon, colours)."""
    response = jsonify(services.web_app_manifest(str(get_locale())))
    response.mimetype = "application/manifest+json"
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


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
        max_age=ONE_YEAR,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
