"""Volunteer sign-up pages, the organiser's roster and check-in screen, and the scan page."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func
from sqlalchemy.orm import aliased, joinedload, selectinload

from planner import exports, organisations, permissions
from planner.accounts.models import mask_name
from planner.directory import services as directory
from planner.directory.models import (
    Community,
    MembershipStatus,
    Street,
    TeamMembership,
    TeamRole,
    VolunteerTeam,
)
from planner.errors import domain_errors_go_back_to, domain_errors_go_to, show_on_form
from planner.events.capacity import change_shift_capacity
from planner.events.models import Event, EventHost, Shift
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups import attendance, certificates, forms, privacy, services
from planner.signups.models import (
    ACTIVE_STATUSES,
    Certificate,
    CertificateStatus,
    CorrectionStatus,
    HoursCorrection,
    SeatBooking,
    SeatStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from planner.timeutil import to_local, utcnow
from planner.urls import public_url, safe_next

bp = Blueprint("signups", __name__, cli_group=None)


@bp.app_context_processor
def _template_helpers():
    return {
        "my_signups_for": services.my_signups_for,
        "my_seats_for": services.my_seats_for,
        "can_manage_event": permissions.can_manage_event,
        "signup_status_label": status_label,
        "fmt_hours": fmt_hours,
        "service_is_over": attendance.service_is_over,
        "leads_any_team": permissions.leads_any_team,
    }


def fmt_hours(minutes: int) -> str:
    """Minutes as hours with up to two decimals (2.25)."""
    return format_decimal(minutes / 60, format="#,##0.##")


@contextmanager
def bp_request_context():
    """A request context for command-line work (translations and formatting need one)."""
    from flask import current_app

    with current_app.test_request_context("/"):
        yield


def _event_path(event_id: int) -> str:
    # The events blueprint owns the page; its URL is part of the public contract.
    return f"/events/{event_id}"


def _load_shift(shift_id: int) -> Shift:
    return db.session.scalar(
        db.select(Shift).where(Shift.id == shift_id).options(joinedload(Shift.event))
    ) or abort(404)


def _load_event(event_id: int) -> Event:
    return db.session.scalar(
        db.select(Event)
        .where(Event.id == event_id)
        .options(
            selectinload(Event.shifts),
            selectinload(Event.hosts).options(
                joinedload(EventHost.department),
                joinedload(EventHost.partner),
                joinedload(EventHost.street),
                joinedload(EventHost.community),
                joinedload(EventHost.team),
            ),
            joinedload(Event.community),
        )
    ) or abort(404)


def _managed_event(event_id: int) -> Event:
    event = _load_event(event_id)
    if not permissions.can_manage_event(event):
        abort(403)
    return event


def _load_signup(signup_id: int) -> Signup:
    return db.session.scalar(
        db.select(Signup)
        .where(Signup.id == signup_id)
        .options(joinedload(Signup.shift).joinedload(Shift.event), joinedload(Signup.user))
    ) or abort(404)


def _manage_signup(signup_id: int) -> Signup:
    signup = _load_signup(signup_id)
    if not permissions.can_manage_event(_load_event(signup.shift.event_id)):
        abort(403)
    return signup


# ---------------------------------------------------------------- volunteers


@bp.get("/shifts/<int:shift_id>/signup")
@login_required
def confirm(shift_id: int):
    shift = _load_shift(shift_id)
    mine = services.my_signups_for(shift.event).get(shift.id)
    return render_template(
        "signups/confirm.html",
        shift=shift,
        event=shift.event,
        signup=mine[0] if mine else None,
        position=mine[1] if mine else None,
        event_url=_event_path(shift.event_id),
        just_signed_up=request.args.get("done") == "1",
    )


@bp.post("/shifts/<int:shift_id>/signup")
@login_required
@domain_errors_go_to("signups.confirm", "shift_id")
def sign_up(shift_id: int):
    # A sign-up that went through says so on the page it leads to (``done=1``), which shows the
    # sign-up's current status: no flashed message, so the session cookie is not rewritten.
    outcome = services.sign_up_outcome(shift_id, current_user._get_current_object())
    if outcome is None:
        abort(404)
    db.session.commit()
    return redirect(url_for("signups.confirm", shift_id=shift_id, done=1))


@bp.post("/signups/<int:signup_id>/cancel")
@login_required
@domain_errors_go_to("signups.mine")
def cancel(signup_id: int):
    signup = _load_signup(signup_id)
    own = signup.user_id == current_user.id
    if not own and not permissions.can_manage_event(_load_event(signup.shift.event_id)):
        abort(403)
    services.cancel(signup, current_user)
    db.session.commit()
    flash(_("The sign-up is cancelled."), "info")
    return redirect(safe_next("signups.mine"))


@bp.get("/my/volunteering")
@login_required
def mine():
    now = utcnow()
    ahead = aliased(Signup)
    position = (
        db.select(func.count(ahead.id) + 1)
        .where(
            ahead.shift_id == Signup.shift_id,
            ahead.status == SignupStatus.WAITLISTED,
            ahead.arrival < Signup.arrival,
        )
        .correlate(Signup)
        .scalar_subquery()
    )
    rows = db.session.execute(
        db.select(Signup, position)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.user_id == current_user.id)
        .options(joinedload(Signup.shift).joinedload(Shift.event), joinedload(Signup.team))
        .order_by(Shift.starts_at)
    ).all()
    upcoming = [(s, p) for s, p in rows if s.shift.ends_at >= now and s.status in ACTIVE_STATUSES]
    past = [(s, p) for s, p in reversed(rows) if (s, p) not in upcoming]
    pending = set(
        db.session.scalars(
            db.select(HoursCorrection.signup_id)
            .join(Signup, Signup.id == HoursCorrection.signup_id)
            .where(
                Signup.user_id == current_user.id,
                HoursCorrection.status == CorrectionStatus.PENDING,
            )
        )
    )
    records = db.session.execute(
        db.select(ServiceRecord.service_date, ServiceRecord.minutes, VolunteerTeam.name)
        .outerjoin(VolunteerTeam, VolunteerTeam.id == ServiceRecord.team_id)
        .where(ServiceRecord.volunteer_id == current_user.id)
    ).all()
    year = to_local(now).year
    per_team: dict[str, int] = {}
    for _day, minutes, team in records:
        key = team or ""
        per_team[key] = per_team.get(key, 0) + minutes
    seats = db.session.scalars(
        db.select(SeatBooking)
        .join(Event, Event.id == SeatBooking.event_id)
        .where(
            SeatBooking.user_id == current_user.id,
            SeatBooking.status != SeatStatus.CANCELLED,
            Event.ends_at >= now,
        )
        .options(joinedload(SeatBooking.event))
        .order_by(Event.starts_at)
    ).all()
    return render_template(
        "signups/mine.html",
        upcoming=upcoming,
        past=past,
        pending=pending,
        seats=seats,
        minutes_year=sum(m for d, m, _t in records if d.year == year),
        minutes_total=sum(m for _d, m, _t in records),
        per_team=sorted(per_team.items()),
        year=year,
    )


@bp.route("/signups/<int:signup_id>/correction", methods=["GET", "POST"])
@login_required
def correction(signup_id: int):
    signup = _load_signup(signup_id)
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


def _led_teams() -> list[VolunteerTeam]:
    return db.session.scalars(
        db.select(VolunteerTeam)
        .join(TeamMembership, TeamMembership.team_id == VolunteerTeam.id)
        .where(
            TeamMembership.user_id == current_user.id,
            TeamMembership.role == TeamRole.LEADER,
            TeamMembership.status == MembershipStatus.ACTIVE,
            VolunteerTeam.archived_at.is_(None),
        )
        .order_by(VolunteerTeam.name)
    ).all()


@bp.route("/shifts/<int:shift_id>/team-signup", methods=["GET", "POST"])
@login_required
def team_signup(shift_id: int):
    shift = _load_shift(shift_id)
    teams = _led_teams()
    if not teams:
        abort(403)
    form = forms.TeamSignupForm()
    form.team_id.choices = [(t.id, t.name) for t in teams]
    team_id = form.team_id.data if form.team_id.data in {t.id for t in teams} else teams[0].id
    form.team_id.data = team_id
    members = db.session.scalars(
        db.select(TeamMembership)
        .where(TeamMembership.team_id == team_id, TeamMembership.status == MembershipStatus.ACTIVE)
        .options(joinedload(TeamMembership.user))
        .order_by(TeamMembership.id)
    ).all()
    form.user_ids.choices = [(m.user.id, m.user.real_name) for m in members]
    if request.method == "POST" and "submit" in request.form and form.validate():
        team = next(t for t in teams if t.id == team_id)
        try:
            done, refused = services.sign_up_members(
                current_user, team, shift.id, form.user_ids.data
            )
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
    booking = db.session.scalar(
        db.select(SeatBooking).where(
            SeatBooking.event_id == event.id, SeatBooking.user_id == current_user.id
        )
    )
    form = forms.SeatsForm()
    if form.validate_on_submit():
        try:
            booking = services.book_seats(event.id, current_user, form.party_size.data)
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
        booking=booking,
        form=form,
        event_url=_event_path(event.id),
    )


@bp.post("/seats/<int:booking_id>/cancel")
@login_required
def cancel_seats(booking_id: int):
    booking = db.get_or_404(SeatBooking, booking_id)
    if booking.user_id != current_user.id:
        abort(403)
    back = domain_errors_go_back_to(url_for("signups.seats", event_id=booking.event_id))
    services.cancel_seats(booking)
    db.session.commit()
    flash(_("Your seat booking is cancelled."), "info")
    return redirect(back)


@bp.route("/checkin/<token>", methods=["GET", "POST"])
@login_required
def scan(token: str):
    """Where the venue's QR code points: one tap to check in (or out)."""
    error = None
    try:
        event_id = attendance.read_token(token)
    except DomainError as exc:
        error = exc.message
        event_id = None
    if error is None and request.method == "POST":
        try:
            signup, direction = attendance.scan(current_user, token)
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
    event = db.session.get(Event, event_id) if event_id else None
    return render_template("signups/scan.html", event=event, error=error, token=token), (
        400 if error else 200
    )


# ---------------------------------------------------------------- organisers


def _roster_rows(event: Event) -> list[Signup]:
    return db.session.scalars(
        db.select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id)
        .options(joinedload(Signup.user), joinedload(Signup.team))
        .order_by(Shift.starts_at, Shift.id, Signup.status, Signup.arrival)
    ).all()


@bp.get("/events/<int:event_id>/roster")
@login_required
def roster(event_id: int):
    event = _managed_event(event_id)
    rows = _roster_rows(event)
    by_shift: dict[int, list[Signup]] = {s.id: [] for s in event.shifts}
    for signup in rows:
        by_shift[signup.shift_id].append(signup)
    corrections = db.session.scalars(
        db.select(HoursCorrection)
        .join(Signup, Signup.id == HoursCorrection.signup_id)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id, HoursCorrection.status == CorrectionStatus.PENDING)
        .options(joinedload(HoursCorrection.signup).joinedload(Signup.user))
        .order_by(HoursCorrection.id)
    ).all()
    return render_template(
        "signups/roster.html",
        event=event,
        by_shift=by_shift,
        corrections=corrections,
        capacity_form=forms.CapacityForm(),
        event_url=_event_path(event.id),
    )


ROSTER_COLUMNS = (
    _l("Shift"),
    exports.PERSON_COLUMN,
    _l("Mobile number"),
    _l("Team"),
    _l("Status"),
    _l("Check-in"),
    _l("Check-out"),
    _l("Hours"),
)


def _roster_sheet(event: Event) -> exports.Sheet:
    shifts = {s.id: s for s in event.shifts}
    rows = [
        [
            shifts[s.shift_id].role,
            s.user.real_name,
            s.user.local_phone,
            s.team.name if s.team else "",
            status_label(s.status),
            s.checked_in_at,
            s.checked_out_at,
            s.hours,
        ]
        for s in _roster_rows(event)
    ]
    return exports.Sheet("Roster", [str(c) for c in ROSTER_COLUMNS], rows)


@bp.get("/events/<int:event_id>/roster.<any(csv,xlsx):fmt>")
@login_required
def roster_export(event_id: int, fmt: str):
    event = _managed_event(event_id)
    return exports.download(f"roster-{event.id}", fmt, _roster_sheet(event))


@bp.post("/signups/<int:signup_id>/<any(check_in,check_out,no_show):action>")
@login_required
def mark(signup_id: int, action: str):
    signup = _manage_signup(signup_id)
    back = domain_errors_go_back_to(url_for("signups.roster", event_id=signup.shift.event_id))
    {
        "check_in": attendance.check_in,
        "check_out": attendance.check_out,
        "no_show": attendance.mark_no_show,
    }[action](current_user, signup)
    db.session.commit()
    flash(_("The roster has been updated."), "success")
    return redirect(back)


# A sign-up's id as the roster names it: a plain positive number that fits in a BIGINT.
_SIGNUP_ID = re.compile(r"[1-9][0-9]{0,17}")


def _named_signup_ids() -> list[int]:
    """The ``signup_id`` fields of the form; anything but a plain number names nobody on a roster."""
    raw = request.form.getlist("signup_id")
    if not all(_SIGNUP_ID.fullmatch(v) for v in raw):
        raise attendance.NotOnRoster()
    return [int(v) for v in raw]


@bp.post("/events/<int:event_id>/roster/confirm-hours")
@login_required
def confirm_hours(event_id: int):
    """Two steps: a POST without ``confirm`` shows whom it would credit (everyone, or the named
    ``signup_id``s); the POST with ``confirm=1`` credits exactly the ``signup_id``s it names."""
    event = _managed_event(event_id)
    roster_url = domain_errors_go_back_to(url_for("signups.roster", event_id=event.id))
    confirming = request.form.get("confirm") == "1"
    ids = _named_signup_ids()
    if confirming and not ids:
        raise attendance.NotOnRoster()
    rows = attendance.to_credit(event, ids or None)
    count = attendance.confirm_hours(current_user, rows) if confirming else 0
    if rows and not confirming:
        credits = [(s, attendance.computed_minutes(s)) for s in rows]
        return render_template(
            "signups/confirm_hours.html", event=event, credits=credits, roster_url=roster_url
        )
    db.session.commit()
    if count:
        flash(_("Hours confirmed for %(count)d volunteers.", count=count), "success")
    else:
        flash(
            _(
                "There are no hours to confirm: hours are confirmed once, and only for service that"
                " has happened (a shift that has ended, or a volunteer who checked in and out)."
            ),
            "info",
        )
    return redirect(roster_url)


@bp.route("/signups/<int:signup_id>/hours", methods=["GET", "POST"])
@login_required
def set_hours(signup_id: int):
    signup = _manage_signup(signup_id)
    form = forms.HoursForm()
    if form.validate_on_submit():
        try:
            attendance.set_minutes(current_user, signup, int(form.hours.data * 60), form.why.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("The hours have been saved."), "success")
            return redirect(url_for("signups.roster", event_id=signup.shift.event_id))
    elif request.method == "GET":
        form.hours.data = (
            signup.hours if signup.minutes is not None else attendance.computed_minutes(signup) / 60
        )
    return render_template("signups/hours.html", form=form, signup=signup)


@bp.post("/corrections/<int:correction_id>/<any(accept,reject):decision>")
@login_required
def decide(correction_id: int, decision: str):
    correction = db.get_or_404(HoursCorrection, correction_id)
    signup = _manage_signup(correction.signup_id)
    form = forms.DecisionForm()
    back = domain_errors_go_back_to(url_for("signups.roster", event_id=signup.shift.event_id))
    attendance.decide_correction(
        current_user, correction, decision == "accept", (form.note.data or "")[:500]
    )
    db.session.commit()
    flash(_("The request has been decided."), "success")
    return redirect(back)


@bp.post("/shifts/<int:shift_id>/capacity")
@login_required
def capacity(shift_id: int):
    shift = _load_shift(shift_id)
    if not permissions.can_manage_event(_load_event(shift.event_id)):
        abort(403)
    form = forms.CapacityForm()
    back = domain_errors_go_back_to(url_for("signups.roster", event_id=shift.event_id))
    if form.validate_on_submit():
        promoted = change_shift_capacity(current_user, shift, form.capacity.data)
        db.session.commit()
        flash(
            _("Capacity saved; %(count)d promoted from the waitlist.", count=len(promoted)),
            "success",
        )
    else:
        for error in form.capacity.errors:
            flash(str(error), "warning")
    return redirect(back)


@bp.get("/events/<int:event_id>/checkin-screen")
@login_required
def checkin_screen(event_id: int):
    event = _managed_event(event_id)
    url = public_url("signups.scan", token=attendance.make_token(event))
    svg = attendance.checkin_qr(url).svg_inline(scale=8, dark="#000", light="#fff", omitsize=True)
    return render_template(
        "signups/checkin_screen.html",
        event=event,
        svg=svg,
        url=url,
        refresh=60,
    )


def status_label(status: SignupStatus) -> str:
    return str(STATUS_LABELS[status])


STATUS_LABELS = {
    SignupStatus.CONFIRMED: _l("Confirmed"),
    SignupStatus.WAITLISTED: _l("Waitlisted"),
    SignupStatus.CANCELLED: _l("Cancelled"),
    SignupStatus.ATTENDED: _l("Attended"),
    SignupStatus.NO_SHOW: _l("No-show"),
}


# ---------------------------------------------------------------- certificates


@bp.route("/my/certificates", methods=["GET", "POST"])
@login_required
def my_certificates():
    issuers = certificates.issuers_for(current_user)
    form = forms.CertificateRequestForm()
    form.organisation.choices = [(certificates.organisation_key(o), o.name) for o in issuers]
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
    rows = db.session.scalars(
        db.select(Certificate)
        .where(Certificate.volunteer_id == current_user.id)
        .options(*_certificate_options())
        .order_by(Certificate.requested_at.desc())
    ).all()
    return render_template(
        "signups/my_certificates.html", form=form, certificates=rows, issuers=issuers
    )


def _certificate_options():
    return (
        joinedload(Certificate.department),
        joinedload(Certificate.street).joinedload(Street.district),
        joinedload(Certificate.community).joinedload(Community.street),
        joinedload(Certificate.volunteer),
    )


@bp.get("/certificates/requests")
@login_required
def certificate_requests():
    if not permissions.is_organiser():
        abort(403)
    rows = db.session.scalars(
        db.select(Certificate)
        .where(Certificate.status == CertificateStatus.REQUESTED)
        .options(*_certificate_options())
        .order_by(Certificate.requested_at)
    ).all()
    rows = [c for c in rows if permissions.can_manage(c.organisation)]
    return render_template("signups/certificate_requests.html", certificates=rows)


@bp.post("/certificates/<int:certificate_id>/<any(issue,reject):decision>")
@login_required
@domain_errors_go_to("signups.certificate_requests")
def decide_certificate(certificate_id: int, decision: str):
    certificate = db.session.scalar(
        db.select(Certificate)
        .where(Certificate.id == certificate_id)
        .options(*_certificate_options())
    ) or abort(404)
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
    item = db.session.scalar(
        db.select(Certificate)
        .where(Certificate.id == certificate_id, Certificate.status == CertificateStatus.ISSUED)
        .options(*_certificate_options())
    ) or abort(404)
    if item.volunteer_id != current_user.id and not permissions.can_manage(item.organisation):
        abort(403)
    url = public_url("signups.verify", number=item.number)
    svg = attendance.checkin_qr(url).svg_inline(scale=3, dark="#000", light="#fff", omitsize=True)
    return render_template("signups/certificate.html", certificate=item, svg=svg, verify_url=url)


@bp.get("/verify/<number>")
def verify(number: str):
    item = db.session.scalar(
        db.select(Certificate)
        .where(Certificate.number == number[:40], Certificate.status == CertificateStatus.ISSUED)
        .options(*_certificate_options())
    ) or abort(404)
    return render_template(
        "signups/verify.html", certificate=item, masked_name=mask_name(item.volunteer_name)
    )


# ---------------------------------------------------------------- reports and privacy


def _report_scopes() -> list[tuple[str, str, object]]:
    departments = directory.active_departments()
    teams = db.session.scalars(
        db.select(VolunteerTeam)
        .where(VolunteerTeam.archived_at.is_(None))
        .options(joinedload(VolunteerTeam.department), joinedload(VolunteerTeam.community))
        .order_by(VolunteerTeam.name)
    ).all()
    return [
        (organisations.key_of(o), o.name, o)
        for o in (*departments, *teams)
        if permissions.can_manage(o)
    ]


@bp.get("/reports/hours")
@login_required
def hours_report():
    scopes = _report_scopes()
    if not scopes:
        abort(403)
    form = forms.HoursReportForm(request.args, meta={"csrf": False})
    form.scope.choices = [(key, label) for key, label, _obj in scopes]
    rows = None
    if request.args and form.validate():
        month = form.month.data or None
        scope = next(obj for key, _label, obj in scopes if key == form.scope.data)
        rows = services.hours_report(scope, month)
        if request.args.get("format") in exports.FORMATS:
            header = [
                str(exports.PERSON_COLUMN),
                str(_l("Mobile number")),
                str(_l("Records")),
                str(_l("Hours")),
            ]
            sheet = exports.Sheet(
                "Hours", header, [[u.real_name, u.local_phone, n, m / 60] for u, n, m in rows]
            )
            stem = f"hours-{form.scope.data.replace(':', '-')}-{month or 'all'}"
            return exports.download(stem, request.args["format"], sheet)
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
    import click

    with bp_request_context():
        count = services.send_reminders()
        db.session.commit()
    click.echo(f"reminders checked for {count} sign-ups")
