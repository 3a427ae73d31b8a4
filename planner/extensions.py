"""Flask extensions, created unbound and initialised in ``create_app``."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Page numbers past this are answered with an empty page: a larger offset overflows SQLite's integer.
LAST_PAGE = 100_000


def requested_page() -> int:
    """The ``?page=`` a visitor typed (1 when it is not a number); ``db.paginate`` bounds it."""
    return request.args.get("page", 1, type=int)


class _SQLAlchemy(SQLAlchemy):
    def paginate(self, select, *, page=None, **kwargs):
        """``db.paginate`` with the page (given, or the ``?page=`` a visitor typed) kept within what
        a database can count."""
        if page is None and has_request_context():
            page = requested_page()
        if page is not None:
            page = min(max(page or 1, 1), LAST_PAGE)
        return super().paginate(select, page=page, **kwargs)


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()


class _LoginManager(LoginManager):
    """Marks the remember cookie Secure whenever the request came over https, as create_app's
    session interface does for the session cookie (REMEMBER_COOKIE_SECURE forces it always)."""

    def _set_cookie(self, response):
        super()._set_cookie(response)
        if not request.is_secure or current_app.config.get("REMEMBER_COOKIE_SECURE"):
            return
        prefix = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") + "="
        response.headers.setlist(
            "Set-Cookie",
            [
                f"{cookie}; Secure" if cookie.startswith(prefix) else cookie
                for cookie in response.headers.getlist("Set-Cookie")
            ],
        )


login_manager = _LoginManager()
babel = Babel()
bootstrap = Bootstrap5()


def limiter_address() -> str:
    """The client address every per-address rate limit is keyed by."""
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=limiter_address, default_limits=[])
