"""Caches of feeds: Redis when ``REDIS_URL`` is set, else small in-process LRUs. Only caches: when
Redis is unreachable the feed's version is computed and its body rendered again.

Bodies are keyed by the feed's data version, so they never go stale; they only age out. Versions
are keyed by the feed and the latest event edit of all (``services.feed_head``), and trusted for
at most ``VERSION_SECONDS``: what no event edit stamps (sign-ups changing remaining places,
renames of places and organisations) shows in the version again within that time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from datetime import datetime

from flask import current_app

log = logging.getLogger(__name__)

PREFIX = "xinfeng:ics:"
REDIS_TTL_SECONDS = 24 * 3600
LOCAL_ENTRIES = 32  # a 1,000-event feed is about 1 MB
VERSION_PREFIX = "xinfeng:ics-version:"
VERSION_SECONDS = 300
LOCAL_VERSIONS = 4096  # a few hundred bytes each

_local: OrderedDict[str, bytes] = OrderedDict()
_local_lock = threading.Lock()
_clients: dict[str, object] = {}


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if url not in _clients:
        import redis

        _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return _clients[url]


def get(key: str) -> bytes | None:
    client = _redis()
    if client is not None:
        try:
            return client.get(PREFIX + key)
        except Exception:  # noqa: BLE001 - a cache miss, never an error page
            log.warning("calendar cache: Redis unreachable on get", exc_info=True)
            return None
    with _local_lock:
        body = _local.get(key)
        if body is not None:
            _local.move_to_end(key)
        return body


def put(key: str, body: bytes) -> None:
    client = _redis()
    if client is not None:
        try:
            client.set(PREFIX + key, body, ex=REDIS_TTL_SECONDS)
        except Exception:  # noqa: BLE001
            log.warning("calendar cache: Redis unreachable on set", exc_info=True)
        return
    with _local_lock:
        _local[key] = body
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


# key -> (latest edit, etag, last modified, trusted until as a Unix time)
_versions: OrderedDict[str, tuple[str, str, str, float]] = OrderedDict()


def _stamp(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def get_version(key: str, latest_edit: datetime | None) -> tuple[str, datetime | None] | None:
    """The (etag, last modified) remembered for ``key`` at this latest edit, if still trusted."""
    client = _redis()
    if client is not None:
        try:
            raw = client.get(VERSION_PREFIX + key)
        except Exception:  # noqa: BLE001
            log.warning("calendar cache: Redis unreachable on get", exc_info=True)
            return None
        entry = tuple(raw.decode().split("|")) if raw else None
    else:
        with _local_lock:
            entry = _versions.get(key)
            if entry is not None:
                _versions.move_to_end(key)
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
    client = _redis()
    if client is not None:
        try:
            client.set(
                VERSION_PREFIX + key, "|".join(entry).encode(), ex=max(int(deadline - now), 1)
            )
        except Exception:  # noqa: BLE001
            log.warning("calendar cache: Redis unreachable on set", exc_info=True)
        return
    with _local_lock:
        _versions[key] = entry
        _versions.move_to_end(key)
        while len(_versions) > LOCAL_VERSIONS:
            _versions.popitem(last=False)


def clear() -> None:
    """Forget the in-process entries (tests)."""
    with _local_lock:
        _local.clear()
        _versions.clear()
