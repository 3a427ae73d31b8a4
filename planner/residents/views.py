"""代注册: an organiser's pages for the residents their community made accounts for."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import organisations, permissions
from planner.errors import show_on_form
from planner.exceptions import DomainError
from planner.extensions import db
from planner.residents import services
from planner.residents.forms import ResidentForm, ResidentSignupForm
from planner.signups import certificates
from planner.signups.forms import CertificateRequestForm
from planner.timeutil import to_local

bp = Blueprint("residents", __name__)


def _managed_resident(user_id: int):
    resident = services.load_resident(user_id) or abort(404)
    if not permissions.can_manage(resident.managed_by):
        abort(403)
    return resident


@bp.get("/residents")
@login_required
def index():
    if not permissions.is_organiser():
        abort(403)
    return render_template("residents/index.html", residents=services.residents_of(current_user))


@bp.route("/residents/new", methods=["GET", "POST"])
@login_required
def new():
    communities = services.communities_for(current_user)
    if not communities:
        abort(403)
    form = ResidentForm()
    form.community.choices = [(c.id, c.name) for c in communities]
    if form.validate_on_submit():
        community = next(c for c in communities if c.id == form.community.data)
        try:
            resident = services.create_resident(
                current_user,
                community,
                form.real_name.data,
                form.contact_phone.data or "",
                form.contact_consent.data or "",
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("The account of %(name)s is ready.", name=resident.real_name), "success")
            return redirect(url_for("residents.resident", user_id=resident.id))
    return render_template("residents/new.html", form=form)


def _forms(resident, signup_form=None, certificate_form=None):
    signup_form = signup_form or ResidentSignupForm()
    signup_form.shift.choices = [
        (
            shift.id,
            f"{to_local(shift.starts_at):%m-%d %H:%M} {shift.event.title} · {shift.role}",
        )
        for shift in services.open_shifts(resident.managed_by)
    ]
    certificate_form = certificate_form or CertificateRequestForm()
    certificate_form.organisation.choices = [
        (organisations.key_of(o), o.name) for o in certificates.issuers_for(resident)
    ]
    return signup_form, certificate_form


def _page(resident, signup_form=None, certificate_form=None):
    signup_form, certificate_form = _forms(resident, signup_form, certificate_form)
    return render_template(
        "residents/resident.html",
        resident=resident,
        signups=services.signups_of(resident),
        certificates=certificates.certificates_of(resident),
        signup_form=signup_form,
        certificate_form=certificate_form,
    )


@bp.get("/residents/<int:user_id>")
@login_required
def resident(user_id: int):
    return _page(_managed_resident(user_id))


@bp.post("/residents/<int:user_id>/signup")
@login_required
def sign_up(user_id: int):
    resident = _managed_resident(user_id)
    form, _certificate_form = _forms(resident, ResidentSignupForm())
    if form.validate_on_submit():
        try:
            services.sign_up_resident(current_user, resident, form.shift.data)
        except DomainError as exc:
            show_on_form(form, exc, "shift")
        else:
            db.session.commit()
            flash(_("%(name)s is signed up.", name=resident.real_name), "success")
            return redirect(url_for("residents.resident", user_id=user_id))
    return _page(resident, signup_form=form)


@bp.post("/residents/<int:user_id>/certificate")
@login_required
def request_certificate(user_id: int):
    resident = _managed_resident(user_id)
    _signup_form, form = _forms(resident, certificate_form=CertificateRequestForm())
    if form.validate_on_submit():
        org = certificates.organisation_from_key(form.organisation.data)
        try:
            services.request_certificate_for(
                current_user, resident, org, form.starts_on.data, form.ends_on.data
            )
        except DomainError as exc:
            show_on_form(form, exc, "starts_on")
        else:
            db.session.commit()
            flash(_("The request has been sent to the organisers."), "success")
            return redirect(url_for("residents.resident", user_id=user_id))
    return _page(resident, certificate_form=form)
