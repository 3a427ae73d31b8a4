"""Caches of feeds: Redis when ``REDIS_URL`` is set, else small in-process LRUs. Only caches: when
Redis is unreachable the feed's version is computed and its body rendered again.

Bodies are keyed by the feed's data version, so they never go stale; they only age out. Versions
are keyed by the feed and the latest event edit of all (``services.feed_head``), and trusted for
at most ``VERSION_SECONDS``: what no event edit stamps (sign-ups changing remaining places) shows
in the version again within that time. (Renaming a place, an organisation or a campaign stamps the
events that show the name: planner/calendar/models.py.)
"""

from __future__ import annotations

import time
from datetime import datetime

from planner.cache import Store

BODY_SECONDS = 24 * 3600
VERSION_SECONDS = 300
bodies = Store("ics:", local_entries=32)  # a 1,000-event feed is about 1 MB
versions = Store("ics-version:", local_entries=4096)  # a few hundred bytes each


def get(key: str) -> bytes | None:
    return bodies.get(key)


def put(key: str, body: bytes) -> None:
    bodies.put(key, body, BODY_SECONDS)


def _stamp(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def get_version(key: str, latest_edit: datetime | None) -> tuple[str, datetime | None] | None:
    """The (etag, last modified) remembered for ``key`` at this latest edit, if still trusted."""
    raw = versions.get(key)
    entry = tuple(raw.decode().split("|")) if raw else None
    if entry is None:
        return None
    stamp, etag, last_modified, until = entry
    if stamp != _stamp(latest_edit) or time.time() >= float(until):
        return None
    return etag, datetime.fromisoformat(last_modified) if last_modified else None


def put_version(
    key: str,
    latest_edit: datetime | None,
    etag: str,
    last_modified: datetime | None,
    until: datetime | None,
) -> None:
    """Remember ``key``'s version at this latest edit, for at most VERSION_SECONDS and ``until``."""
    now = time.time()
    deadline = now + VERSION_SECONDS
    if until is not None:
        deadline = min(deadline, until.timestamp())
    if deadline <= now:
        return
    entry = (_stamp(latest_edit), etag, _stamp(last_modified), repr(deadline))
    versions.put(key, "|".join(entry).encode(), deadline - now)


def clear() -> None:
    """Forget the in-process entries (tests)."""
    bodies.clear()
    versions.clear()
