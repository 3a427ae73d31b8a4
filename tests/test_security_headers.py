"""Every response carries the security headers (planner/security.py); HSTS only over https."""

from __future__ import annotations

import re

import pytest

from planner.extensions import db

ADMIN, ORGANISER, VOLUNTEER = "13800000001", "13800000003", "13800000011"
FIXED = {
    "fmt": "csv",
    "scope": "districts",
    "kind": "districts",
    "filename": "css/app.css",
    "token": "not-a-token",
}


def _first_id(model) -> int:
    return db.session.scalar(db.select(model.id).order_by(model.id).limit(1)) or 1


def _seeded_values() -> dict[str, object]:
    """One seeded row's id (or key) for every argument a route takes."""
    from planner.accounts.models import User
    from planner.directory.models import (
        Community,
        Department,
        District,
        PartnerOrganisation,
        Street,
        VolunteerTeam,
    )
    from planner.events.models import Campaign, Event, Shift
    from planner.points.models import Redemption, Shop
    from planner.quizzes.models import Attempt, LiveRound, Question, Quiz
    from planner.signups.models import Certificate, Signup

    values = dict(FIXED)
    for name, model in {
        "attempt_id": Attempt,
        "campaign_id": Campaign,
        "certificate_id": Certificate,
        "community_id": Community,
        "department_id": Department,
        "district_id": District,
        "item_id": District,
        "event_id": Event,
        "partner_id": PartnerOrganisation,
        "question_id": Question,
        "quiz_id": Quiz,
        "redemption_id": Redemption,
        "round_id": LiveRound,
        "shop_id": Shop,
        "shift_id": Shift,
        "signup_id": Signup,
        "street_id": Street,
        "team_id": VolunteerTeam,
        "user_id": User,
    }.items():
        values[name] = _first_id(model)
    values["number"] = db.session.scalar(db.select(Certificate.number).limit(1)) or "X-1"
    values["pin"] = db.session.scalar(db.select(LiveRound.pin).limit(1)) or "000000"
    return values


def _get_urls(app) -> list[str]:
    values = _seeded_values()
    urls = set()
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            urls.add(rule.build({name: values[name] for name in rule.arguments})[1])
    return sorted(urls)


def assert_security_headers(response, url: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.strip().split(" ")[0]: part.strip() for part in csp.split(";")}
    assert directives.get("default-src") == "default-src 'self'", url
    assert directives.get("script-src") == "script-src 'self'", url
    assert directives.get("style-src") == "style-src 'self'", url
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", url
    assert directives.get("object-src") == "object-src 'none'", url
    assert directives.get("base-uri") == "base-uri 'none'", url
    assert directives.get("form-action") == "form-action 'self'", url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url
    assert response.headers.get("X-Frame-Options") == "DENY", url


INLINE = (
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")",
    r"\son[a-z]+\s*=\s*[\"']",
    r"<style",
    r"\sstyle\s*=\s*[\"']",
    r"javascript:",
)


def _inline(html: str) -> list[str]:
    """Inline scripts, handlers and styles in ``html``: what the policy makes the browser refuse."""
    return [m.group(0) for pattern in INLINE for m in re.finditer(pattern, html)]


@pytest.mark.parametrize("who", [None, VOLUNTEER, ORGANISER, ADMIN])
def test_every_page_of_the_demo_carries_the_security_headers(client, auth, seeded, app, who):
    from planner.demo import DEMO_PASSWORD

    if who:
        assert auth.login(who, DEMO_PASSWORD).status_code == 302
    urls = _get_urls(app)
    assert len(urls) > 80
    statuses = set()
    for url in urls:
        response = client.get(url)
        statuses.add(response.status_code)
        assert_security_headers(response, url)
        assert "Strict-Transport-Security" not in response.headers, url
        if response.mimetype == "text/html":
            assert not _inline(response.get_data(as_text=True)), url
        response.close()  # static files stream from an open file
    # The walk reached real pages, not only refusals.
    assert 200 in statuses


def test_errors_and_posts_carry_the_security_headers_too(client):
    assert_security_headers(client.get("/no-such-page"), "/no-such-page")
    assert_security_headers(client.post("/login", data={}), "POST /login")


def test_a_server_error_page_carries_the_security_headers(app_config):
    from planner import create_app

    failing = create_app({**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @failing.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = failing.test_client().get("/boom")
    assert response.status_code == 500
    assert_security_headers(response, "/boom")
    with failing.app_context():
        db.engine.dispose()


def test_hsts_is_sent_over_https_and_not_over_http(client):
    secure = client.get("/healthz", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = client.get("/healthz", base_url="http://localhost")
    assert "Strict-Transport-Security" not in plain.headers


def test_the_policy_is_a_setting(app_config):
    from planner import create_app

    app = create_app({**app_config, "PLANNER_CONTENT_SECURITY_POLICY": "default-src 'none'"})
    response = app.test_client().get("/healthz")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    with app.app_context():
        db.engine.dispose()


def test_no_template_holds_inline_script_handlers_or_styles():
    """What the policy forbids must not be in the pages: the browser would refuse it silently."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "templates"
    found = []
    for path in templates.rglob("*.html"):
        # Double quotes only for style=: macros take a ``style='primary'`` argument.
        text = path.read_text(encoding="utf-8").replace("style='", "")
        found += [f"{path.name}: {hit}" for hit in _inline(text)]
    assert not found


def test_every_event_kind_has_its_colour_in_the_stylesheet():
    """Kinds are coloured by class, not by an inline style: a new kind needs its rule."""
    from pathlib import Path

    from planner.events.models import EventKind

    css = (Path(__file__).resolve().parents[1] / "static/css/app.css").read_text(encoding="utf-8")
    missing = [k.value for k in EventKind if f".kind-{k.value} {{ --kind-colour:" not in css]
    assert not missing
