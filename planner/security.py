"""Security headers on every response: the content policy, framing, sniffing, referrer and HSTS."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

# Headers that do not vary with configuration or the request.
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # The same-origin referrer keeps check-in and calendar tokens in URLs from leaking to other sites.
    "Referrer-Policy": "same-origin",
    # For browsers older than CSP's frame-ancestors (some in-app webviews).
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    """Set the policy headers a view has not set itself; HSTS only on a request that came over https."""
    config = current_app.config
    policy = config.get("PLANNER_CONTENT_SECURITY_POLICY")
    if policy:
        response.headers.setdefault("Content-Security-Policy", policy)
    for name, value in FIXED_HEADERS.items():
        response.headers.setdefault(name, value)
    hsts = config.get("PLANNER_HSTS")
    if hsts and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", hsts)
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
