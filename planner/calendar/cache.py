"""A cache of rendered feed bodies: Redis when ``REDIS_URL`` is set, else a small in-process LRU.

Keys name a feed at one data version, so entries never go stale; they only age out. It is only a
cache: when Redis is unreachable the feed is rendered again and served.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from flask import current_app

log = logging.getLogger(__name__)

PREFIX = "xinfeng:ics:"
REDIS_TTL_SECONDS = 24 * 3600
LOCAL_ENTRIES = 32  # a 1,000-event feed is about 1 MB

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


def clear() -> None:
    """Forget the in-process entries (tests)."""
    with _local_lock:
        _local.clear()
