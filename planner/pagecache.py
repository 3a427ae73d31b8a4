"""Whole-page cache for visitors who are not signed in, on the busiest public pages.

A page is stored under its URL, language and a *version* read from the database on every request
(for an event, its ``updated_at``), so an edit shows at once; what the version does not cover (places
left as volunteers sign up, directory renames, time passing) is at most ``PLANNER_PAGE_CACHE_SECONDS``
old. Signed-in people, and anyone with a message waiting to be shown, always get a fresh page. The
CSRF token in a stored page (the language switch is a form) is swapped for the visitor's own.

Entries live in Redis when ``REDIS_URL`` is set, else in a small per-process LRU: it is only a cache,
and the version check reads the database, so processes never serve each other's stale pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from planner.cache import Store

# Pages are 20–60 kB: at most about 10 MB per process.
pages = Store("page:", local_entries=256)
# Stands in for the visitor's CSRF token inside a stored page; never produced by a template.
TOKEN_MARK = b"\x00xinfeng-csrf\x00"


def clear() -> None:
    """Forget the in-process entries (tests)."""
    pages.clear()


def _anonymous_and_quiet() -> bool:
    """No one is signed in (nor could be by a remember cookie) and no flashed message is waiting."""
    return (
        "_user_id" not in session
        and "_flashes" not in session
        and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies
    )


def cached_for_visitors(version: Callable[..., object], vary: Callable[[], object] | None = None):
    """Serve the view's page from the cache to visitors who are not signed in.

    ``version(**view_args)`` reads, in one cheap query, what changes whenever the page may change;
    ``vary()``, when given, what else of the request the page depends on (a cookie's choice),
    parsed, so the key holds only valid values.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(**kwargs):
            seconds = current_app.config.get("PLANNER_PAGE_CACHE_SECONDS", 0)
            if not seconds or request.method != "GET" or not _anonymous_and_quiet():
                return view(**kwargs)
            key = f"{request.endpoint}|{get_locale()}|{request.full_path}|{version(**kwargs)}"
            if vary is not None:
                key += f"|{vary()}"
            body = pages.get(key)
            if body is not None:
                return _response(body, "hit")
            response = current_app.make_response(view(**kwargs))
            if (
                response.status_code == 200
                and response.mimetype == "text/html"
                and not response.direct_passthrough
            ):
                token = g.get("csrf_token")
                stored = response.get_data()
                if token:
                    stored = stored.replace(token.encode(), TOKEN_MARK)
                pages.put(key, stored, seconds)
                response.headers["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator


def _response(body: bytes, state: str) -> Response:
    if TOKEN_MARK in body:
        body = body.replace(TOKEN_MARK, generate_csrf().encode())
    response = Response(body, mimetype="text/html")
    response.headers["X-Page-Cache"] = state
    return response
