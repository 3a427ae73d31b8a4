"""The benchmark data set: the promised amounts, written in bulk, once."""

from __future__ import annotations

from planner import bench
from planner.accounts.models import User
from planner.events.models import Event, Shift
from planner.extensions import db


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
    response = client.post("/login", data={"phone": "17000000007", "password": bench.BENCH_PASSWORD})
    assert response.status_code == 302


def test_scenario_ids_are_spread_over_the_data(app):
    bench.seed("small")
    db.session.commit()
    ids = bench.ids_for_scenarios(sample=5)
    assert len(ids["communities"]) == 5 and len(set(ids["events"])) == 5


def test_the_city_scale_is_what_the_city_needs():
    city = bench.SCALES["city"]
    assert (city["communities"], city["volunteers"], city["events"], city["signups"], city["attempts"]) == (
        200, 100_000, 20_000, 1_000_000, 50_000)
