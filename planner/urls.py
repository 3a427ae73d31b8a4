"""Absolute addresses for links that leave the page: feeds, QR codes, printed certificates."""

from __future__ import annotations

from flask import current_app, request, url_for


def public_base_url() -> str:
    """Where this site is reached from outside (``PLANNER_PUBLIC_URL``, else this request's host)."""
    return (current_app.config.get("PLANNER_PUBLIC_URL") or request.host_url).rstrip("/") + "/"


def public_url(endpoint: str, **values) -> str:
    """An absolute URL of ``endpoint`` at the public address, for codes people scan or print."""
    return public_base_url().rstrip("/") + url_for(endpoint, **values)


def register(app) -> None:
    app.add_template_global(public_url)
