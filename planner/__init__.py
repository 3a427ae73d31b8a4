"""Xinfeng (新风): the planner a city's civilisation campaign runs on."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from planner import config as config_module
from planner.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A checkout keeps templates/ and static/ beside the package; a wheel carries them inside it.
_INSTALLED = Path(__file__).resolve().parent
WEB_ROOT = _INSTALLED if (_INSTALLED / "templates").is_dir() else PROJECT_ROOT


class _SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over https."""

    def get_cookie_secure(self, app):
        return request.is_secure or super().get_cookie_secure(app)


class IdConverter(IntegerConverter):
    """``<int:…>`` in routes: at most the largest 32-bit id (PostgreSQL ``integer`` keys)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("PLANNER_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        template_folder=str(WEB_ROOT / "templates"),
        static_folder=str(WEB_ROOT / "static"),
    )
    # Before any route is added: an id in a URL that no table can hold is a 404, not a database error.
    app.url_map.converters["int"] = IdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.load(app.instance_path))
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing):
            raise RuntimeError(
                "SECRET_KEY is not set: export SECRET_KEY or write instance/secret_key "
                "(make run does this on first run)."
            )
        app.config["SECRET_KEY"] = "development-only-key"
    app.session_interface = _SessionInterface()
    if proxies := app.config.get("PLANNER_PROXY_COUNT"):
        # Behind nginx: the client's address (rate limits) and https (Secure cookies, HSTS,
        # https links in QR codes) come from the proxy's X-Forwarded-* headers.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )

    from planner import database

    # First of all the request hooks: nothing may read the database before it.
    app.before_request(database.begin_reading)
    _init_extensions(app)
    _register_blueprints(app)

    from planner import bench, cli, errors, inputs, navigation, security, static_files, urls
    from planner.notifications import services as notifications

    security.register(app)
    static_files.register(app)
    notifications.register(app)
    errors.register(app)
    app.before_request(inputs.refuse_control_characters)
    navigation.register(app)
    urls.register(app)
    cli.register(app)
    bench.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from planner import i18n, models, permissions, pool  # noqa: F401  (every table registered)
    from planner.accounts.models import SESSION_TOKEN_MAX, User
    from planner.timeutil import render_migration_item

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    bootstrap.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    from planner.messages import login_required_message

    login_manager.login_message = login_required_message

    # Built once: it runs on every signed-in request, where session.get's own statement building
    # costs as much as the query (220 µs against 130 µs).
    # It also reads whether the user organises or leads a team: for most people, neither, and
    # the menu and the page cache then need no query of their own to know it.
    user_by_session_token = db.select(User, *permissions.acts_for_columns(User.id)).where(
        User.session_token == db.bindparam("token")
    )

    @login_manager.user_loader
    def load_user(user_id: str):
        # "token.nonce" (User.get_id): the account's session token, then this log-in's nonce.
        token = user_id.partition(".")[0]
        if not token or len(token) > SESSION_TOKEN_MAX:
            return None
        row = db.session.execute(user_by_session_token, {"token": token}).first()
        if row is None:
            return None
        user, organises, leads = row
        permissions.know_acts_for(user, organises, leads)
        return user

    i18n.register_filters(app)

    with app.app_context():
        from planner import database

        event.listen(db.engine, "before_cursor_execute", database.refuse_writes_while_reading)
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        else:
            pool.register(db.engine, float(app.config["PLANNER_DB_PING_AFTER"]))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL and a busy timeout let several gunicorn workers share one SQLite file.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the app never loses
    # a committed write and the file never corrupts; only a power cut or an OS crash may take back
    # the last commits. Waiting for the disk at every commit slowed every write, sign-ups most.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _register_blueprints(app: Flask) -> None:
    from planner.accounts.views import bp as accounts_bp
    from planner.admin.views import bp as admin_bp
    from planner.banquets.views import bp as banquets_bp
    from planner.calendar.views import bp as calendar_bp
    from planner.desk.views import bp as desk_bp
    from planner.directory.views import bp as directory_bp
    from planner.events.views import bp as events_bp
    from planner.main.views import bp as main_bp
    from planner.points.views import bp as points_bp
    from planner.quizzes.views import bp as quizzes_bp
    from planner.residents.views import bp as residents_bp
    from planner.signups.views import bp as signups_bp
    from planner.stats.views import bp as stats_bp

    for blueprint in (
        main_bp,
        accounts_bp,
        directory_bp,
        events_bp,
        signups_bp,
        quizzes_bp,
        calendar_bp,
        desk_bp,
        stats_bp,
        admin_bp,
        points_bp,
        banquets_bp,
        residents_bp,
    ):
        app.register_blueprint(blueprint)

    from planner.signups import hooks as signup_hooks

    signup_hooks.register()

    from planner.points import hooks as points_hooks

    points_hooks.register()

    from planner.banquets import hooks as banquet_hooks

    banquet_hooks.register()
