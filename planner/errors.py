"""Translated error pages for 400, 403, 404, 405, 413, 429 and 500, and the one answer to a
DomainError."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from planner.exceptions import DomainError
from planner.extensions import db
from planner.inputs import ControlCharacters
from planner.urls import requested_next, same_site_referrer

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
        # Our own refusals carry a translated reason; werkzeug's descriptions are English only.
        return _render(
            error.code, error.description if isinstance(error, ControlCharacters) else None
        )

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _render(500)

    app.register_error_handler(DomainError, domain_error)


def domain_error(error: DomainError):
    """A service refused: undo the request's writes, say why, and go back where the person was.

    Back is a same-site ``next``, else the view's declared page (``domain_errors_go_to``), else
    the same-site referrer, else home. A client that asked for JSON gets ``{"ok": false, "error"}``
    with 409 instead.
    """
    message = str(error.message)  # before the rollback expires what the message is written for
    db.session.rollback()
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"ok": False, "error": message}), 409
    flash(message, "warning")
    back = requested_next() or g.get(_BACK) or same_site_referrer() or url_for("main.home")
    return redirect(back)


_BACK = "domain_error_back"


def domain_errors_go_to(endpoint: str, *view_args: str):
    """Decorator: a DomainError in this view goes back to ``endpoint``, with these of its URL values."""

    def decorate(view):
        @wraps(view)
        def wrapper(**values):
            try:
                return view(**values)
            except DomainError:
                g.setdefault(_BACK, url_for(endpoint, **{name: values[name] for name in view_args}))
                raise

        return wrapper

    return decorate


def show_on_form(form, error: DomainError, field: str | None = None) -> None:
    """For a view that shows its form again: undo the writes, then put the reason next to the
    field the error names (else ``field``), or flash it when the form has no such field."""
    message = str(error.message)  # before the rollback expires what the message is written for
    db.session.rollback()
    target = getattr(form, error.field or "", None) or (getattr(form, field) if field else None)
    if target is None:
        flash(message, "warning")
    else:
        target.errors = [*target.errors, message]


def domain_errors_go_back_to(url: str) -> str:
    """In a view whose way back depends on what it loaded: a later DomainError goes to ``url``."""
    setattr(g, _BACK, url)
    return url


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
