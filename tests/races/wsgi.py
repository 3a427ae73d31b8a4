"""The app as the HTTP race tests serve it with gunicorn (tests/fixtures_http.py); never production.

The database is the one ``PLANNER_RACE_DATABASE_URL`` names; the settings are ``RACE_CONFIG``.
"""

from __future__ import annotations

import os

from planner import create_app
from tests.races import RACE_CONFIG

app = create_app(
    {**RACE_CONFIG, "SQLALCHEMY_DATABASE_URI": os.environ["PLANNER_RACE_DATABASE_URL"]}
)
