"""Fixtures in the style of Flask's tutorial: ``app``, ``client``, ``runner``, ``auth`` and factories.

The suite runs on SQLite by default and on PostgreSQL when ``DATABASE_URL`` is set: the session gets
a database of its own (a unique name, dropped afterwards), built by the migrations; every test starts
from empty tables.
"""

from __future__ import annotations

import itertools
import os
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import make_url

from planner import create_app
from planner.extensions import db

# Each feature's factory fixtures live in tests/fixtures_<feature>.py, loaded here.
pytest_plugins = sorted(
    f"tests.{path.stem}" for path in Path(__file__).parent.glob("fixtures_*.py")
)

PASSWORD = "correct-horse-9"
_phone_numbers = itertools.count(1)


def _server_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def create_database(tmp_path_factory, label: str):
    """A new, empty database for this run: (url, drop) — SQLite in a temporary folder, or a
    uniquely named PostgreSQL database on the server ``DATABASE_URL`` names."""
    server = _server_url()
    if server is None:
        return "sqlite:///" + str(tmp_path_factory.mktemp(label) / f"{label}.db"), lambda: None
    base = make_url(server)
    name = f"xinfeng_{label}_{uuid.uuid4().hex[:12]}"
    admin_engine = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def upgrade_database(url: str) -> None:
    """Build the schema with the migrations, as ``flask db upgrade`` does."""
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The unit tests' database for this session, with the schema built by the migrations."""
    url, drop = create_database(tmp_path_factory, "test")
    upgrade_database(url)
    yield url
    drop()


def _empty_all_tables() -> None:
    """Delete every row, children first. DELETE beats TRUNCATE here: PostgreSQL's TRUNCATE makes
    new files for every table, which costs far more than emptying a few small tables."""
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app_config(database_url, tmp_path):
    """Settings for the ``app`` fixture; a test may override entries before asking for ``app``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        # One round of PBKDF2 instead of scrypt (~175 ms a hash): tests check rules, not hashing.
        "PLANNER_PASSWORD_METHOD": "pbkdf2:sha256:1",
        # Tests write rows directly and read pages at once; tests/test_pagecache.py turns it on.
        "PLANNER_PAGE_CACHE_SECONDS": 0,
    }


class RequestIsolatingClient(FlaskClient):
    """Gives every request its own app context (and so its own ``g`` and database session),
    as in production, even though the test itself holds an app context open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            db.session.remove()
        # What the test's own session holds may now be stale.
        db.session.expire_all()
        return response


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user_or_phone, password: str = PASSWORD, follow_redirects: bool = False):
        phone = getattr(user_or_phone, "local_phone", user_or_phone)
        return self._client.post(
            "/login", data={"phone": phone, "password": password}, follow_redirects=follow_redirects
        )

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


# ---------------------------------------------------------------- factories


def next_phone() -> str:
    """A valid, obviously fake mainland mobile number, unique within the session."""
    return f"139{next(_phone_numbers):08d}"


@pytest.fixture
def make_user(app):
    from planner.accounts.models import User
    from planner.timeutil import utcnow

    def make(name: str = "测试用户", phone: str | None = None, admin: bool = False, **fields):
        user = User(
            phone="+86" + (phone or next_phone()),
            real_name=name,
            is_admin=admin,
            consented_at=utcnow(),
            **fields,
        )
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_community(app):
    from planner.directory.models import Community, District, Street

    counter = itertools.count(1)

    def make(name: str | None = None, street: Street | None = None, district_name: str = "市南区"):
        n = next(counter)
        if street is None:
            district = db.session.scalar(sa.select(District).where(District.name == district_name))
            if district is None:
                district = District(name=district_name)
                db.session.add(district)
            street = Street(district=district, name=f"测试街道{n}")
            db.session.add(street)
        community = Community(street=street, name=name or f"测试社区{n}", address="测试路1号")
        db.session.add(community)
        db.session.commit()
        return community

    return make


@pytest.fixture
def make_department(app):
    from planner.directory.models import Department

    counter = itertools.count(1)

    def make(name: str | None = None):
        department = Department(name=name or f"测试部门{next(counter)}")
        db.session.add(department)
        db.session.commit()
        return department

    return make


@pytest.fixture
def make_team(app):
    from planner.directory.models import JoinPolicy, VolunteerTeam

    counter = itertools.count(1)

    def make(name: str | None = None, policy: JoinPolicy = JoinPolicy.APPROVAL, **owner):
        team = VolunteerTeam(
            name=name or f"测试志愿服务队{next(counter)}", join_policy=policy, **owner
        )
        db.session.add(team)
        db.session.commit()
        return team

    return make


@pytest.fixture
def make_membership(app):
    from planner.directory.models import MembershipStatus, TeamMembership, TeamRole

    def make(team, user, role: TeamRole = TeamRole.MEMBER, status=MembershipStatus.ACTIVE):
        membership = TeamMembership(team=team, user=user, role=role, status=status)
        db.session.add(membership)
        db.session.commit()
        return membership

    return make


@pytest.fixture
def grant(app):
    from planner.accounts.models import OrganiserGrant

    def make(user, organisation):
        g = OrganiserGrant(user=user)
        g.organisation = organisation
        db.session.add(g)
        db.session.commit()
        return g

    return make


@pytest.fixture
def make_event(app, make_community):
    """An event (published, starting in three days, two hours long) with optional shifts."""
    from planner.events.models import Event, EventHost, EventKind, EventStatus, Shift
    from planner.timeutil import utcnow

    counter = itertools.count(1)

    def make(
        title: str | None = None,
        kind: EventKind = EventKind.CLEANUP,
        status: EventStatus = EventStatus.PUBLISHED,
        starts_at=None,
        hours: float = 2,
        community=None,
        hosts=(),
        shifts: tuple[tuple[str, int], ...] = (),
        **fields,
    ):
        starts_at = starts_at or (utcnow() + timedelta(days=3)).replace(microsecond=0)
        ends_at = starts_at + timedelta(hours=hours)
        event = Event(
            title=title or f"测试活动{next(counter)}",
            kind=kind,
            status=status,
            starts_at=starts_at,
            ends_at=ends_at,
            community=community if community is not None else make_community(),
            venue="社区广场",
            **fields,
        )
        for organisation in hosts:
            host = EventHost()
            host.organisation = organisation
            event.hosts.append(host)
        for role, capacity in shifts:
            event.shifts.append(
                Shift(role=role, starts_at=starts_at, ends_at=ends_at, capacity=capacity)
            )
        db.session.add(event)
        db.session.commit()
        return event

    return make


class _DemoSnapshot:
    """The demo data's rows, read once per test process after the first real seeding, and written
    back with one INSERT per table for every later test that asks for ``seeded``. Times are moved
    forward by the time since the snapshot, so "in three days" stays three days away."""

    rows: dict[str, list[dict]] | None = None
    taken_at = None

    @classmethod
    def take(cls) -> None:
        from planner.timeutil import utcnow

        with db.engine.connect() as conn:
            cls.rows = {
                table.name: [dict(row) for row in conn.execute(table.select()).mappings()]
                for table in db.metadata.sorted_tables
            }
        cls.taken_at = utcnow()

    @classmethod
    def restore(cls) -> bool:
        """Write the rows back into an empty database; False (nothing written) where the test
        already made rows of its own, which the demo data's ids could collide with."""
        from planner.timeutil import UTCDateTime, utcnow

        shift = utcnow() - cls.taken_at
        with db.engine.begin() as conn:
            for table in db.metadata.sorted_tables:
                if conn.execute(sa.select(table).limit(1)).first() is not None:
                    return False
            for table in db.metadata.sorted_tables:
                rows = cls.rows[table.name]
                if not rows:
                    continue
                times = [c.name for c in table.columns if isinstance(c.type, UTCDateTime)]
                if times:
                    rows = [
                        {**row, **{n: row[n] + shift for n in times if row[n] is not None}}
                        for row in rows
                    ]
                conn.execute(table.insert(), rows)
        return True


@pytest.fixture
def seeded(app):
    """The demo data, as ``seed-demo`` loads it: seeded for real by the first test of each process,
    then restored from that snapshot (a tenth of the time)."""
    from planner import demo

    if _DemoSnapshot.rows is not None and _DemoSnapshot.restore():
        return
    first = _DemoSnapshot.rows is None and not any(
        db.session.execute(sa.select(table).limit(1)).first() for table in db.metadata.sorted_tables
    )
    demo.seed_all()
    db.session.commit()
    if first:
        _DemoSnapshot.take()


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: …`` then ``counter.count`` is the number of SQL statements,
    and ``counter.in_transaction`` says of each whether it ran inside a transaction the driver
    opened (``BEGIN`` … ``ROLLBACK``) or on its own (autocommit)."""

    def in_transaction(dbapi_connection) -> bool:
        if db.engine.dialect.name == "sqlite":
            return dbapi_connection.isolation_level is not None
        return not dbapi_connection.autocommit

    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []
            in_transaction: list[bool] = []

        counter = Counter()
        counter.statements, counter.in_transaction = [], []

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.count += 1
            counter.statements.append(statement)
            counter.in_transaction.append(in_transaction(conn.connection.dbapi_connection))

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting
