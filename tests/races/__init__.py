"""Races over HTTP: N identical requests at once against gunicorn must have one effect, no 500."""

# The settings of the race test server (tests/races/wsgi.py) and of the test process that seeds
# its database and reads the results: no CSRF (the clients are scripts), no rate limits (ten
# identical requests from one address are the point), the cheap test password hash, no page cache.
RACE_CONFIG = {
    "SECRET_KEY": "http-race-tests",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PLANNER_PASSWORD_METHOD": "pbkdf2:sha256:1",
    "PLANNER_PAGE_CACHE_SECONDS": 0,
}
