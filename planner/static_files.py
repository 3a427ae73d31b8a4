"""Static files a phone fetches once: fingerprinted URLs, a year's immutable cache, gzip.

``url_for('static', filename=…)`` (and Bootstrap-Flask's ``bootstrap.static``) carry ``?v=`` and
the first characters of the file's SHA-256. A request whose ``v`` is the file's current hash is
answered with ``Cache-Control: public, max-age=31536000, immutable``, so a browser never asks again
until a deploy changes the file (and so its URL). Any other request for a static file (no ``v``, or
an old one) must revalidate. Text files are sent gzip-compressed to clients that accept it.

Hashes and compressed bodies are kept per process, keyed by the file's path, size and modification
time: files under ``static/`` change only with a deploy, and a changed file gets a new entry.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
STATIC_ENDPOINTS = ("static", "bootstrap.static")
COMPRESSIBLE = ("text/css", "text/javascript", "application/javascript", "image/svg+xml")
MIN_COMPRESSED_SIZE = 512


def _folder(endpoint: str) -> str | None:
    """The folder an endpoint serves static files from."""
    if endpoint == "static":
        return current_app.static_folder
    blueprint = current_app.blueprints.get(endpoint.rpartition(".")[0])
    return blueprint.static_folder if blueprint is not None else None


def _path(endpoint: str, filename: str) -> str | None:
    """The file behind ``filename`` of a static endpoint, if it is one (never outside its folder)."""
    folder = _folder(endpoint)
    if not folder or not filename:
        return None
    path = os.path.realpath(os.path.join(folder, filename))
    if not path.startswith(os.path.realpath(folder) + os.sep) or not os.path.isfile(path):
        return None
    return path


@lru_cache(maxsize=256)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


def fingerprint(endpoint: str, filename: str) -> str | None:
    """The short content hash of a static file, or None when there is no such file."""
    path = _path(endpoint, filename)
    if path is None:
        return None
    stat = os.stat(path)
    return _digest(path, stat.st_size, stat.st_mtime_ns)


def add_fingerprint(endpoint: str | None, values: dict) -> None:
    """``url_defaults``: static URLs carry ``v=<hash>`` unless the caller gave one."""
    if endpoint in STATIC_ENDPOINTS and "v" not in values:
        digest = fingerprint(endpoint, values.get("filename", ""))
        if digest:
            values["v"] = digest


@lru_cache(maxsize=64)
def _gzipped(path: str, size: int, mtime_ns: int) -> bytes:
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=9, mtime=0)


def cache_and_compress(response: Response) -> Response:
    """``after_request``: the long cache for the current fingerprint, gzip for text files."""
    if request.endpoint not in STATIC_ENDPOINTS or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    path = _path(request.endpoint, filename)
    if path is None:
        return response
    stat = os.stat(path)
    current = _digest(path, stat.st_size, stat.st_mtime_ns)
    response.headers["Cache-Control"] = (
        IMMUTABLE if request.args.get("v") == current else REVALIDATE
    )
    response.vary.add("Accept-Encoding")
    if (
        response.status_code == 200
        and response.mimetype in COMPRESSIBLE
        and stat.st_size >= MIN_COMPRESSED_SIZE
        and "gzip" in request.accept_encodings
        and not response.headers.get("Content-Encoding")
    ):
        body = _gzipped(path, stat.st_size, stat.st_mtime_ns)
        close = getattr(response.response, "close", None)
        if close is not None:
            close()  # the file Flask opened to send is not read
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        # A strong ETag names the bytes sent: the compressed body has its own.
        response.set_etag(f"{current}-gz")
        response.make_conditional(request.environ)
    return response


def register(app: Flask) -> None:
    app.url_defaults(add_fingerprint)
    app.after_request(cache_and_compress)
