"""What ``make bench`` loads: each scenario is a name and a list of requests wrk cycles through.

Sessions (cookies and CSRF tokens) and ids are prepared here, before the load starts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ids(env: dict) -> dict:
    """A few ids from the benchmark data, read through the app's own models."""
    code = (
        "import json; from app import app; from planner.bench import ids_for_scenarios;"
        "ctx = app.app_context(); ctx.push(); print(json.dumps(ids_for_scenarios()))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def prepare(base: str, env: dict, session_class) -> list[tuple[str, list[dict]]]:
    ids = _ids(env)
    scenarios = [
        ("/healthz", [{"path": "/healthz"}]),
        ("/ (home)", [{"path": "/"}]),
        ("/districts", [{"path": "/districts"}]),
        ("/communities/<id>", [{"path": f"/communities/{c}"} for c in ids["communities"]]),
        ("/teams (first page)", [{"path": "/teams"}]),
        ("/teams/<id>", [{"path": f"/teams/{t}"} for t in ids["teams"]]),
    ]
    return scenarios


__all__ = ["prepare", "os"]
