"""Factories for the sign-up tests."""

from __future__ import annotations

import itertools

import pytest

from planner.extensions import db

_bulk_phones = itertools.count(1)


@pytest.fixture
def make_volunteers(app):
    """``make_volunteers(n)``: n users without passwords (fast; for capacity and roster tests)."""
    from planner.accounts.models import User

    def make(n: int, prefix: str = "志愿者"):
        users = [
            User(phone=f"+86137{next(_bulk_phones):08d}", real_name=f"{prefix}{i:03d}")
            for i in range(n)
        ]
        db.session.add_all(users)
        db.session.commit()
        return users

    return make


@pytest.fixture
def sign_up(app):
    """``sign_up(shift, user, **kw)``: the service, committed."""
    from planner.signups import places

    def run(shift, user, **kwargs):
        signup = places.sign_up(shift.id, user, **kwargs)
        db.session.commit()
        return signup

    return run


@pytest.fixture
def in_request(app):
    """A request context, as services run in views (domain errors translate their message)."""
    with app.test_request_context("/"):
        yield
