"""Absolute addresses for links that leave the page: feeds, QR codes, printed certificates."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for


def public_base_url() -> str:
    """Where this site is reached from outside (``PLANNER_PUBLIC_URL``, else this request's host)."""
    return (current_app.config.get("PLANNER_PUBLIC_URL") or request.host_url).rstrip("/") + "/"


def public_url(endpoint: str, **values) -> str:
    """An absolute URL of ``endpoint`` at the public address, for codes people scan or print."""
    return public_base_url().rstrip("/") + url_for(endpoint, **values)


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None: never a way to send someone off-site."""
    target = target or ""
    parts = urlsplit(target)
    if (
        target.isprintable()  # no line break can reach a Location header
        and target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
    ):
        return target
    return None


def requested_next() -> str | None:
    """The ``next`` parameter (query or form) when it is a path on this site."""
    return local_path(request.args.get("next") or request.form.get("next"))


def safe_next(default_endpoint: str = "main.home", **values) -> str:
    """The ``next`` parameter when it is a path on this site, else the default page."""
    return requested_next() or url_for(default_endpoint, **values)


def same_site_referrer() -> str | None:
    """The page this request came from, as a local path, when it is on this site."""
    parts = urlsplit(request.referrer or "")
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    return local_path(parts.path + (f"?{parts.query}" if parts.query else ""))


def register(app) -> None:
    app.add_template_global(public_url)
