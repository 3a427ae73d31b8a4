"""In-process CPU time per request: each endpoint of ``make bench`` through Flask's test client.

CPU time (``time.process_time``) of this one process, the database's own work included on SQLite,
does not depend on what else the machine runs: on a busy machine it is the number that travels
best. ``python bench/cpu.py`` uses ``DATABASE_URL`` (default: the city-scale SQLite database of
``make bench``); it writes sign-ups and quiz answers, like the load run.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _login(client, phone: str, password: str) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf_token": token, "phone": phone, "password": password})
    page = client.get("/account").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def measure(client, requests: list[dict], repeat: int, consume: bool) -> tuple[float, set[int]]:
    """Best-of-3 mean CPU milliseconds per request over ``repeat`` requests, and the statuses seen.
    ``consume``: each request changes data (a sign-up, an answer), so no round repeats one."""
    statuses: set[int] = set()
    best = None
    for round_ in range(3):
        started = time.process_time()
        for n in range(repeat):
            r = requests[(round_ * repeat + n if consume else n) % len(requests)]
            response = client.open(
                r["path"],
                method=r.get("method", "GET"),
                headers=r.get("headers", {}),
                data=r.get("data"),
            )
            response.get_data()
            statuses.add(response.status_code)
        spent = (time.process_time() - started) * 1000 / repeat
        best = spent if best is None else min(best, spent)
    return best, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30, help="requests per endpoint and round")
    parser.add_argument("--only", help="measure only endpoints whose name contains this text")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT}/instance/bench/bench-city.db")

    from app import app
    from planner import bench
    from planner.quizzes.blueprint import _serializer  # noqa: F401 - the live round's cookies

    with app.app_context():
        ids = bench.ids_for_scenarios()
        prepared = bench.prepare_scenarios(sessions=1, per_user=60, players=200)
        session = prepared["sessions"][0]
        shift_events = bench.events_of_shifts(session["shifts"])
    quiz, live = prepared["quiz"], prepared["live"]
    anonymous, volunteer = app.test_client(use_cookies=False), app.test_client()
    csrf = _login(volunteer, session["phone"], "bench-password")

    def conditional(client, path: str, headers: dict | None = None) -> dict:
        etag = client.get(path, headers=headers or {}).headers["ETag"]
        return {"path": path, "headers": {**(headers or {}), "If-None-Match": etag}}

    feeds = [f"/calendar/communities/{c}.ics" for c in ids["communities"]]
    state = f"/live/{live['pin']}/state"
    search = urllib.parse.quote("基准活动0123")
    answers = [
        {
            "method": "POST",
            "path": f"/quizzes/{quiz['id']}/attempts/{a}/answer",
            "data": {"csrf_token": csrf, "position": p, "option": quiz["options"][p][0]},
        }
        for a in session["attempts"]
        for p in range(quiz["questions"])
    ]
    scenarios = [
        ("/healthz", anonymous, [{"path": "/healthz"}]),
        ("/events (first page)", anonymous, [{"path": "/events"}]),
        (
            "/events?community=<id>",
            anonymous,
            [{"path": f"/events?community={c}"} for c in ids["communities"]],
        ),
        ("/events?q=<text>", anonymous, [{"path": f"/events?q={search}"}]),
        ("/events/<id>", anonymous, [{"path": f"/events/{e}"} for e in ids["events"]]),
        ("community feed .ics (200)", anonymous, [{"path": f} for f in feeds]),
        ("community feed .ics (304)", anonymous, [conditional(anonymous, f) for f in feeds]),
        ("/events (signed in)", volunteer, [{"path": "/events"}]),
        (
            "/events/<id> (signed in)",
            volunteer,
            [{"path": f"/events/{e}"} for e in shift_events.values()],
        ),
        (
            "/shifts/<id>/signup (signed in)",
            volunteer,
            [{"path": f"/shifts/{s}/signup"} for s in session["shifts"]],
        ),
        (
            "POST sign-up (logged in)",
            volunteer,
            [
                {"method": "POST", "path": f"/shifts/{s}/signup", "data": {"csrf_token": csrf}}
                for s in session["shifts"]
            ],
        ),
        (
            "…/signup?done=1 (signed in)",
            volunteer,
            [{"path": f"/shifts/{s}/signup?done=1"} for s in session["shifts"]],
        ),
        ("POST quiz answer (logged in)", volunteer, answers),
        (
            "live-round poll (304)",
            anonymous,
            [conditional(anonymous, state, {"Cookie": f"xf_player={c}"}) for c in live["cookies"]],
        ),
        ("/stats/city (this month)", anonymous, [{"path": "/stats/city"}]),
        (
            "/stats/districts/<id>",
            anonymous,
            [{"path": f"/stats/districts/{d}"} for d in ids["districts"]],
        ),
    ]
    print(f"{'endpoint':34s} {'CPU ms/request':>15s} {'x /healthz':>10s}  statuses")
    ceiling = None
    for name, client, requests in scenarios:
        if args.only and args.only not in name and name != "/healthz":
            continue
        consume = requests[0].get("method") == "POST"
        repeat = min(args.repeat, len(requests) // 3) if consume else args.repeat
        ms, statuses = measure(client, requests, repeat, consume)
        ceiling = ceiling or ms
        print(f"{name:34s} {ms:15.2f} {ms / ceiling:10.1f}  {sorted(statuses)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
