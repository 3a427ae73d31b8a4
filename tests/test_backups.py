"""``flask backup`` and ``flask restore``: a consistent copy, even while sign-ups are written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading

import pytest
import sqlalchemy as sa

from planner import create_app
from planner.extensions import db

ON_POSTGRES = bool(os.environ.get("DATABASE_URL"))
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite only")


def _file(app) -> str:
    return db.engine.url.database


def _counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _places_add_up(path) -> bool:
    """Every shift's confirmed_count equals its confirmed sign-ups: true of every committed state."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT s.id, s.confirmed_count, (SELECT count(*) FROM signup g"
            " WHERE g.shift_id = s.id AND g.status = 'confirmed') FROM shift s"
        ).fetchall()
    return all(count == actual for _id, count, actual in rows)


def _restored_copy(backup_path, tmp_path) -> str:
    """Restore ``backup_path`` with the command into a fresh database file; returns its path."""
    target = tmp_path / "restored.db"
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}"})
    # The command runs in the current app context if there is one: make it the other app's.
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["restore", str(backup_path)])
        assert result.exit_code == 0, result.output
        assert str(target) in result.output
        db.engine.dispose()
    return str(target)


@sqlite_only
def test_a_backup_taken_while_sign_ups_are_written_restores_a_consistent_copy(
    app, runner, make_event, make_user, tmp_path
):
    from planner.accounts.models import User
    from planner.events.models import Shift
    from planner.signups.models import Signup, SignupStatus

    event = make_event(shifts=(("引导", 1),))
    shift_id = event.shifts[0].id
    written = threading.Event()
    stop = threading.Event()
    errors: list[BaseException] = []

    def sign_ups() -> None:
        with app.app_context():
            try:
                for n in range(100_000):
                    if stop.is_set():
                        return
                    user = User(phone=f"+86135{n:08d}", real_name=f"志愿者{n}", password_hash="")
                    shift = db.session.get(Shift, shift_id)
                    shift.capacity += 1
                    shift.confirmed_count += 1
                    db.session.add(
                        Signup(shift=shift, user=user, status=SignupStatus.CONFIRMED, arrival=n)
                    )
                    db.session.commit()
                    if n == 20:
                        written.set()
            except BaseException as exc:  # reported in the test's thread
                errors.append(exc)
                written.set()
            finally:
                db.session.remove()

    writer = threading.Thread(target=sign_ups)
    writer.start()
    try:
        assert written.wait(30)
        backup_path = tmp_path / "backup.db"
        result = runner.invoke(args=["backup", str(backup_path)])
    finally:
        stop.set()
        writer.join(30)
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert _places_add_up(backup_path)
    backed_up = _counts(backup_path)["signup"]
    assert 20 <= backed_up <= db.session.scalar(sa.select(sa.func.count(Signup.id)))

    restored = _restored_copy(backup_path, tmp_path)
    assert _counts(restored) == _counts(backup_path)
    assert _places_add_up(restored)


@sqlite_only
def test_backup_then_restore_gives_every_table_its_rows_back(app, runner, seeded, tmp_path):
    backup_path = tmp_path / "backup.db"
    assert runner.invoke(args=["backup", str(backup_path)]).exit_code == 0
    db.session.remove()
    assert _counts(_restored_copy(backup_path, tmp_path)) == _counts(_file(app))


@sqlite_only
def test_backup_refuses_to_overwrite_and_restore_refuses_what_is_no_backup(app, runner, tmp_path):
    taken = tmp_path / "taken.db"
    taken.write_text("keep me")
    result = runner.invoke(args=["backup", str(taken)])
    assert result.exit_code != 0 and "exists already" in result.output
    assert taken.read_text() == "keep me"
    before = _counts(_file(app))
    for bad in (taken, tmp_path / "missing.db"):
        result = runner.invoke(args=["restore", str(bad)])
        assert result.exit_code != 0 and "Error" in result.output
    assert _counts(_file(app)) == before


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only")
def test_on_postgres_backup_is_a_pg_dump_and_restore_points_to_pg_restore(app, runner, tmp_path):
    dump = tmp_path / "xinfeng.dump"
    result = runner.invoke(args=["backup", str(dump)])
    assert result.exit_code == 0, result.output
    listing = subprocess.run(
        [shutil.which("pg_restore"), "--list", str(dump)], capture_output=True, text=True
    )
    assert listing.returncode == 0 and "TABLE public signup" in listing.stdout
    refused = runner.invoke(args=["restore", str(dump)])
    assert refused.exit_code != 0 and "pg_restore" in refused.output
