"""The ``quizzes`` blueprint and what its view modules share: the player cookie and loaders."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, g, request
from flask_babel import get_locale
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from planner import permissions
from planner.extensions import login_manager
from planner.quizzes import services
from planner.quizzes.models import Quiz

bp = Blueprint("quizzes", __name__)

PLAYER_COOKIE = "xf_player"
PLAYER_COOKIE_DAYS = 365


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="quiz-player")


def player_token(create: bool = False) -> str | None:
    """The anonymous player's id from a signed cookie; with ``create``, make one if missing."""
    if "player_token" in g:
        return g.player_token
    token = None
    raw = request.cookies.get(PLAYER_COOKIE)
    if raw:
        try:
            token = _serializer().loads(raw)
        except BadSignature:
            token = None
    if token is None and create:
        token = secrets.token_urlsafe(24)
        g.new_player_token = token
    g.player_token = token
    return token


@bp.after_app_request
def _set_player_cookie(response):
    token = g.pop("new_player_token", None)
    if token:
        response.set_cookie(
            PLAYER_COOKIE,
            _serializer().dumps(token),
            max_age=PLAYER_COOKIE_DAYS * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


@bp.app_template_global()
def localised(obj, attribute: str) -> str:
    """The English text of ``obj`` in the English locale when there is one, else the Chinese."""
    locale = get_locale()
    if locale is not None and locale.language == "en":
        english = getattr(obj, attribute + "_en", "")
        if english:
            return english
    return getattr(obj, attribute)


def load_quiz(quiz_id: int, manage: bool = False) -> Quiz:
    """The quiz or 404; a draft is only visible to its managers; ``manage`` demands the right."""
    quiz = services.find_quiz(quiz_id) or abort(404)
    allowed = permissions.can_manage_quiz(quiz)
    if manage and not allowed:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(403)
    if not quiz.published and not allowed:
        abort(404)
    return quiz


def require_organiser() -> None:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not permissions.can_edit_question_bank():
        abort(403)
