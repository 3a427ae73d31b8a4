"""Error pages and configuration from the environment."""

from __future__ import annotations

import pytest

from planner import config


def test_a_server_error_shows_a_translated_page_and_no_traceback(app_config):
    from planner import create_app

    app_config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    failing = create_app(app_config)

    @failing.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = failing.test_client().get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "出错了" in text and "secret internals" not in text
    with failing.app_context():
        from planner.extensions import db

        db.engine.dispose()


def test_not_found_and_method_not_allowed_pages_are_translated(client):
    assert "页面不存在" in client.get("/no/such/page").get_data(as_text=True)
    english = client.get("/no/such/page", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page not found" in english
    response = client.get("/logout")
    assert response.status_code == 405 and "不支持的请求方式" in response.get_data(as_text=True)


def test_forbidden_page_is_translated(client, auth, make_user):
    auth.login(make_user())
    response = client.get("/admin/")
    assert response.status_code == 403 and "您没有权限执行此操作" in response.get_data(as_text=True)


def test_anonymous_users_are_sent_to_log_in_and_back(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_database_url_and_redis_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("PLANNER_TIMEZONE", "Asia/Urumqi")
    loaded = config.load(str(tmp_path))
    assert loaded["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example:5432/x"
    assert loaded["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert loaded["BABEL_DEFAULT_TIMEZONE"] == "Asia/Urumqi"


def test_defaults_are_sqlite_in_the_instance_folder_and_memory_rate_limits(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "secret_key").write_text("from-file\n")
    loaded = config.load(str(tmp_path))
    assert loaded["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/xinfeng.db"
    assert loaded["RATELIMIT_STORAGE_URI"] == "memory://"
    assert loaded["SECRET_KEY"] == "from-file"
    assert loaded["BABEL_DEFAULT_LOCALE"] == "zh_Hans_CN"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    from sqlalchemy import text

    from planner.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


@pytest.mark.parametrize(
    "url",
    [
        "/events/99999999999999999999",
        "/events/2147483648",
        "/teams/99999999999999999999",
        "/quizzes/99999999999999999999",
        "/calendar/communities/99999999999999999999.ics",
    ],
)
def test_an_id_no_table_can_hold_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "0", "abc"])
def test_any_page_number_a_visitor_types_gives_a_page(client, make_event, page):
    make_event(title="第一页的活动")
    for url in (f"/events?page={page}", f"/teams?page={page}", f"/events?past=1&page={page}"):
        assert client.get(url).status_code == 200
