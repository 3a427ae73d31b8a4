"""Service certificates (志愿服务证明): a volunteer's requests, the organiser's decisions, the
printable certificate, and the public ``/verify/<number>`` page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import organisations, permissions
from planner.accounts.models import mask_name
from planner.errors import domain_errors_go_to, show_on_form
from planner.exceptions import DomainError
from planner.extensions import db
from planner.numerals import hours_in_capitals
from planner.signups import attendance, certificates, forms
from planner.signups.blueprint import bp
from planner.urls import public_url


@bp.route("/my/certificates", methods=["GET", "POST"])
@login_required
def my_certificates():
    issuers = certificates.issuers_for(current_user)
    form = forms.CertificateRequestForm()
    form.organisation.choices = [(organisations.key_of(o), o.name) for o in issuers]
    if form.validate_on_submit():
        org = certificates.organisation_from_key(form.organisation.data)
        try:
            certificates.request_certificate(
                current_user, org, form.starts_on.data, form.ends_on.data
            )
        except DomainError as exc:
            show_on_form(form, exc, "starts_on")
        else:
            db.session.commit()
            flash(_("Your request has been sent to the organisers."), "success")
            return redirect(url_for("signups.my_certificates"))
    return render_template(
        "signups/my_certificates.html",
        form=form,
        certificates=certificates.certificates_of(current_user),
        issuers=issuers,
    )


@bp.get("/certificates/requests")
@login_required
def certificate_requests():
    if not permissions.is_organiser():
        abort(403)
    return render_template(
        "signups/certificate_requests.html", certificates=certificates.requests_to_decide()
    )


@bp.get("/certificates/<int:certificate_id>/review")
@login_required
def review_certificate(certificate_id: int):
    certificate = certificates.load(certificate_id) or abort(404)
    if not permissions.can_manage(certificate.organisation):
        abort(403)
    return render_template(
        "signups/certificate_review.html",
        certificate=certificate,
        review=certificates.review(certificate),
    )


@bp.post("/certificates/<int:certificate_id>/<any(issue,reject):decision>")
@login_required
@domain_errors_go_to("signups.certificate_requests")
def decide_certificate(certificate_id: int, decision: str):
    certificate = certificates.load(certificate_id) or abort(404)
    if not permissions.can_manage(certificate.organisation):
        abort(403)
    if decision == "issue":
        certificates.issue(current_user, certificate)
    else:
        certificates.reject(current_user, certificate)
    db.session.commit()
    flash(_("The request has been decided."), "success")
    return redirect(url_for("signups.certificate_requests"))


@bp.get("/certificates/<int:certificate_id>")
@login_required
def certificate(certificate_id: int):
    item = certificates.issued(certificate_id) or abort(404)
    if item.volunteer_id != current_user.id and not permissions.can_manage(item.organisation):
        abort(403)
    url = public_url("signups.verify", number=item.number)
    svg = attendance.checkin_qr(url).svg_inline(scale=3, dark="#000", light="#fff", omitsize=True)
    return render_template(
        "signups/certificate.html",
        certificate=item,
        svg=svg,
        verify_url=url,
        total_in_words=hours_in_capitals(item.total_minutes),
    )


@bp.get("/verify")
def verify_form():
    """The retype box of the page for an unknown number: on to ``/verify/<number>``."""
    number = certificates.normalise_number(request.args.get("number", ""))
    if not number:
        return redirect(url_for("main.home"))
    return redirect(url_for("signups.verify", number=number))


@bp.get("/verify/<number>")
def verify(number: str):
    item = certificates.numbered(number)
    if item is None:
        # Not the generic 404 page: say what to check on the paper in hand.
        page = render_template(
            "signups/verify_unknown.html", number=certificates.normalise_number(number)
        )
        return page, 404
    return render_template(
        "signups/verify.html", certificate=item, masked_name=mask_name(item.volunteer_name)
    )
