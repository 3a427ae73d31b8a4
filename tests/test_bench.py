"""The benchmark data set: the promised amounts, written in bulk, once."""

from __future__ import annotations

from planner import bench
from planner.accounts.models import User
from planner.calendar.models import CalendarToken
from planner.events.models import Event, Shift
from planner.extensions import db
from planner.quizzes.models import Attempt, AttemptAnswer
from planner.signups.models import PLACE_STATUSES, Signup, SignupStatus


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_bench_seed_small_writes_the_promised_amounts_and_refuses_a_second_run(runner):
    result = runner.invoke(args=["bench-seed", "--scale", "small"])
    assert result.exit_code == 0, result.output
    scale = bench.SCALES["small"]
    assert _count(User) == scale["volunteers"]
    assert _count(Event) == scale["events"]
    assert _count(Shift) == 2 * scale["events"]
    assert "bench-seed --scale small:" in result.output
    again = runner.invoke(args=["bench-seed", "--scale", "small"])
    assert again.exit_code != 0 and "already holds benchmark data" in again.output
    assert _count(User) == scale["volunteers"]


def test_benchmark_volunteers_can_log_in(client, app):
    bench.seed("small")
    db.session.commit()
    response = client.post(
        "/login", data={"phone": "17000000007", "password": bench.BENCH_PASSWORD}
    )
    assert response.status_code == 302


def test_scenario_ids_are_spread_over_the_data(app):
    bench.seed("small")
    db.session.commit()
    ids = bench.ids_for_scenarios(sample=5)
    assert len(ids["communities"]) == 5 and len(set(ids["events"])) == 5


def test_the_city_scale_is_what_the_city_needs():
    city = bench.SCALES["city"]
    assert (
        city["communities"],
        city["volunteers"],
        city["events"],
        city["signups"],
        city["attempts"],
    ) == (200, 100_000, 20_000, 1_000_000, 50_000)


def test_bench_seed_fills_sign_ups_quizzes_and_calendar_tokens(app):
    written = bench.seed("small")
    db.session.commit()
    scale = bench.SCALES["small"]
    assert written["signups"] == _count(Signup) == scale["signups"]
    assert written["quiz_attempts"] == scale["attempts"]
    assert _count(Attempt) == scale["attempts"] and _count(AttemptAnswer) == 5 * scale["attempts"]
    assert written["calendar_tokens"] == _count(CalendarToken) > 0


def test_seeded_sign_ups_fill_places_in_arrival_order_then_wait(app):
    bench.seed("small")
    db.session.commit()
    places = db.session.execute(
        db.select(Signup.shift_id, db.func.count())
        .where(Signup.status.in_(PLACE_STATUSES))
        .group_by(Signup.shift_id)
    ).all()
    by_shift = dict(places)
    waitlisted = 0
    for shift in db.session.scalars(db.select(Shift)):
        assert shift.confirmed_count == by_shift.get(shift.id, 0) <= shift.capacity
        rows = db.session.execute(
            db.select(Signup.arrival, Signup.status)
            .where(Signup.shift_id == shift.id)
            .order_by(Signup.arrival)
        ).all()
        assert [r.arrival for r in rows] == list(range(1, len(rows) + 1))
        statuses = [r.status for r in rows]
        waiting = [s is SignupStatus.WAITLISTED for s in statuses]
        assert waiting == sorted(waiting)  # nobody waits ahead of a confirmed volunteer
        if any(waiting):
            assert shift.confirmed_count == shift.capacity
            waitlisted += 1
    assert waitlisted > 0


def test_prepared_scenarios_sign_up_answer_and_poll_for_real(client, app):
    bench.seed("small")
    db.session.commit()
    prepared = bench.prepare_scenarios(sessions=2, per_user=3, players=4)
    session = prepared["sessions"][0]
    assert len(session["shifts"]) == 3
    assert (
        client.post(
            "/login", data={"phone": session["phone"], "password": bench.BENCH_PASSWORD}
        ).status_code
        == 302
    )
    assert client.post(f"/shifts/{session['shifts'][0]}/signup").status_code == 302
    user = db.session.scalar(db.select(User).where(User.phone == "+86" + session["phone"]))
    signup = db.session.scalar(
        db.select(Signup).where(Signup.shift_id == session["shifts"][0], Signup.user_id == user.id)
    )
    assert signup is not None and signup.status in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)
    quiz = prepared["quiz"]
    attempt = session["attempts"][0]
    response = client.post(
        f"/quizzes/{quiz['id']}/attempts/{attempt}/answer",
        data={"position": 0, "option": quiz["options"][0][0]},
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(
            db.select(AttemptAnswer.answered_at).where(
                AttemptAnswer.attempt_id == attempt, AttemptAnswer.position == 0
            )
        )
        is not None
    )
    client.set_cookie("xf_player", prepared["live"]["cookies"][0])
    first = client.get(f"/live/{prepared['live']['pin']}/state")
    assert first.status_code == 200 and first.json["phase"] == "question"
    again = client.get(
        f"/live/{prepared['live']['pin']}/state", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_thousand_event_feed_is_measured_in_process(app):
    bench.seed("small")
    db.session.commit()
    result = bench.feed_render_ms(events=100, repeat=1)
    assert result["events"] == 100 and result["render_ms"] > 0


def test_the_ledger_build_is_measured_on_the_benchmark_data(app):
    bench.seed("small")
    db.session.commit()
    measured = bench.ledger_build_ms(repeat=1)
    assert measured["events"] > 0 and measured["signups"] > 0 and measured["bytes"] > 0
    assert len(bench.ids_for_scenarios(sample=3)["districts"]) == 3
