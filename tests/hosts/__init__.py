"""Two app servers sharing one PostgreSQL and one Redis, as on several hosts (PostgreSQL only)."""

# The settings of both servers (tests/hosts/wsgi.py) and of the test process that seeds their
# database: no CSRF (the clients are scripts), the cheap test password hash, the page cache on
# for longer than the test lasts (so only its version key can make an edit show), and a small
# log-in limit to add up across the two.
HOSTS_CONFIG = {
    "SECRET_KEY": "two-hosts-tests",
    "WTF_CSRF_ENABLED": False,
    "PLANNER_PASSWORD_METHOD": "pbkdf2:sha256:1",
    "PLANNER_PAGE_CACHE_SECONDS": 600,
    "PLANNER_LOGIN_LIMIT": "4 per minute",
}
