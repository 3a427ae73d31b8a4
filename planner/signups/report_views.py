"""Reports and a volunteer's own data: the hours report, the data download, deleting the account,
and the daily reminders command."""

from __future__ import annotations

import json

import click
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from planner import exports
from planner.extensions import db
from planner.signups import forms, notices, privacy, reports
from planner.signups.blueprint import bp

HOURS_COLUMNS = (exports.PERSON_COLUMN, _l("Mobile number"), _l("Records"), _l("Hours"))


def _hours_sheet(rows) -> exports.Sheet:
    return exports.Sheet(
        "Hours",
        [str(c) for c in HOURS_COLUMNS],
        [[u.real_name, exports.phone(u.phone), n, m / 60] for u, n, m in rows],
    )


@bp.get("/reports/hours")
@login_required
def hours_report():
    scopes = reports.report_scopes()
    if not scopes:
        abort(403)
    form = forms.HoursReportForm(request.args, meta={"csrf": False})
    form.scope.choices = [(key, label) for key, label, _obj in scopes]
    rows = None
    if request.args and form.validate():
        month = form.month.data or None
        scope = next(obj for key, _label, obj in scopes if key == form.scope.data)
        rows = reports.hours_report(scope, month)
        if request.args.get("format") in exports.FORMATS:
            stem = f"hours-{form.scope.data.replace(':', '-')}-{month or 'all'}"
            return exports.download(stem, request.args["format"], _hours_sheet(rows))
    return render_template("signups/hours_report.html", form=form, rows=rows)


@bp.get("/my/data.json")
@login_required
def my_data():
    return Response(
        json.dumps(privacy.export(current_user), ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=xinfeng-my-data.json"},
    )


@bp.route("/my/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash(_("Tick the box to confirm."), "warning")
        else:
            privacy.delete_account(current_user)
            db.session.commit()
            logout_user()
            flash(
                _("Your account has been deleted. Your service records stay, without your name."),
                "info",
            )
            return redirect(url_for("main.home"))
    return render_template("signups/delete_account.html")


@bp.cli.command("send-reminders")
def send_reminders_command():
    """Queue reminders for shifts starting tomorrow (safe to run twice; meant for cron)."""
    # Translations and formatting need a request context, also on the command line.
    with current_app.test_request_context("/"):
        count = notices.send_reminders()
        db.session.commit()
    click.echo(f"reminders checked for {count} sign-ups")
