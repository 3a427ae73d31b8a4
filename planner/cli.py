"""Command-line tools: ``seed-demo``, ``create-admin``, ``send-notifications``, ``analyze``,
``backup`` and ``restore``."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import text

from planner import backups
from planner.accounts import services as accounts
from planner.extensions import db


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database has no districts yet.")
def seed_demo(if_empty: bool):
    """Load the demo data (idempotent: a second run changes nothing)."""
    from planner import demo
    from planner.directory.models import District

    if if_empty and db.session.scalar(db.select(District.id).limit(1)) is not None:
        click.echo("The database already has data; demo data not loaded.")
        return
    demo.seed_all(progress=lambda what: click.echo(f"Loading {what}…"))
    db.session.commit()
    click.echo("Demo data is in place.")


@click.command("create-admin")
@with_appcontext
@click.option("--phone", required=True, help="Mainland mobile number.")
@click.option("--name", required=True, help="Real name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(phone: str, name: str, password_stdin: bool):
    """Create an administrator, or make an existing account one."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < accounts.PASSWORD_MIN:
        raise click.ClickException(
            f"The password needs at least {accounts.PASSWORD_MIN} characters."
        )
    try:
        user = accounts.find_by_phone(phone)
        if user is None:
            user = accounts.register_user(phone, name, password)
        else:
            accounts.check_new_password(password, user.phone)
            user.set_password(password)
            accounts.end_all_sessions(user)
    except (accounts.InvalidPhone, accounts.WeakPassword) as exc:
        raise click.ClickException(str(exc.message)) from exc
    user.is_admin = True
    db.session.commit()
    click.echo(f"{user.real_name} ({user.masked_phone}) is an administrator.")


@click.command("send-notifications")
@with_appcontext
def send_notifications():
    """Send queued messages from the outbox until none is left (safe to run from cron, and
    several at once: each message is claimed by one sender)."""
    from planner.notifications import services as notifications

    sent = failed = 0
    while True:
        batch_sent, batch_failed = notifications.send_queued()
        if not batch_sent + batch_failed:
            break
        sent, failed = sent + batch_sent, failed + batch_failed
    click.echo(f"sent {sent}, failed {failed}")


@click.command("backup")
@with_appcontext
@click.argument("path")
def backup_command(path: str):
    """Back up the database to PATH (SQLite: safe while the app runs; PostgreSQL: pg_dump)."""
    _run(backups.backup, path)


@click.command("restore")
@with_appcontext
@click.argument("path")
def restore_command(path: str):
    """Replace the SQLite database with the backup at PATH (stop the app first)."""
    _run(backups.restore, path)


@click.command("analyze")
@with_appcontext
def analyze():
    """Refresh the query planner's statistics (after an upgrade or a bulk load)."""
    refresh_statistics()
    click.echo("statistics refreshed")


COMMANDS = (
    seed_demo,
    create_admin,
    send_notifications,
    backup_command,
    restore_command,
    analyze,
)


def register(app) -> None:
    from planner.points.cli import COMMANDS as POINTS_COMMANDS

    for command in (*COMMANDS, *POINTS_COMMANDS):
        app.cli.add_command(command)


def _run(action, path: str) -> None:
    try:
        click.echo(action(path))
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc


def refresh_statistics() -> None:
    """ANALYZE: without statistics SQLite picks a poor index for the event listing (10× slower at a
    city's size); PostgreSQL gathers them by itself, but only some time after a bulk load."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()
