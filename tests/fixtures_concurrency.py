"""``at_once``: run the same service call from several threads at the same moment."""

from __future__ import annotations

import threading

import pytest

from planner import create_app
from planner.extensions import db


@pytest.fixture
def at_once(app, app_config):
    """``at_once(work, n=6)`` runs ``work()`` in n threads at once, each in a request context of
    an app of its own (its own database connections, as separate requests have), and commits.
    Returns, per thread, what ``work`` returned or the exception it raised (rolled back).
    ``work`` loads what it needs by id: rows of the test's session belong to another session.
    """
    threads_app = create_app(app_config)

    def run(work, n: int = 6) -> list:
        barrier = threading.Barrier(n)
        results: list = [None] * n

        def one(i: int) -> None:
            with threads_app.test_request_context("/"):
                try:
                    barrier.wait(timeout=10)
                    results[i] = work()
                    db.session.commit()
                except Exception as exc:
                    db.session.rollback()
                    results[i] = exc
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        db.session.expire_all()
        return results

    yield run
    with threads_app.app_context():
        db.engine.dispose()
