"""A real server for race tests: gunicorn with 4 workers on a fresh database, and HTTP clients.

``race_server`` (one per test module) serves ``tests/races/wsgi.py`` from this worktree with
gunicorn on a free loopback port, over a database created and migrated for the module. Its
``app`` has the same settings in this process: seed rows in ``with race_server.app.app_context()``
and commit them (the workers see only committed rows). ``race_server.race(...)`` logs N clients
in, each with a cookie session of its own, and sends the same request from all of them at once.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from planner import create_app
from planner.extensions import db
from tests.conftest import PASSWORD, create_database, upgrade_database
from tests.races import RACE_CONFIG

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
RACERS = 10


@dataclass
class Reply:
    status: int
    location: str  # the redirect's path, "" when none
    body: str


@dataclass
class Client:
    """A visitor with a cookie session of its own, speaking HTTP/1.1 to the race server."""

    address: tuple[str, int]
    cookies: dict[str, str] = field(default_factory=dict)

    def connect(self) -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection(*self.address, timeout=60)
        conn.connect()
        return conn

    def send(self, method: str, path: str, data: dict | None = None, conn=None) -> Reply:
        conn = conn or self.connect()
        headers = {"Accept-Language": "zh-CN"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Reply(response.status, urlsplit(response.headers.get("Location", "")).path, text)

    def login(self, phone: str, password: str = PASSWORD) -> Client:
        reply = self.send("POST", "/login", {"phone": phone, "password": password})
        assert reply.status == 302, f"login as {phone} failed ({reply.status})"
        return self


@dataclass
class RaceServer:
    app: object
    address: tuple[str, int]
    log: Path

    def client(self, phone: str | None = None) -> Client:
        client = Client(self.address)
        return client.login(phone) if phone else client

    def race(
        self, path: str, data: dict | None = None, phone: str | None = None, n: int = RACERS
    ) -> list[Reply]:
        """POST ``data`` to ``path`` from n clients at once (each logged in as ``phone``)."""
        return self.race_from([self.client(phone) for _ in range(n)], path, data)

    def race_from(self, clients: list[Client], path: str, data: dict | None = None) -> list[Reply]:
        """POST ``data`` to ``path`` from each of ``clients`` at once, connections opened first;
        fails the test on a request that raised or a server error, with the server's log."""
        n = len(clients)
        connections = [c.connect() for c in clients]
        barrier = threading.Barrier(n)
        replies: list[Reply | BaseException] = [None] * n

        def fire(i: int) -> None:
            try:
                barrier.wait(timeout=60)
                replies[i] = clients[i].send("POST", path, data, conn=connections[i])
            except BaseException as exc:  # reported below, in the test's thread
                replies[i] = exc

        threads = [threading.Thread(target=fire, args=(i,)) for i in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for reply in replies:
            if not isinstance(reply, Reply):
                raise AssertionError(f"a racing request failed: {reply!r}")
        server_errors = [r for r in replies if r.status >= 500]
        assert not server_errors, self._explain(server_errors)
        return replies

    def _explain(self, errors: list[Reply]) -> str:
        tail = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
        return f"{len(errors)} requests answered {errors[0].status}; server log:\n{tail}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn() -> str:
    beside = Path(sys.executable).with_name("gunicorn")
    return str(beside) if beside.exists() else shutil.which("gunicorn") or "gunicorn"


def _wait_until_up(address, process, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection(*address, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


@contextmanager
def gunicorn(folder: Path, module: str, env: dict, workers: int = WORKERS):
    """Serve ``module``'s ``app`` with gunicorn on a free loopback port: yields (address, log)."""
    log = folder / "gunicorn.log"
    address = ("127.0.0.1", _free_port())
    command = [
        _gunicorn(),
        "--workers",
        str(workers),
        "--bind",
        f"{address[0]}:{address[1]}",
        "--chdir",
        str(ROOT),
        "--preload",
        "--graceful-timeout",
        "1",
        "--timeout",
        "60",
        "--error-logfile",
        str(log),
        f"{module}:app",
    ]
    env = {**os.environ, "PLANNER_INSTANCE_PATH": str(folder), "PYTHONPATH": str(ROOT), **env}
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(address, process, log)
        yield address, log
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def race_server(tmp_path_factory):
    """gunicorn (4 workers) serving the app over a database of this module's own."""
    url, drop = create_database(tmp_path_factory, "race")
    upgrade_database(url)
    folder = tmp_path_factory.mktemp("race-server")
    app = create_app({**RACE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with gunicorn(folder, "tests.races.wsgi", {"PLANNER_RACE_DATABASE_URL": url}) as (
            address,
            log,
        ):
            yield RaceServer(app, address, log)
    finally:
        with app.app_context():
            db.engine.dispose()
        drop()
