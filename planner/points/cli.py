"""Daily commands: expire points, release unclaimed redemptions, and audit every balance."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from planner.extensions import db
from planner.points import services as ledger
from planner.points import shop as shelf


@click.command("points-expire")
@with_appcontext
def expire_command():
    """Expire points past their date (daily; safe to run twice)."""
    written = ledger.expire_points()
    db.session.commit()
    click.echo(f"expired {written} entries")


@click.command("shop-release")
@with_appcontext
def release_command():
    """Release redemptions not picked up in time; points and stock return (safe to run twice)."""
    released = shelf.release_unclaimed()
    db.session.commit()
    click.echo(f"released {released} redemptions")


@click.command("points-audit")
@with_appcontext
def audit_command():
    """Recompute every balance from the ledger and the service records; list any difference."""
    problems = ledger.audit()
    for line in problems:
        click.echo(line)
    if problems:
        raise click.ClickException(f"{len(problems)} differences")
    click.echo("points audit: no differences")


COMMANDS = (expire_command, release_command, audit_command)
