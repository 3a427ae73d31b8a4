"""Backing up and restoring the database: ``flask --app app backup PATH`` / ``restore PATH``.

SQLite is copied with its online backup API, page by page from one consistent snapshot, so a backup
taken while the app serves sign-ups is never half of one write. PostgreSQL is dumped with the
server's own ``pg_dump`` (custom format, restored with ``pg_restore``); the app does not restore it.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from planner.extensions import db


class BackupError(Exception):
    """What went wrong, said for the person at the command line."""


def _sqlite_path() -> Path | None:
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    with target:
        source.backup(target, pages=1024)


def backup(destination: str) -> str:
    """Write a backup of the app's database to ``destination``; returns what was done."""
    path = Path(destination)
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new file")
    database = _sqlite_path()
    if database is None:
        return _pg_dump(path)
    source = sqlite3.connect(database)
    target = sqlite3.connect(path)
    try:
        _copy(source, target)
    finally:
        target.close()
        source.close()
    return f"SQLite database {database} backed up to {path}"


def _pg_dump(path: Path) -> str:
    binary = shutil.which("pg_dump")
    if binary is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    url = make_url(str(db.engine.url)).set(drivername="postgresql")
    result = subprocess.run(
        [binary, "--format=custom", "--no-owner", f"--file={path}", url.render_as_string(False)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return f"PostgreSQL database dumped to {path} (restore with pg_restore --clean --dbname=…)"


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def restore(origin: str) -> str:
    """Replace the app's SQLite database with the backup at ``origin``. Stop the app first."""
    database = _sqlite_path()
    if database is None:
        raise BackupError("restore is for SQLite; for PostgreSQL use pg_restore (see the README)")
    path = Path(origin)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        revision = _revision(source)
        if revision is None or source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is not a backup of this app's database")
        db.engine.dispose()  # the app's own connections must not hold the file meanwhile
        target = sqlite3.connect(database)
        try:
            _copy(source, target)
        finally:
            target.close()
    finally:
        source.close()
    return f"{database} restored from {path} (schema {revision}; run `flask db upgrade` next)"
