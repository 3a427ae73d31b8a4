"""The administrator's pages: dashboard, people and organiser grants, outbox, audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner import permissions
from planner.accounts import services as accounts
from planner.accounts.models import OrganiserGrant, User
from planner.audit import services as audit
from planner.directory.forms import GrantForm, UserSearchForm
from planner.directory.views import KINDS
from planner.errors import show_on_form
from planner.exceptions import DomainError
from planner.extensions import db, login_manager
from planner.notifications import services as notifications

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _guard():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.is_admin():
        abort(403)
    return None


@bp.get("/")
def dashboard():
    return render_template("admin/dashboard.html", kinds=KINDS)


@bp.get("/users")
def users():
    form = UserSearchForm(request.args)
    search = form.q.data if form.validate() and form.q.data else ""
    page = accounts.people_page(search)
    return render_template("admin/users.html", page=page, form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    person = db.get_or_404(User, user_id)
    form = GrantForm()
    form.organisation.choices = accounts.grant_choices()
    if form.validate_on_submit():
        organisation = accounts.grant_target(form.organisation.data)
        if organisation is None:
            abort(404)
        try:
            accounts.grant_organiser(current_user, person, organisation)
        except DomainError as exc:
            show_on_form(form, exc, "organisation")
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s may now organise for %(org)s.",
                    name=person.real_name,
                    org=organisation.name,
                ),
                "success",
            )
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user.html", person=person, form=form)


@bp.post("/users/<int:user_id>/grants/<int:grant_id>/revoke")
def revoke_grant(user_id: int, grant_id: int):
    grant = db.get_or_404(OrganiserGrant, grant_id)
    if grant.user_id != user_id:
        abort(404)
    accounts.revoke_grant(current_user, grant)
    db.session.commit()
    flash(_("The grant has been revoked."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.get("/outbox")
def outbox():
    return render_template(
        "admin/outbox.html", page=notifications.outbox_page(), label=notifications.label
    )


@bp.post("/outbox/send")
def send_outbox():
    sent, failed = notifications.send_queued()
    flash(_("Sent %(sent)d, failed %(failed)d.", sent=sent, failed=failed), "info")
    return redirect(url_for("admin.outbox"))


@bp.get("/audit")
def audit_log():
    return render_template("admin/audit.html", page=audit.log_page())
