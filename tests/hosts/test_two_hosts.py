"""Two app servers on loopback share one PostgreSQL and one Redis, as two hosts would.

What one server does, the other shows at once: an organiser's edit reaches the visitor pages the
other server has cached, a live round hosted on one is played on the other, and failed log-ins
add up across both. Nothing here may live in one process's memory.
"""

from __future__ import annotations

import json
import os
import secrets

import pytest

from planner import create_app
from planner.extensions import db
from tests.conftest import create_database, upgrade_database
from tests.fixtures_http import Client, gunicorn
from tests.hosts import HOSTS_CONFIG
from tests.races.rows import Seed

REDIS_URL = os.environ.get("PLANNER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = pytest.mark.skipif(
    "postgresql" not in os.environ.get("DATABASE_URL", ""),
    reason="two hosts share a PostgreSQL server (SQLite is one machine's file)",
)


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    """Servers A and B (separate gunicorn processes) over one database and one Redis."""
    client = _redis_or_skip()
    prefix = f"xinfeng-test-{secrets.token_hex(4)}:"
    url, drop = create_database(tmp_path_factory, "hosts")
    upgrade_database(url)
    env = {
        "PLANNER_HOSTS_DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "PLANNER_REDIS_PREFIX": prefix,
    }
    app = create_app({**HOSTS_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with (
            gunicorn(tmp_path_factory.mktemp("host-a"), "tests.hosts.wsgi", env, 1) as (a, _),
            gunicorn(tmp_path_factory.mktemp("host-b"), "tests.hosts.wsgi", env, 1) as (b, _),
            app.app_context(),
        ):
            yield app, a, b
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)
        drop()


def test_an_edit_through_one_host_shows_on_the_other_at_once(hosts):
    _app, a, b = hosts
    seed = Seed()
    department = seed.department()
    organiser = seed.organiser(department)
    event = seed.event(department)
    visitor = Client(a)
    for _ in range(2):  # the second answer comes from the page cache
        page = visitor.send("GET", f"/events/{event.id}")
        assert page.status == 200 and event.title in page.body and "暴雨" not in page.body
    cancel = Client(b).login(organiser.local_phone)
    reply = cancel.send("POST", f"/events/{event.id}/cancel", {"reason": "暴雨预警"})
    assert reply.status == 302
    page = visitor.send("GET", f"/events/{event.id}")
    assert "暴雨预警" in page.body


def test_a_live_round_hosted_on_one_host_is_played_on_the_other(hosts):
    from planner.quizzes.models import LiveAnswer, LiveRound, Question

    _app, a, b = hosts
    seed = Seed()
    department = seed.department()
    quiz = seed.quiz(department)
    host = Client(a).login(seed.organiser(department).local_phone)
    created = host.send("POST", f"/quizzes/{quiz.id}/live", {"seconds_per_question": "60"})
    assert created.status == 302
    round_ = db.session.scalar(db.select(LiveRound).where(LiveRound.quiz_id == quiz.id))
    player = Client(b)
    assert player.send("POST", f"/live/{round_.pin}/join", {"nickname": "小明"}).status == 302
    state = json.loads(host.send("GET", f"/quizzes/live/{round_.id}/state").body)
    assert state["players"] == 1
    assert host.send("POST", f"/quizzes/live/{round_.id}/next").status == 302
    on_b = json.loads(player.send("GET", f"/live/{round_.pin}/state").body)
    assert on_b["phase"] == "question"
    question = db.session.get(Question, round_.question_ids[0])
    right = next(o.id for o in question.options if o.is_correct)
    assert player.send("POST", f"/live/{round_.pin}/answer", {"option": str(right)}).status == 302
    state = json.loads(host.send("GET", f"/quizzes/live/{round_.id}/state").body)
    assert state["answered"] == 1
    answers = db.session.scalars(db.select(LiveAnswer).where(LiveAnswer.round_id == round_.id))
    assert [answer.option_id for answer in answers] == [right]


def test_failed_log_ins_add_up_across_both_hosts(hosts):
    _app, a, b = hosts
    volunteer = Seed().user()
    wrong = {"phone": volunteer.local_phone, "password": "not-the-password"}
    # The limit is 4 a minute for one address and number: two tries on each host use it up.
    for address in (a, b, a, b):
        assert Client(address).send("POST", "/login", wrong).status == 200
    assert Client(a).send("POST", "/login", wrong).status == 429
    right = {"phone": volunteer.local_phone, "password": "correct-horse-9"}
    assert Client(b).send("POST", "/login", right).status == 429
