"""Whole-page cache on the busiest pages, for visitors and for signed-in volunteers.

A page is stored under its URL, language and a *version* read from the database on every request
(for an event, its ``updated_at``), so an edit shows at once; what the version does not cover (places
left as volunteers sign up, directory renames, time passing) is at most ``PLANNER_PAGE_CACHE_SECONDS``
old for visitors. The CSRF token in a stored page (the language switch is a form) is swapped for the
visitor's own. Anyone with a message waiting to be shown always gets a fresh page.

Signed-in people who neither administer, organise nor lead a team (the volunteers of a rush) get
a second stored copy of the page, shared by all of them, rendered with *holes*: the template calls
``personal(name, *args)`` wherever the page shows something of the person's own (their sign-up on
a shift, its waitlist position, places left to the minute), and their name in the menu is
``member_name()``. Rendering for one person, ``personal`` calls the hole's filler at once; rendering
the shared copy, it leaves a marker that each request fills by calling the same filler: both ways
give the same bytes. Everyone else signed in gets a fresh page.

Entries live in Redis when ``REDIS_URL`` is set, else in a small per-process LRU: it is only a cache,
and the version check reads the database, so processes never serve each other's stale pages.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from planner import permissions
from planner.cache import Store
from planner.database import reads_only

log = logging.getLogger(__name__)
# Pages are 20–60 kB: at most about 10 MB per process.
pages = Store("page:", local_entries=256)
# Stands in for the visitor's CSRF token inside a stored page; never produced by a template.
TOKEN_MARK = b"\x00xinfeng-csrf\x00"
# Stands in for the signed-in person's name in a shared page.
NAME_MARK = "\x00xinfeng-name\x00"
# A hole in a shared page: its filler's name and arguments. Templates escape "<" in anything
# people type, so no text on a page can forge one.
HOLE = re.compile(rb"<!--xf:(\w+)((?: [\w.-]+)*)-->")
_fillers: dict[str, Callable[..., str]] = {}


def hole(name: str):
    """Register ``filler(*args) -> html`` as the hole ``name``: what ``personal(name, *args)``
    shows. It reads only its arguments (strings, when a shared page is filled) and the request."""

    def register(filler):
        _fillers[name] = filler
        return filler

    return register


def shared() -> bool:
    """Whether the page being rendered is the shared copy for signed-in volunteers."""
    return g.get("_shared_page", False)


def personal(name: str, *args) -> Markup:
    """The person's own part of a page: filled now, or a hole in the shared copy."""
    if shared():
        return Markup("<!--xf:%s%s-->" % (name, "".join(f" {a}" for a in args)))  # noqa: UP031
    return Markup(_fillers[name](*args))


def member_name() -> Markup:
    """The signed-in person's name, for the menu."""
    return Markup(NAME_MARK) if shared() else escape(current_user.display_name)


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


def _volunteer_and_quiet() -> bool:
    """Someone is signed in who administers, organises and leads nothing (the loader read that
    with the user), and no flashed message is waiting."""
    return (
        current_user.is_authenticated
        and "_flashes" not in session
        and not permissions.is_admin()
        and not permissions.acts_for_anyone()
    )


def cached_for_visitors(
    version: Callable[..., object],
    vary: Callable[[], object] | None = None,
    members: bool | Callable[..., object] = False,
):
    """Serve the view's page from the cache to visitors who are not signed in, and with
    ``members`` to signed-in volunteers too (a shared copy with holes: see the module).

    ``version(**view_args)`` reads, in one cheap query, what changes whenever the page may change;
    ``members``, when a function, reads the same for volunteers in the query that also loads what
    the page's holes show (one round trip instead of two);
    ``vary()``, when given, what else of the request the page depends on (a cookie's choice),
    parsed, so the key holds only valid values.
    """

    def decorator(view):
        @reads_only  # a stored copy skips the view: it must not write
        @functools.wraps(view)
        def wrapper(**kwargs):
            seconds = current_app.config.get("PLANNER_PAGE_CACHE_SECONDS", 0)
            if not seconds or request.method != "GET":
                return view(**kwargs)
            if not _anonymous_and_quiet():
                if members and _volunteer_and_quiet():
                    member_version = members if callable(members) else version
                    return _member_page(view, kwargs, member_version, vary, seconds)
                return view(**kwargs)
            key = _key("", version, kwargs, vary)
            body = pages.get(key)
            if body is not None:
                return _response(body, "hit")
            response = current_app.make_response(view(**kwargs))
            if _store(key, response, seconds) is not None:
                response.headers["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator


def _key(prefix: str, version, kwargs: dict, vary) -> str:
    key = f"{prefix}{request.endpoint}|{get_locale()}|{request.full_path}|{version(**kwargs)}"
    return key + f"|{vary()}" if vary is not None else key


def _store(key: str, response: Response, seconds: int) -> bytes | None:
    """Store a page (its CSRF token swapped for the mark) and return what was stored; ``None``
    for a response that is not a whole page to keep (an error, a redirect, a file)."""
    if not (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
    ):
        return None
    body = response.get_data()
    token = g.get("csrf_token")
    if token:
        body = body.replace(token.encode(), TOKEN_MARK)
    pages.put(key, body, seconds)
    return body


def _member_page(view, kwargs: dict, version, vary, seconds: int) -> Response:
    key = _key("m|", version, kwargs, vary)
    body = pages.get(key)
    state = "hit"
    if body is None:
        g._shared_page = True
        try:
            response = current_app.make_response(view(**kwargs))
        finally:
            g._shared_page = False
        body = _store(key, response, seconds)
        if body is None:
            return response  # not a page to store: as it is
        state = "miss"
    try:
        body = HOLE.sub(lambda m: _fill(m.group(1), m.group(2)), body)
    except (KeyError, TypeError, ValueError):
        # A copy stored by an earlier release whose holes this code does not know (a shared Redis
        # during a deploy): this request renders its own page; the copy ages out.
        log.warning("page cache: a stored copy's holes do not fit; rendered afresh", exc_info=True)
        return view(**kwargs)
    body = body.replace(NAME_MARK.encode(), escape(current_user.display_name).encode())
    return _response(body, state)


def _fill(name: bytes, args: bytes) -> bytes:
    return str(_fillers[name.decode()](*args.decode().split())).encode()


def _response(body: bytes, state: str) -> Response:
    if TOKEN_MARK in body:
        body = body.replace(TOKEN_MARK, generate_csrf().encode())
    response = Response(body, mimetype="text/html")
    response.headers["X-Page-Cache"] = state
    return response
