"""The monthly ledger (台账) of a scope: its events, attendance, hours per volunteer, quiz results
and the 数读 summary, as one XLSX workbook (through planner/exports.py) and as a printable A4
page; and the blank sign-in sheet (签到表) of one event."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from planner import exports, organisations
from planner.directory.models import Community
from planner.events.kinds import STATUS_LABELS, kind_label
from planner.events.models import Event, EventHost, EventStatus, Shift
from planner.extensions import db
from planner.quizzes.models import Attempt
from planner.signups.blueprint import status_label
from planner.signups.models import PLACE_STATUSES, Signup, SignupStatus
from planner.stats import measures
from planner.stats.periods import Period
from planner.stats.services import Numbers, where_of

SIGN_IN_BLANK_ROWS = 10  # empty rows under the names, for people who come without signing up


def ledger_events(item, period: Period) -> list[Event]:
    """The scope's events starting in the period (drafts left out), with hosts, campaign and place."""
    return list(
        db.session.scalars(
            db.select(Event)
            .where(
                where_of(item),
                Event.status != EventStatus.DRAFT,
                Event.starts_at >= period.starts_at,
                Event.starts_at < period.ends_at,
            )
            .options(
                selectinload(Event.hosts).options(
                    joinedload(EventHost.department),
                    joinedload(EventHost.partner),
                    joinedload(EventHost.street),
                    # A community is named with its street (organisations.label_of).
                    joinedload(EventHost.community).joinedload(Community.street),
                    joinedload(EventHost.team),
                ),
                selectinload(Event.shifts),
                joinedload(Event.campaign),
                joinedload(Event.community),
            )
            .order_by(Event.starts_at, Event.id)
        ).unique()
    )


def ledger_signups(events: list[Event]) -> list[Signup]:
    """Everyone signed up (waitlisted left out) on the events' shifts, shift by shift."""
    ids = [e.id for e in events]
    return list(
        db.session.scalars(
            db.select(Signup)
            .join(Shift, Shift.id == Signup.shift_id)
            .where(Shift.event_id.in_(ids or [0]), Signup.status != SignupStatus.WAITLISTED)
            .options(
                joinedload(Signup.user), joinedload(Signup.team), joinedload(Signup.confirmed_by)
            )
            .order_by(Shift.starts_at, Shift.id, Signup.arrival)
        )
    )


def ledger_attempts(item, period: Period) -> list[Attempt]:
    condition = (
        db.and_(Attempt.finished_at >= period.starts_at, Attempt.finished_at < period.ends_at)
        if item is None
        else measures.quiz_attempts(where_of(item), period, owner=item)
    )
    return list(
        db.session.scalars(
            db.select(Attempt)
            .where(condition)
            .options(joinedload(Attempt.quiz), joinedload(Attempt.user))
            .order_by(Attempt.finished_at, Attempt.id)
        )
    )


def hosts_text(event: Event) -> str:
    return "、".join(organisations.label_of(h.organisation) for h in event.hosts)


def place_text(event: Event) -> str:
    parts = [event.community.name if event.community else "", event.venue]
    return " · ".join(p for p in parts if p)


@dataclass
class Ledger:
    """What the workbook and the printable ledger hold."""

    events: list[Event]
    signups: list[Signup]
    attempts: list[Attempt]
    volunteers: list  # (user, records, minutes)

    def signups_of(self, event: Event) -> dict[int, list[Signup]]:
        """The event's sign-ups by shift id, in roster order."""
        by_shift: dict[int, list[Signup]] = {s.id: [] for s in event.shifts}
        for signup in self.signups:
            if signup.shift_id in by_shift:
                by_shift[signup.shift_id].append(signup)
        return by_shift


def build(item, period: Period) -> Ledger:
    """Everything the ledger lists, in a fixed number of queries."""
    events = ledger_events(item, period)
    return Ledger(
        events=events,
        signups=ledger_signups(events),
        attempts=ledger_attempts(item, period),
        volunteers=measures.minutes_by_volunteer(where_of(item), period),
    )


def sheets(title: str, ledger: Ledger, numbers: Numbers) -> list[exports.Sheet]:
    """The workbook's sheets: summary, events, attendance, hours per volunteer, quiz results."""
    shifts = {s.id: (e, s) for e in ledger.events for s in e.shifts}
    summary = [
        [_("Ledger"), title],
        [_("From"), numbers.period.first],
        [_("To"), numbers.period.last],
        [],
        *summary_rows(numbers),
    ]
    events = [
        [
            e.starts_at,
            e.title,
            kind_label(e.kind),
            place_text(e),
            hosts_text(e),
            e.campaign.name if e.campaign else "",
            str(STATUS_LABELS[e.status]),
        ]
        for e in ledger.events
    ]
    attendance = []
    for s in ledger.signups:
        event, shift = shifts[s.shift_id]
        attendance.append(
            [
                event.starts_at,
                event.title,
                shift.role,
                s.user.real_name,
                s.team.name if s.team else "",
                status_label(s.status),
                s.created_at,
                s.checked_in_at,
                s.checked_out_at,
                s.hours,
                s.confirmed_by.real_name if s.confirmed_by else "",
            ]
        )
    return [
        exports.Sheet(_("Summary"), (), summary),
        exports.Sheet(
            _("Events"),
            [_("Date"), _("Title"), _("Kind"), _("Place"), _("Hosts"), _("Campaign"), _("Status")],
            events,
        ),
        exports.Sheet(
            _("Attendance"),
            [
                _("Date"),
                _("Event"),
                _("Shift"),
                str(exports.PERSON_COLUMN),
                _("Team"),
                _("Status"),
                _("Signed up"),
                _("Check-in"),
                _("Check-out"),
                _("Hours"),
                _("Confirmed by"),
            ],
            attendance,
        ),
        exports.Sheet(
            _("Hours per volunteer"),
            [str(exports.PERSON_COLUMN), _("Service records"), _("Hours")],
            [[u.real_name, n, round(m / 60, 2)] for u, n, m in ledger.volunteers],
        ),
        exports.Sheet(
            _("Quiz results"),
            [_("Quiz"), str(exports.PERSON_COLUMN), _("Finished"), _("Score"), _("Passed")],
            [
                [
                    a.quiz.title,
                    a.user.real_name if a.user else a.nickname,
                    a.finished_at,
                    a.percent,
                    _("Yes") if a.passed else _("No"),
                ]
                for a in ledger.attempts
            ],
        ),
    ]


def summary_rows(numbers: Numbers) -> list[list]:
    """The 数读 numbers as (label, value) rows: the summary sheet and the printable ledger."""
    s = numbers.signups
    return [
        [_("Events held"), numbers.events],
        *([line.label, line.count, f"{line.share}%"] for line in numbers.kinds),
        [_("Volunteers"), numbers.service.volunteers],
        [_("Service hours"), numbers.service.hours],
        [_("Sign-ups"), s.total],
        [_("Fill rate"), f"{s.fill_rate}%"],
        [_("No-show rate"), f"{s.no_show_rate}%"],
        [_("Late-cancellation rate"), f"{s.late_cancellation_rate}%"],
        [_("Audience seats taken"), numbers.seats],
        [_("Quiz participants"), numbers.quizzes.participants],
        [_("Average score"), numbers.quizzes.average_percent],
        [_("Pass rate"), f"{numbers.quizzes.pass_rate}%"],
    ]


# ---------------------------------------------------------------- sign-in sheet


def sign_in_rows(event: Event) -> dict[int, list[Signup]]:
    """Those holding a place on each of the event's shifts, by shift id, in arrival order."""
    by_shift: dict[int, list[Signup]] = {s.id: [] for s in event.shifts}
    rows = db.session.scalars(
        db.select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id, Signup.status.in_(PLACE_STATUSES))
        .options(joinedload(Signup.user), joinedload(Signup.team))
        .order_by(Shift.starts_at, Shift.id, Signup.arrival)
    )
    for signup in rows:
        by_shift[signup.shift_id].append(signup)
    return by_shift
