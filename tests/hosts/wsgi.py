"""The app as the two-host tests serve it with gunicorn (tests/hosts/); never production.

The database is the one ``PLANNER_HOSTS_DATABASE_URL`` names; Redis comes from ``REDIS_URL`` and
``PLANNER_REDIS_PREFIX`` in the environment, as in production.
"""

from __future__ import annotations

import os

from planner import create_app
from tests.hosts import HOSTS_CONFIG

app = create_app(
    {**HOSTS_CONFIG, "SQLALCHEMY_DATABASE_URI": os.environ["PLANNER_HOSTS_DATABASE_URL"]}
)
