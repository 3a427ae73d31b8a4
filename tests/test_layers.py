"""Views parse, call a service, commit and render: the querying lives in services."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUERYING = re.compile(r"select\(|db\.session\.(get|scalars?|execute)\(|paginate\(|\.query\b")
VIEW_MODULES = sorted(
    str(path.relative_to(ROOT))
    for pattern in ("planner/**/views.py", "planner/**/*_views.py")
    for path in ROOT.glob(pattern)
)


def test_the_view_modules_are_found():
    assert {
        "planner/quizzes/manage_views.py",
        "planner/admin/views.py",
        "planner/signups/roster_views.py",
        "planner/directory/views.py",
    } <= set(VIEW_MODULES)


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_views_leave_queries_to_services(module):
    source = (ROOT / module).read_text()
    assert [line.strip() for line in source.splitlines() if QUERYING.search(line)] == []
