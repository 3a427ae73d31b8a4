"""The phones' poll: a 304 from the round's version, and every change a phone shows changes its ETag."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g, request_finished

from planner.extensions import db
from planner.quizzes.models import LiveRound
from planner.timeutil import utcnow


class Phone:
    """A player's phone polling like static/js/live.js: conditional GETs with the last ETag."""

    def __init__(self, app, pin: str, nickname: str):
        self.client, self.pin = app.test_client(), pin
        assert self.client.post(f"/live/{pin}/join", data={"nickname": nickname}).status_code == 302
        self.etag, self.state = None, None
        self.poll()

    def poll(self):
        headers = {"If-None-Match": self.etag} if self.etag else {}
        response = self.client.get(f"/live/{self.pin}/state", headers=headers)
        assert response.headers["ETag"]
        if response.status_code == 200:
            self.etag, self.state = response.headers.get("ETag"), _without_clock(response.json)
        return response

    def fresh(self) -> dict:
        """The state as a phone without any ETag would get it now."""
        return _without_clock(self.client.get(f"/live/{self.pin}/state").json)

    def sees_a_change(self) -> dict:
        """Poll with the old ETag: the change must come back in full, with a new ETag."""
        before, old_etag = self.state, self.etag
        response = self.poll()
        assert response.status_code == 200, "a change answered 304"
        assert self.etag != old_etag and self.state != before
        assert self.state == self.fresh()
        assert self.poll().status_code == 304  # and nothing more changed
        return self.state

    def answer(self, option_id: int):
        return self.client.post(f"/live/{self.pin}/answer", data={"option": option_id})


def _without_clock(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "now"}


def _option(question, text="正确选项"):
    return next(o.id for o in question.options if o.text == text)


@pytest.fixture
def live_round(app, client, auth, make_user, make_question, make_quiz):
    """A round of two questions, hosted by a logged-in admin on ``client``."""
    questions = [make_question(), make_question()]
    quiz = make_quiz(questions)
    auth.login(make_user("主持人", admin=True))
    client.post(f"/quizzes/{quiz.id}/live", data={"seconds_per_question": 20})
    round_ = db.session.scalar(db.select(LiveRound))
    return round_, questions


def _host(client, round_, action: str) -> None:
    confirmed = {"confirmed": "yes"}  # ending asks first (tests/test_confirmations.py)
    assert client.post(f"/quizzes/live/{round_.id}/{action}", data=confirmed).status_code == 302


def _version(round_id: int) -> int:
    return db.session.scalar(db.select(LiveRound.version).where(LiveRound.id == round_id))


def test_nothing_changed_answers_304_and_a_stale_etag_gets_the_state(app, live_round):
    round_, _ = live_round
    phone = Phone(app, round_.pin, "小红")
    assert phone.poll().status_code == 304
    assert phone.poll().headers["ETag"] == phone.etag
    stale = phone.client.get(f"/live/{round_.pin}/state", headers={"If-None-Match": '"0"'})
    assert stale.status_code == 200 and _without_clock(stale.json) == phone.state


def test_another_player_joining_changes_the_etag(app, live_round):
    round_, _ = live_round
    phone = Phone(app, round_.pin, "小红")
    Phone(app, round_.pin, "小明")
    assert phone.sees_a_change()["players"] == 2


def test_a_rejoin_with_the_same_cookie_changes_nothing(app, live_round):
    round_, _ = live_round
    phone = Phone(app, round_.pin, "小红")
    phone.client.post(f"/live/{round_.pin}/join", data={"nickname": "换个名字"})
    assert phone.poll().status_code == 304


def test_opening_closing_and_the_next_question_change_the_etag(app, client, live_round):
    round_, _ = live_round
    phone = Phone(app, round_.pin, "小红")
    _host(client, round_, "next")
    assert phone.sees_a_change()["phase"] == "question"
    _host(client, round_, "next")  # closed early
    assert phone.sees_a_change()["phase"] == "reveal"
    _host(client, round_, "next")
    assert phone.sees_a_change()["index"] == 1


def test_the_countdown_running_out_changes_the_etag(app, client, live_round):
    round_, _ = live_round
    _host(client, round_, "next")
    phone = Phone(app, round_.pin, "小红")
    version = _version(round_.id)
    db.session.execute(
        db.update(LiveRound)
        .where(LiveRound.id == round_.id)
        .values(question_ends_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    # Nobody wrote a new version: the clock alone turned the question into its reveal.
    assert phone.sees_a_change()["phase"] == "reveal" and _version(round_.id) == version


def test_the_players_own_answer_changes_the_etag(app, client, live_round):
    round_, questions = live_round
    _host(client, round_, "next")
    phone = Phone(app, round_.pin, "小红")
    phone.answer(_option(questions[0]))
    state = phone.sees_a_change()
    assert state["my_answer"] == _option(questions[0]) and state["answered"] == 1


def test_another_players_answer_changes_the_etag(app, client, live_round):
    round_, questions = live_round
    _host(client, round_, "next")
    phone, other = Phone(app, round_.pin, "小红"), Phone(app, round_.pin, "小明")
    phone.poll()
    other.answer(_option(questions[0], "错误选项甲"))
    state = phone.sees_a_change()
    assert state["answered"] == 1 and state["my_answer"] is None


def test_a_refused_answer_changes_nothing(app, client, live_round):
    round_, questions = live_round
    _host(client, round_, "next")
    phone = Phone(app, round_.pin, "小红")
    phone.answer(_option(questions[0]))
    phone.sees_a_change()
    phone.answer(_option(questions[0], "错误选项甲"))  # a second answer is refused
    assert phone.poll().status_code == 304


def test_scores_at_the_reveal_and_a_skip_change_the_etag(app, client, live_round):
    round_, questions = live_round
    _host(client, round_, "next")
    phone = Phone(app, round_.pin, "小红")
    phone.answer(_option(questions[0]))
    assert phone.sees_a_change()["me"]["points"] == 0  # points wait for the reveal
    _host(client, round_, "next")
    assert phone.sees_a_change()["me"]["points"] == 1000
    _host(client, round_, "next")
    phone.answer(_option(questions[1]))
    phone.sees_a_change()
    _host(client, round_, "skip")  # the running question is voided: the round ends
    state = phone.sees_a_change()
    assert state["phase"] == "finished" and state["me"]["points"] == 1000


def test_ending_the_round_changes_the_etag(app, client, live_round):
    round_, _ = live_round
    phone = Phone(app, round_.pin, "小红")
    _host(client, round_, "end")
    assert phone.sees_a_change()["phase"] == "finished"


def test_editing_the_running_question_changes_the_etag(app, client, live_round):
    from planner.quizzes import bank

    round_, questions = live_round
    _host(client, round_, "next")
    phone = Phone(app, round_.pin, "小红")
    with app.test_request_context():
        draft = bank.draft_of(questions[0])
        draft.text = "改过的题目"
        bank.save_question(None, questions[0], draft, questions[0].category)
    db.session.commit()
    assert phone.sees_a_change()["question"]["text"] == "改过的题目"


def test_each_player_has_an_etag_of_their_own(app, live_round):
    round_, _ = live_round
    first, second = Phone(app, round_.pin, "小红"), Phone(app, round_.pin, "小明")
    first.poll()
    assert first.etag != second.etag
    borrowed = second.client.get(f"/live/{round_.pin}/state", headers={"If-None-Match": first.etag})
    assert borrowed.status_code == 200 and borrowed.json["me"]["nickname"] == "小明"


def test_a_304_loads_neither_the_user_nor_the_locale(app, make_user, live_round):
    round_, _ = live_round
    player = make_user("小红")
    phone = Phone.__new__(Phone)
    phone.client, phone.pin, phone.etag = app.test_client(), round_.pin, None
    phone.client.post("/login", data={"phone": player.local_phone, "password": "correct-horse-9"})
    phone.client.post(f"/live/{round_.pin}/join", data={"nickname": "小红"})
    phone.poll()
    seen = {}

    def look(sender, response, **extra):
        seen["user"] = "_login_user" in g
        seen["locale"] = getattr(g.get("_flask_babel"), "babel_locale", None) is not None

    with request_finished.connected_to(look, app):
        assert phone.poll().status_code == 304
    assert seen == {"user": False, "locale": False}
    with request_finished.connected_to(look, app):
        assert phone.client.get(f"/live/{round_.pin}").status_code == 200
    assert seen["user"]  # the check itself sees a logged-in request


def test_an_unknown_round_or_player_gets_no_state(app, live_round):
    round_, _ = live_round
    assert app.test_client().get(f"/live/{round_.pin}/state").status_code == 403
    phone = Phone(app, round_.pin, "小红")
    assert phone.client.get("/live/000000x/state").status_code == 404


def test_concurrent_changes_never_share_a_version(app, live_round):
    from planner.quizzes import live

    round_, _ = live_round
    round_ = db.session.get(LiveRound, round_.id)
    before = round_.version
    # Another request bumps the version after this one has read the round.
    db.session.execute(
        db.update(LiveRound)
        .where(LiveRound.id == round_.id)
        .values(version=LiveRound.version + 1)
        .execution_options(synchronize_session=False)
    )
    with app.test_request_context():
        live.advance(None, round_)
    db.session.commit()
    assert _version(round_.id) == before + 2
