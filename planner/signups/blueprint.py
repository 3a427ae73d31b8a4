"""The ``signups`` blueprint and what its view modules share: template helpers and loaders that
answer 404 for what does not exist and 403 for what the person may not manage."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner import permissions
from planner.events.models import Event, Shift
from planner.signups import attendance, reports
from planner.signups.models import Signup, SignupStatus

bp = Blueprint("signups", __name__, cli_group=None)

STATUS_LABELS = {
    SignupStatus.CONFIRMED: _l("Confirmed"),
    SignupStatus.WAITLISTED: _l("Waitlisted"),
    SignupStatus.CANCELLED: _l("Cancelled"),
    SignupStatus.ATTENDED: _l("Attended"),
    SignupStatus.NO_SHOW: _l("No-show"),
}


def status_label(status: SignupStatus) -> str:
    return str(STATUS_LABELS[status])


def fmt_hours(minutes: int) -> str:
    """Minutes as hours with up to two decimals (2.25)."""
    return format_decimal(minutes / 60, format="#,##0.##")


@bp.app_template_filter("hours")
def hours_with_unit(minutes: int) -> str:
    """Hours as people read them, always with their unit (2.25 小时 / 2.25 h): ``minutes|hours``."""
    return _("%(hours)s h", hours=fmt_hours(minutes or 0))


# A global, not a context variable: the macros that fill a shared page's holes use it too.
bp.add_app_template_global(status_label, "signup_status_label")


@bp.app_context_processor
def _template_helpers():
    return {
        "fmt_hours": fmt_hours,
        "service_is_over": attendance.service_is_over,
    }


def event_path(event_id: int) -> str:
    # The events blueprint owns the page; its URL is part of the public contract.
    return f"/events/{event_id}"


def load_shift(shift_id: int) -> Shift:
    return reports.shift_with_event(shift_id) or abort(404)


def load_event(event_id: int) -> Event:
    return reports.event_with_shifts_and_hosts(event_id) or abort(404)


def managed_event(event_id: int) -> Event:
    """The event, if the current user may manage it (403 otherwise)."""
    event = load_event(event_id)
    if not permissions.can_manage_event(event):
        abort(403)
    return event


def load_signup(signup_id: int) -> Signup:
    return reports.signup_with_shift(signup_id) or abort(404)


def manage_signup(signup_id: int) -> Signup:
    """The sign-up, if the current user may manage its event (403 otherwise)."""
    signup = load_signup(signup_id)
    managed_event(signup.shift.event_id)
    return signup
