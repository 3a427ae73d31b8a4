"""Configuration: defaults here, then ``PLANNER_*`` and a few well-known environment variables."""

from __future__ import annotations

import copy
import os
from pathlib import Path

ENV_PREFIX = "PLANNER_"


def _sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "xinfeng.db")


def _normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; psycopg 3 needs its dialect named.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _read_secret_key(instance_path: str) -> str | None:
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip() or None
    return None


# Settings that do not depend on the environment's secrets or addresses; PLANNER_* variables of the
# same name override them.
DEFAULTS = {
    # Stale pooled connections are found by planner/pool.py, not by a ping at every checkout.
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "PLANNER_DB_PING_AFTER": 10,
    "PLANNER_TIMEZONE": "Asia/Shanghai",
    "PLANNER_DEFAULT_LOCALE": "zh_Hans_CN",
    "PLANNER_LOCALES": ["zh_Hans_CN", "en"],
    "PLANNER_PAGE_SIZE": 20,
    # Failed log-ins per address and number, and on top of that per address alone: failed
    # log-ins and registrations together (README, "Limits").
    "PLANNER_LOGIN_LIMIT": "10 per minute;50 per hour",
    "PLANNER_ADDRESS_LIMIT": "60 per minute;600 per hour",
    "PLANNER_MAIL_TRANSPORT": "log",
    "PLANNER_SMTP_HOST": None,
    "PLANNER_SMTP_PORT": 25,
    "PLANNER_MAIL_FROM": "xinfeng@localhost",
    # Text messages (codes): "log" writes them to the server log; "http" posts them, signed, to
    # a commercial gateway (planner/notifications/sms.py). The rest configure the gateway.
    "PLANNER_SMS_TRANSPORT": "log",
    "PLANNER_SMS_ENDPOINT": "",
    "PLANNER_SMS_KEY": "",
    "PLANNER_SMS_SECRET": "",
    "PLANNER_SMS_SIGN_NAME": "新风",
    "PLANNER_SMS_TEMPLATE": "",
    # SMS codes asked for, per number (across every purpose) and per address (README, "Limits").
    "PLANNER_CODE_NUMBER_LIMIT": "5 per hour;10 per day",
    "PLANNER_CODE_ADDRESS_LIMIT": "20 per hour;50 per day",
    "PLANNER_PUBLIC_URL": None,
    # The CJK font file share images are drawn with; empty: Noto Sans CJK where Debian puts it,
    # else what fontconfig finds (planner/events/posters.py).
    "PLANNER_CJK_FONT": "",
    # Whom the privacy notice names for questions and requests (e.g. an address or a number).
    "PLANNER_PRIVACY_CONTACT": "",
    # How passwords are hashed (werkzeug's method string); only tests choose a cheaper one.
    "PLANNER_PASSWORD_METHOD": "scrypt",
    "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
    "BOOTSTRAP_SERVE_LOCAL": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Secure whenever the request came over https (create_app decides, as for the session).
    "WTF_CSRF_TIME_LIMIT": None,
    # No request body may be larger: the largest upload (a question bank) is 5 MB.
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Calendar feeds: how often clients should refetch, how far back feeds reach, how long a
    # cancelled event stays visible, and the limit on each personal feed token.
    "PLANNER_CALENDAR_REFRESH_HOURS": 6,
    "PLANNER_CALENDAR_PAST_DAYS": 30,
    "PLANNER_CALENDAR_CANCELLED_DAYS": 30,
    "PLANNER_CALENDAR_PERSONAL_LIMIT": "60 per hour",
    # The address every feed's ORGANIZER names, beside the host organisation's name (RFC 5546
    # asks one of a METHOD:PUBLISH event): nobody's own, and nobody reads it.
    "PLANNER_CALENDAR_ORGANIZER_EMAIL": "no-reply@xinfeng.invalid",
    # The home page, directory pages, events listing and event pages, as seen by visitors who
    # are not signed in, are served from a cache for up to this long (planner/pagecache.py);
    # 0 turns the cache off.
    "PLANNER_PAGE_CACHE_SECONDS": 30,
    # Sent on every response (planner/security.py): only this site's own scripts, styles and
    # images (data: for Bootstrap's inline SVG icons), no plug-ins, no framing by other sites,
    # forms post only here. Nothing inline: templates load static/js and static/css.
    "PLANNER_CONTENT_SECURITY_POLICY": "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    ),
    # Sent only on requests that came over https; empty turns it off.
    "PLANNER_HSTS": "max-age=31536000",
    # Every key this app writes to Redis (caches and rate limits) starts with this, so several
    # sites (or test runs) can share one Redis without reading each other's entries.
    "PLANNER_REDIS_PREFIX": "xinfeng:",
    # How many proxies (nginx, a load balancer) stand in front of the app and set X-Forwarded-For,
    # -Proto, -Host and -Port: their word is taken for the client's address and for https. 0 (the
    # default) trusts no such header: set it only behind a proxy that overwrites them.
    "PLANNER_PROXY_COUNT": 0,
}


def load(instance_path: str) -> dict:
    """Build the configuration mapping from defaults and the environment."""
    env = os.environ
    config = {
        "SECRET_KEY": env.get("SECRET_KEY") or _read_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _normalise_database_url(
            env.get("DATABASE_URL") or _sqlite_url(instance_path)
        ),
        "REDIS_URL": env.get("REDIS_URL") or None,
        **copy.deepcopy(DEFAULTS),  # each app gets lists and dicts of its own
    }
    for key, value in env.items():
        if key.startswith(ENV_PREFIX) and key in config:
            config[key] = _coerce(value, config[key])
    config["PLANNER_DEFAULT_LOCALE"] = env.get(
        "PLANNER_DEFAULT_LOCALE", config["PLANNER_DEFAULT_LOCALE"]
    )
    config["BABEL_DEFAULT_LOCALE"] = config["PLANNER_DEFAULT_LOCALE"]
    config["BABEL_DEFAULT_TIMEZONE"] = config["PLANNER_TIMEZONE"]
    config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"] or "memory://"
    config["RATELIMIT_KEY_PREFIX"] = config["PLANNER_REDIS_PREFIX"] + "limit"
    return config


def _coerce(raw: str, default):
    if isinstance(default, bool):
        return raw.lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw
