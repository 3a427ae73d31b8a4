"""Behind a proxy (PLANNER_PROXY_COUNT): X-Forwarded-* are believed; otherwise never."""

from __future__ import annotations

import flask
import pytest

from planner.urls import public_url

FORWARDED = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "xinfeng.example.cn",
}


@pytest.fixture(params=[0, 1], ids=["no-proxy", "one-proxy"])
def proxied(request, app_config):
    from planner import create_app
    from planner.extensions import db

    app = create_app({**app_config, "PLANNER_PROXY_COUNT": request.param})
    app.add_url_rule(
        "/_seen",
        "seen",
        lambda: {"address": flask.request.remote_addr, "qr": public_url("main.home")},
    )
    yield request.param, app.test_client()
    with app.app_context():
        db.engine.dispose()


def test_forwarded_headers_count_only_behind_a_configured_proxy(proxied):
    proxies, client = proxied
    seen = client.get("/_seen", headers=FORWARDED)
    if proxies:
        assert seen.json == {"address": "203.0.113.9", "qr": "https://xinfeng.example.cn/"}
        assert seen.headers["Strict-Transport-Security"]
    else:
        assert seen.json == {"address": "127.0.0.1", "qr": "http://localhost/"}
        assert "Strict-Transport-Security" not in seen.headers
