"""Volunteer pages: signing up (alone or a team), cancelling, *My volunteering*, hours
corrections, audience seats, and the page the venue's check-in code opens.

The organiser's roster, certificates, and reports are in ``roster_views``, ``certificate_views``
and ``report_views``, on the same blueprint (``blueprint.bp``).
"""

from __future__ import annotations

import re
import secrets

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import pagecache, permissions
from planner.confirmations import ask_first
from planner.errors import domain_errors_go_back_to, domain_errors_go_to, show_on_form
from planner.events.models import Event
from planner.events.queries import load_event
from planner.exceptions import DomainError
from planner.extensions import db, limiter_address
from planner.i18n import format_local_datetime
from planner.signups import (  # noqa: F401  (the other view modules: their routes)
    attendance,
    bookings,
    certificate_views,
    forms,
    personal,
    places,
    report_views,
    reports,
    roster_views,
)
from planner.signups.blueprint import bp, event_path, load_shift, load_signup, managed_event
from planner.signups.models import SeatBooking, SeatStatus, SignupStatus
from planner.urls import safe_next

__all__ = ["bp"]


@bp.get("/shifts/<int:shift_id>/signup")
@login_required
@pagecache.cached_for_visitors(personal.shift_page_version, members=personal.shift_page_version)
def confirm(shift_id: int):
    # The reader's own sign-up, places left and ``?done=1``'s message are holes
    # (planner/signups/personal.py): volunteers share one stored copy of the rest.
    shift = load_shift(shift_id)
    personal.prepare(shift.event_id, shifts=True)
    return render_template(
        "signups/confirm.html",
        shift=shift,
        event=shift.event,
        event_url=event_path(shift.event_id),
        leads_a_team=permissions.leads_any_team(),
    )


@bp.post("/shifts/<int:shift_id>/signup")
@login_required
@domain_errors_go_to("signups.confirm", "shift_id")
def sign_up(shift_id: int):
    # A sign-up that went through says so on the page it leads to (``done=1``), which shows the
    # sign-up's current status: no flashed message, so the session cookie is not rewritten.
    outcome = places.sign_up_outcome(shift_id, current_user._get_current_object())
    if outcome is None:
        abort(404)
    db.session.commit()
    return redirect(url_for("signups.confirm", shift_id=shift_id, done=1))


@bp.post("/signups/<int:signup_id>/cancel")
@login_required
@domain_errors_go_to("signups.mine")
def cancel(signup_id: int):
    signup = load_signup(signup_id)
    own = signup.user_id == current_user.id
    if not own:
        managed_event(signup.shift.event_id)
    shift = signup.shift
    facts = dict(
        role=shift.role,
        event=shift.event.title,
        when=format_local_datetime(shift.starts_at, "long"),
    )
    question = (
        _("Cancel your sign-up?")
        if own
        else _("Cancel the sign-up of %(name)s?", name=signup.user.real_name)
    )
    if signup.status is SignupStatus.WAITLISTED:
        consequence = _(
            "The place on the waitlist for %(role)s at %(event)s on %(when)s is given up;"
            " joining again puts you at the end of the waitlist.",
            **facts,
        )
    else:
        consequence = _(
            "The place as %(role)s at %(event)s on %(when)s is given up and goes to the first"
            " person on the waitlist. Coming back means signing up again, if a place is free.",
            **facts,
        )
    page = ask_first(
        question,
        consequence,
        _("Yes, cancel the sign-up"),
        safe_next("signups.mine"),
    )
    if page is not None:
        return page
    places.cancel(signup, current_user)
    db.session.commit()
    flash(_("The sign-up is cancelled."), "info")
    return redirect(safe_next("signups.mine"))


@bp.get("/my/volunteering")
@login_required
def mine():
    organiser = permissions.is_organiser()
    return render_template(
        "signups/mine.html",
        **vars(reports.my_volunteering(current_user)),
        reads_hours_reports=organiser or permissions.leads_any_team(),
        decides_certificates=organiser,
    )


@bp.route("/signups/<int:signup_id>/correction", methods=["GET", "POST"])
@login_required
def correction(signup_id: int):
    signup = load_signup(signup_id)
    if signup.user_id != current_user.id:
        abort(403)
    form = forms.CorrectionForm()
    if form.validate_on_submit():
        try:
            attendance.request_correction(
                current_user, signup, int(form.hours.data * 60), form.reason.data
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Your request has been sent to the organisers."), "success")
            return redirect(url_for("signups.mine"))
    elif request.method == "GET" and signup.minutes is not None:
        form.hours.data = signup.hours
    return render_template("signups/correction.html", form=form, signup=signup)


@bp.route("/shifts/<int:shift_id>/team-signup", methods=["GET", "POST"])
@login_required
def team_signup(shift_id: int):
    shift = load_shift(shift_id)
    teams = reports.teams_led_by(current_user)
    if not teams:
        abort(403)
    form = forms.TeamSignupForm()
    form.team_id.choices = [(t.id, t.name) for t in teams]
    team_id = form.team_id.data if form.team_id.data in {t.id for t in teams} else teams[0].id
    form.team_id.data = team_id
    members = reports.active_memberships(team_id)
    form.user_ids.choices = [(m.user.id, m.user.real_name) for m in members]
    if request.method == "POST" and "submit" in request.form and form.validate():
        team = next(t for t in teams if t.id == team_id)
        try:
            done, refused = places.sign_up_members(current_user, team, shift.id, form.user_ids.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            confirmed = sum(1 for s in done if s.status is SignupStatus.CONFIRMED)
            flash(
                _(
                    "%(confirmed)d confirmed, %(waiting)d on the waitlist.",
                    confirmed=confirmed,
                    waiting=len(done) - confirmed,
                ),
                "success",
            )
            for exc in refused:
                flash(str(exc.message), "warning")
            return redirect(url_for("signups.confirm", shift_id=shift.id))
    return render_template("signups/team_signup.html", form=form, shift=shift, event=shift.event)


@bp.route("/events/<int:event_id>/seats", methods=["GET", "POST"])
@login_required
def seats(event_id: int):
    event = db.get_or_404(Event, event_id)
    if not event.seats_capacity:
        abort(404)
    form = forms.SeatsForm()
    if form.validate_on_submit():
        try:
            booking = bookings.book_seats(event.id, current_user, form.party_size.data)
        except DomainError as exc:
            show_on_form(form, exc, "party_size")
        else:
            db.session.commit()
            flash(
                _("Your seats are booked.")
                if booking.status is SeatStatus.CONFIRMED
                else _("All seats are taken: you are on the waitlist."),
                "success",
            )
            return redirect(url_for("signups.seats", event_id=event.id))
    elif request.method == "GET":
        form.party_size.data = 1
    return render_template(
        "signups/seats.html",
        event=event,
        seats=reports.my_seat_places(event.id),
        form=form,
        event_url=event_path(event.id),
    )


@bp.post("/seats/<int:booking_id>/cancel")
@login_required
def cancel_seats(booking_id: int):
    booking = db.get_or_404(SeatBooking, booking_id)
    if booking.user_id != current_user.id:
        abort(403)
    back = domain_errors_go_back_to(url_for("signups.seats", event_id=booking.event_id))
    bookings.cancel_seats(booking)
    db.session.commit()
    flash(_("Your seat booking is cancelled."), "info")
    return redirect(back)


# The phone's own id, in a cookie of its own: random, long-lived, sent only to the check-in pages.
DEVICE_COOKIE = "xf_device"
DEVICE_COOKIE_DAYS = 400  # the longest a browser keeps a cookie
_DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # what secrets.token_urlsafe(32) makes


def _scanning_device() -> tuple[attendance.Device, str | None]:
    """The device scanning now, and the new id to give it when it had none (or a forged one)."""
    device_id = request.cookies.get(DEVICE_COOKIE, "")
    new_id = None
    if not _DEVICE_ID.fullmatch(device_id):
        device_id = new_id = secrets.token_urlsafe(32)
    return attendance.Device.of(device_id, limiter_address()), new_id


@bp.route("/checkin/<token>", methods=["GET", "POST"])
@login_required
def scan(token: str):
    """Where the venue's QR code points: one tap to check in (or out), as the logged-in person,
    from this phone."""
    device, new_id = _scanning_device()
    response = make_response(_scan(token, device))
    if new_id is not None:
        response.set_cookie(
            DEVICE_COOKIE,
            new_id,
            max_age=DEVICE_COOKIE_DAYS * 86400,
            httponly=True,
            samesite="Lax",
            secure=current_app.session_interface.get_cookie_secure(current_app),
            path=f"{request.script_root}/checkin/",
        )
    return response


def _scan(token: str, device: attendance.Device):
    error = None
    try:
        event_id = attendance.read_token(token)
    except DomainError as exc:
        error = exc.message
        event_id = None
    if error is None and request.method == "POST":
        try:
            signup, direction = attendance.scan(current_user, token, device=device)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            if direction == "in":
                flash(
                    _(
                        "Checked in to “%(shift)s”. Scan again when you leave.",
                        shift=signup.shift.role,
                    ),
                    "success",
                )
            else:
                flash(
                    _("Checked out of “%(shift)s”. Thank you!", shift=signup.shift.role), "success"
                )
            return redirect(url_for("signups.mine"))
    event = load_event(event_id) if event_id else None
    return render_template("signups/scan.html", event=event, error=error, token=token), (
        400 if error else 200
    )
