"""What ``make bench`` loads: each scenario is a name and a list of requests wrk cycles through.

Sessions (cookies and CSRF tokens), quiz attempts, a running live round and ids are prepared here,
before the load starts; every request is one the app answers with 2xx or 3xx.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 32  # one logged-in volunteer per connection


def _in_app(env: dict, call: str) -> dict:
    """Run ``call`` (an expression over planner.bench) in the app and return its JSON."""
    return _in_app_module(env, "bench", call)


def _etag(url: str, headers: dict) -> str:
    """A first fetch, as a client would make it, for the ETag its conditional requests send."""
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.headers["ETag"]


def _interleave(groups: list[list[dict]]) -> list[dict]:
    """Round-robin over the sessions, so concurrent requests come from different volunteers."""
    out = []
    for i in range(max(len(g) for g in groups)):
        out += [g[i] for g in groups if i < len(g)]
    return out


def prepare(base: str, env: dict, session_class) -> list[tuple[str, list[dict]]]:
    ids = _in_app(env, "bench.ids_for_scenarios()")
    prepared = _in_app(env, f"bench.prepare_scenarios(sessions={SESSIONS})")
    sessions = [
        (s, session_class(base, s["phone"], "bench-password")) for s in prepared["sessions"]
    ]

    def form(session, path: str, fields: dict) -> dict:
        body = urllib.parse.urlencode({"csrf_token": session.csrf, **fields})
        return {
            "method": "POST",
            "path": path,
            "body": body,
            "headers": {
                "Cookie": session.cookie,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        }

    signups = _interleave(
        [
            [form(sess, f"/shifts/{shift}/signup", {}) for shift in s["shifts"]]
            for s, sess in sessions
        ]
    )
    quiz = prepared["quiz"]
    answers = _interleave(
        [
            [
                form(
                    sess,
                    f"/quizzes/{quiz['id']}/attempts/{attempt}/answer",
                    {"position": p, "option": quiz["options"][p][p % 4]},
                )
                for attempt in s["attempts"]
                for p in range(quiz["questions"])
            ]
            for s, sess in sessions
        ]
    )

    feeds = [f"/calendar/communities/{c}.ics" for c in ids["communities"]]
    conditional_feeds = [
        {"path": f, "headers": {"If-None-Match": _etag(base + f, {})}} for f in feeds
    ]
    live = prepared["live"]
    state = f"/live/{live['pin']}/state"
    polls = []
    for cookie in live["cookies"]:
        headers = {"Cookie": f"xf_player={cookie}"}
        polls.append(
            {"path": state, "headers": {**headers, "If-None-Match": _etag(base + state, headers)}}
        )
    search = urllib.parse.quote("基准活动0123")

    return [
        ("/healthz", [{"path": "/healthz"}]),
        ("/ (home)", [{"path": "/"}]),
        ("/districts", [{"path": "/districts"}]),
        ("/communities/<id>", [{"path": f"/communities/{c}"} for c in ids["communities"]]),
        ("/teams (first page)", [{"path": "/teams"}]),
        ("/teams/<id>", [{"path": f"/teams/{t}"} for t in ids["teams"]]),
        ("/events (first page)", [{"path": "/events"}]),
        (
            "/events?community=<id>",
            [{"path": f"/events?community={c}"} for c in ids["communities"]],
        ),
        ("/events?q=<text>", [{"path": f"/events?q={search}"}]),
        ("/events/<id>", [{"path": f"/events/{e}"} for e in ids["events"]]),
        ("community feed .ics (200)", [{"path": f} for f in feeds]),
        ("community feed .ics (304)", conditional_feeds),
        ("POST sign-up (logged in)", signups),
        ("POST quiz answer (logged in)", answers),
        ("live-round poll (304)", polls),
        ("/stats/city (this month)", [{"path": "/stats/city"}]),
        ("/stats/districts/<id>", [{"path": f"/stats/districts/{d}"} for d in ids["districts"]]),
    ]


__all__ = ["prepare", "urllib"]


def _in_app_module(env: dict, module: str, call: str):
    """Run ``call`` (an expression over planner.<module>) in the app and return its JSON."""
    code = (
        f"import json; from app import app; from planner import {module};"
        f"ctx = app.app_context(); ctx.push(); print(json.dumps({call}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
