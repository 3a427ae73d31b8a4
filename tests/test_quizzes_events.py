"""A quiz is attached only to an event its organiser manages; the event page lists its quizzes."""

from __future__ import annotations

from planner.events.models import EventStatus
from planner.extensions import db
from planner.quizzes.models import Quiz

FORM = {
    "title": "婚俗改革知识竞赛",
    "event_id": "0",
    "published": "y",
    "opens_at": "2030-01-01T09:00",
    "closes_at": "2030-01-08T18:00",
    "selection": "fixed",
    "pass_percent": "60",
    "attempts_allowed": "2",
    "feedback": "end",
    "audience": "anyone",
    "eligible_min_percent": "100",
}
REFUSED = "请选择您所组织的活动。"


def _two_organisations(make_user, make_department, make_event, grant):
    """An organiser of one department, its draft event and another department's draft event."""
    user = make_user("组织者")
    mine, theirs = make_department("市委编办"), make_department("市财政局")
    grant(user, mine)
    own = make_event(title="本单位的草稿活动", status=EventStatus.DRAFT, hosts=(mine,))
    other = make_event(title="别人的草稿活动", status=EventStatus.DRAFT, hosts=(theirs,))
    return user, mine, own, other


def test_the_event_picker_offers_only_events_the_organiser_manages(
    client, auth, make_user, make_department, make_event, grant
):
    user, _mine, own, other = _two_organisations(make_user, make_department, make_event, grant)
    auth.login(user)
    page = client.get("/quizzes/new").get_data(as_text=True)
    assert own.title in page
    assert other.title not in page


def test_attaching_a_new_quiz_to_another_organisations_event_is_refused(
    client, auth, make_user, make_department, make_event, grant
):
    user, mine, _own, other = _two_organisations(make_user, make_department, make_event, grant)
    auth.login(user)
    data = {**FORM, "owner": f"department:{mine.id}", "event_id": str(other.id)}
    response = client.post("/quizzes/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert REFUSED in page and other.title not in page
    assert db.session.scalar(db.select(db.func.count(Quiz.id))) == 0


def test_moving_a_quiz_to_another_organisations_event_is_refused_and_changes_nothing(
    client, auth, make_user, make_department, make_event, grant, make_quiz
):
    user, mine, own, other = _two_organisations(make_user, make_department, make_event, grant)
    quiz = make_quiz([], owner=mine, title="旧标题", event_id=own.id)
    auth.login(user)
    data = {**FORM, "owner": f"department:{mine.id}", "event_id": str(other.id)}
    response = client.post(f"/quizzes/{quiz.id}/edit", data=data)
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    db.session.expire_all()
    quiz = db.session.get(Quiz, quiz.id)
    assert (quiz.event_id, quiz.title) == (own.id, "旧标题")


def test_an_organiser_attaches_a_quiz_to_their_own_event(
    client, auth, make_user, make_department, make_event, grant
):
    user, mine, own, _other = _two_organisations(make_user, make_department, make_event, grant)
    auth.login(user)
    data = {**FORM, "owner": f"department:{mine.id}", "event_id": str(own.id)}
    assert client.post("/quizzes/new", data=data).status_code == 302
    assert db.session.scalar(db.select(Quiz.event_id)) == own.id


def test_an_organiser_may_keep_the_event_an_administrator_chose(
    client, auth, make_user, make_department, make_event, grant, make_quiz
):
    user, mine, _own, other = _two_organisations(make_user, make_department, make_event, grant)
    quiz = make_quiz([], owner=mine, event_id=other.id)  # set by an administrator
    auth.login(user)
    assert other.title in client.get(f"/quizzes/{quiz.id}/edit").get_data(as_text=True)
    data = {**FORM, "owner": f"department:{mine.id}", "event_id": str(other.id)}
    assert client.post(f"/quizzes/{quiz.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Quiz, quiz.id).event_id == other.id


def test_an_administrator_sees_and_may_attach_every_event(
    client, auth, make_user, make_department, make_event, grant
):
    _user, _mine, own, other = _two_organisations(make_user, make_department, make_event, grant)
    auth.login(make_user("管理员", admin=True))
    page = client.get("/quizzes/new").get_data(as_text=True)
    assert own.title in page and other.title in page
    data = {**FORM, "owner": "city", "event_id": str(other.id)}
    assert client.post("/quizzes/new", data=data).status_code == 302
    assert db.session.scalar(db.select(Quiz.event_id)) == other.id


def test_a_cancelled_event_is_neither_offered_nor_accepted(
    client, auth, make_user, make_department, make_event, grant
):
    user, mine, _own, _other = _two_organisations(make_user, make_department, make_event, grant)
    cancelled = make_event(title="已取消的活动", status=EventStatus.CANCELLED, hosts=(mine,))
    auth.login(user)
    assert cancelled.title not in client.get("/quizzes/new").get_data(as_text=True)
    data = {**FORM, "owner": f"department:{mine.id}", "event_id": str(cancelled.id)}
    assert client.post("/quizzes/new", data=data).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Quiz.id))) == 0


def test_the_event_page_lists_its_published_quizzes_without_querying_from_the_template(
    app, client, make_department, make_event, make_quiz, count_queries
):
    department = make_department()
    event = make_event(hosts=(department,))
    with count_queries() as none_yet:
        client.get(f"/events/{event.id}")
    make_quiz([], owner=department, title="活动现场竞答", event_id=event.id)
    make_quiz([], owner=department, title="未发布的竞答", event_id=event.id, published=False)
    for n in range(3):
        make_quiz([], owner=department, title=f"更多竞答{n}", event_id=event.id)
    with count_queries() as several:
        page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "活动现场竞答" in page and "未发布的竞答" not in page
    assert several.count == none_yet.count, several.statements
    assert "quizzes_for_event" not in app.jinja_env.globals
