"""A live server for browser tests and screenshots: the app in a thread on a free loopback port."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from werkzeug.serving import make_server

from planner import create_app
from planner.extensions import db

CHROMIUM = os.environ.get("PLANNER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"


class LiveServer:
    """Serves a seeded app until ``stop()``; ``url`` is its base address."""

    def __init__(self, database_url: str, **config):
        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SECRET_KEY": "browser-tests",
                "RATELIMIT_ENABLED": False,
                **config,
            }
        )
        with self.app.app_context():
            from planner import demo

            demo.seed_all()
            db.session.commit()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
        with self.app.app_context():
            db.engine.dispose()
