"""The administrator's pages: dashboard, people and organiser grants, outbox, audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from planner import organisations, permissions
from planner.accounts import services as accounts
from planner.accounts.models import OrganiserGrant, User
from planner.audit.models import AuditEntry
from planner.directory import services as directory
from planner.directory.forms import GrantForm, UserSearchForm
from planner.directory.models import Community, Street
from planner.directory.views import KINDS
from planner.errors import show_on_form
from planner.exceptions import DomainError
from planner.extensions import db, login_manager
from planner.notifications import services as notifications
from planner.notifications.models import Notification

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
    query = db.select(User).where(User.deleted_at.is_(None)).order_by(User.id)
    if form.validate() and form.q.data:
        pattern = f"%{form.q.data}%"
        digits = "".join(ch for ch in form.q.data if ch.isdigit())
        condition = User.real_name.ilike(pattern) | User.nickname.ilike(pattern)
        if digits:
            condition = condition | User.phone.contains(digits)
        query = query.where(condition)
    page = db.paginate(query.options(selectinload(User.grants)), per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, form=form)


def _organisation_choices() -> list[tuple[str, str]]:
    departments = directory.active_departments()
    streets = db.session.scalars(
        db.select(Street)
        .where(Street.archived_at.is_(None))
        .options(joinedload(Street.district))
        .order_by(Street.name)
    )
    communities = db.session.scalars(
        db.select(Community)
        .where(Community.archived_at.is_(None))
        .options(joinedload(Community.street))
        .order_by(Community.name)
    )
    return (
        [(organisations.key_of(d), d.name) for d in departments]
        + [(organisations.key_of(s), f"{s.district.name} · {s.name}") for s in streets]
        + [(organisations.key_of(c), f"{c.street.name} · {c.name}") for c in communities]
    )


def _organisation(value: str):
    return organisations.from_key(value, kinds=OrganiserGrant.organisation_kinds)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    person = db.get_or_404(User, user_id)
    form = GrantForm()
    form.organisation.choices = _organisation_choices()
    if form.validate_on_submit():
        organisation = _organisation(form.organisation.data)
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
    grant = db.session.get(OrganiserGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        abort(404)
    accounts.revoke_grant(current_user, grant)
    db.session.commit()
    flash(_("The grant has been revoked."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.get("/outbox")
def outbox():
    page = db.paginate(
        db.select(Notification)
        .options(joinedload(Notification.recipient))
        .order_by(Notification.id.desc()),
        per_page=50,
        error_out=False,
    )
    return render_template("admin/outbox.html", page=page)


@bp.post("/outbox/send")
def send_outbox():
    sent, failed = notifications.send_queued()
    flash(_("Sent %(sent)d, failed %(failed)d.", sent=sent, failed=failed), "info")
    return redirect(url_for("admin.outbox"))


@bp.get("/audit")
def audit_log():
    page = db.paginate(
        db.select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc()),
        per_page=50,
        error_out=False,
    )
    return render_template("admin/audit.html", page=page)
