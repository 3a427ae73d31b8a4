"""Translated error pages for 400, 403, 404, 405, 413, 429 and 500."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from planner.extensions import db

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("Too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}
EXPLANATIONS = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have permission to do this."),
    404: _l("There is nothing at this address. It may have been moved or never existed."),
    405: _l("This address does not accept that kind of request."),
    413: _l("What was sent is larger than 8 MB. Please send a smaller file."),
    429: _l("Too many attempts in a short time. Please wait a minute and try again."),
    500: _l(
        "An unexpected error happened on our side. It has been logged; please try again later."
    ),
}


def _refuse_large_bodies():
    """A body over MAX_CONTENT_LENGTH is refused before anything (CSRF included) starts reading
    it, so no half-written upload is left behind."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        abort(413)


def register(app) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_large_bodies)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, _l("The form has expired. Please reload the page and submit again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code not in TITLES:
            return error
        return _render(error.code)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _render(500)


def _render(code: int, explanation=None):
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=TITLES[code],
            explanation=explanation or EXPLANATIONS[code],
        ),
        code,
    )
