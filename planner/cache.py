"""Caches: Redis when ``REDIS_URL`` is set, else a small LRU in each process.

Only ever a cache: every user of a store checks what it reads against the database (a version in
the key or the value), and an unreachable Redis is a miss, never an error page.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from flask import current_app

log = logging.getLogger(__name__)

# One client per Redis URL, shared by every store of the process.
_clients: dict[str, object] = {}


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if url not in _clients:
        import redis

        _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return _clients[url]


class Store:
    """Byte values under string keys, each kept for at most the seconds it was put with."""

    def __init__(self, prefix: str, local_entries: int):
        self.prefix = prefix
        self.local_entries = local_entries
        self._local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def _redis_key(self, key: str) -> str:
        return current_app.config.get("PLANNER_REDIS_PREFIX", "") + self.prefix + key

    def get(self, key: str) -> bytes | None:
        client = _redis()
        if client is not None:
            try:
                return client.get(self._redis_key(key))
            except Exception:  # noqa: BLE001 - a cache miss, never an error page
                log.warning("cache %s: Redis unreachable on get", self.prefix, exc_info=True)
                return None
        with self._lock:
            entry = self._local.get(key)
            if entry is None or entry[0] <= time.monotonic():
                return None
            self._local.move_to_end(key)
            return entry[1]

    def put(self, key: str, value: bytes, seconds: int) -> None:
        client = _redis()
        if client is not None:
            try:
                client.set(self._redis_key(key), value, ex=max(int(seconds), 1))
            except Exception:  # noqa: BLE001
                log.warning("cache %s: Redis unreachable on set", self.prefix, exc_info=True)
            return
        with self._lock:
            self._local[key] = (time.monotonic() + seconds, value)
            self._local.move_to_end(key)
            while len(self._local) > self.local_entries:
                self._local.popitem(last=False)

    def __len__(self) -> int:
        """Entries held in this process (tests)."""
        return len(self._local)

    def clear(self) -> None:
        """Forget the in-process entries (tests)."""
        with self._lock:
            self._local.clear()
