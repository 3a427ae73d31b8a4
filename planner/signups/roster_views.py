"""The organiser's pages for an event's volunteers: the roster and its export, checking in and out
by hand, hours and corrections, a shift's places, and the check-in screen at the venue."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from planner import exports
from planner.errors import domain_errors_go_back_to, show_on_form
from planner.events.capacity import change_shift_capacity
from planner.events.models import Event
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups import attendance, forms, reports
from planner.signups.blueprint import (
    bp,
    event_path,
    load_shift,
    manage_signup,
    managed_event,
    status_label,
)
from planner.signups.models import HoursCorrection, Signup
from planner.urls import public_url


@bp.get("/events/<int:event_id>/roster")
@login_required
def roster(event_id: int):
    event = managed_event(event_id)
    by_shift: dict[int, list[Signup]] = {s.id: [] for s in event.shifts}
    for signup in reports.roster_rows(event):
        by_shift[signup.shift_id].append(signup)
    return render_template(
        "signups/roster.html",
        event=event,
        by_shift=by_shift,
        corrections=reports.pending_corrections(event),
        same_device=attendance.same_device_scans(event),
        capacity_form=forms.CapacityForm(),
        event_url=event_path(event.id),
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
            exports.phone(s.user.phone),
            s.team.name if s.team else "",
            status_label(s.status),
            s.checked_in_at,
            s.checked_out_at,
            s.hours,
        ]
        for s in reports.roster_rows(event)
    ]
    return exports.Sheet("Roster", [str(c) for c in ROSTER_COLUMNS], rows)


@bp.get("/events/<int:event_id>/roster.<any(csv,xlsx):fmt>")
@login_required
def roster_export(event_id: int, fmt: str):
    event = managed_event(event_id)
    return exports.download(f"roster-{event.id}", fmt, _roster_sheet(event))


@bp.post("/signups/<int:signup_id>/<any(check_in,check_out,no_show):action>")
@login_required
def mark(signup_id: int, action: str):
    signup = manage_signup(signup_id)
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
    event = managed_event(event_id)
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
        flash(
            ngettext(
                "Hours confirmed for %(num)d volunteer.",
                "Hours confirmed for %(num)d volunteers.",
                count,
            ),
            "success",
        )
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
    signup = manage_signup(signup_id)
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
    signup = manage_signup(correction.signup_id)
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
    shift = load_shift(shift_id)
    managed_event(shift.event_id)
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
    event = managed_event(event_id)
    url = public_url("signups.scan", token=attendance.make_token(event))
    svg = attendance.checkin_qr(url).svg_inline(scale=8, dark="#000", light="#fff", omitsize=True)
    return render_template(
        "signups/checkin_screen.html",
        event=event,
        svg=svg,
        url=url,
        refresh=60,
    )
