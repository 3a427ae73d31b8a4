"""One answer to every DomainError a view lets through: roll back, say why, go back (planner/errors.py)."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext as _l

from planner.audit.models import AuditEntry
from planner.directory.models import Department
from planner.errors import domain_errors_go_to
from planner.events import workflow
from planner.events.models import Event
from planner.exceptions import DomainError
from planner.extensions import db

REFUSED = _l("An event can be marked as completed only once it has ended.")


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


@pytest.fixture
def refusing_route(app):
    """``POST /_refuse``: adds a department, flushes it, then refuses; a refusal goes to /events."""

    @domain_errors_go_to("events.listing")
    def refuse():
        db.session.add(Department(name="不该留下的部门"))
        db.session.flush()
        raise DomainError(REFUSED)

    app.add_url_rule("/_refuse", "refuse", refuse, methods=["POST"])
    app.add_url_rule("/_refuse_anywhere", "refuse_anywhere", refuse.__wrapped__, methods=["POST"])
    return "/_refuse"


def _managed_future_event(make_user, make_event, make_department, grant, locale):
    department = make_department()
    organiser = make_user("组织者", locale=locale)
    grant(organiser, department)
    return organiser, make_event(title="原来的标题", hosts=[department])


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("zh_Hans_CN", "活动结束后才能标记为已完成。"),
        ("en", "An event can be marked as completed only once it has ended."),
    ],
)
def test_a_refused_action_rolls_back_flashes_the_translated_reason_and_goes_back(
    client, auth, make_user, make_event, make_department, grant, monkeypatch, locale, message
):
    organiser, event = _managed_future_event(make_user, make_event, make_department, grant, locale)
    real_complete = workflow.complete

    def complete_after_writing(actor, ev):
        ev.title = "半途改掉的标题"
        workflow.audit.record(actor, "event.half-done", ev)
        db.session.flush()
        real_complete(actor, ev)  # the event has not started: refused

    monkeypatch.setattr(workflow, "complete", complete_after_writing)
    auth.login(organiser)
    response = client.post(f"/events/{event.id}/complete")
    assert response.status_code == 302
    assert response.location == f"/events/{event.id}/manage"
    assert _flashes(client) == [("warning", message)]
    assert db.session.get(Event, event.id).title == "原来的标题"
    assert db.session.scalars(db.select(AuditEntry.action)).all() == []


def test_a_refusal_leaves_nothing_the_service_flushed(app, client, refusing_route):
    response = client.post(refusing_route)
    assert response.status_code == 302
    assert response.location == "/events"
    assert db.session.scalars(db.select(Department)).all() == []


def test_a_refusal_goes_to_a_same_site_next_first(client, refusing_route):
    response = client.post(refusing_route, data={"next": "/my/volunteering?tab=past"})
    assert response.location == "/my/volunteering?tab=past"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_a_refusal_never_goes_to_an_off_site_next(client, refusing_route, target):
    assert client.post(refusing_route, data={"next": target}).location == "/events"
    assert client.post(f"{refusing_route}?next={target}").location == "/events"


def test_a_view_without_a_declared_page_goes_back_to_a_same_site_referrer_else_home(
    client, refusing_route
):
    here = client.post(
        "/_refuse_anywhere", headers={"Referer": "http://localhost/events?kind=show"}
    )
    assert here.location == "/events?kind=show"
    away = client.post("/_refuse_anywhere", headers={"Referer": "https://evil.example/events"})
    assert away.location == "/"
    assert client.post("/_refuse_anywhere").location == "/"


def test_a_json_client_gets_409_with_the_reason_and_nothing_is_kept(client, refusing_route):
    response = client.post(
        refusing_route,
        headers={"Accept": "application/json", "Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert response.json == {
        "ok": False,
        "error": "An event can be marked as completed only once it has ended.",
    }
    assert db.session.scalars(db.select(Department)).all() == []
    assert _flashes(client) == []


@pytest.mark.parametrize("target", ["https://evil.example/", "/\\evil.example/"])
def test_cancelling_a_sign_up_refused_never_follows_an_off_site_next(
    client, auth, make_user, make_event, target
):
    from planner.signups import places

    volunteer = make_user("志愿者")
    event = make_event(shifts=(("引导", 5),))
    signup = places.sign_up(event.shifts[0].id, volunteer)
    places.cancel(signup, volunteer)
    db.session.commit()
    auth.login(volunteer)
    response = client.post(
        f"/signups/{signup.id}/cancel", data={"next": target, "confirmed": "yes"}
    )
    assert response.location == "/my/volunteering"
    assert [category for category, _text in _flashes(client)] == ["warning"]
