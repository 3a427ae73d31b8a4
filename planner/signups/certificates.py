"""Service certificates (志愿服务证明): requested by a volunteer, issued by an organisation.

"Whoever organises records, whoever records certifies": a certificate lists the volunteer's service
records at events the issuing organisation hosted, frozen when it is issued. It covers only days up
to today, and only service that is over (``attendance.service_is_over``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from planner import organisations, permissions
from planner.accounts.models import User
from planner.audit import services as audit
from planner.database import insert_once, lock_row
from planner.directory.models import Community, Street
from planner.events.models import Event, EventHost
from planner.events.scopes import host_condition
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups import attendance
from planner.signups.models import Certificate, CertificateStatus, ServiceRecord, Signup
from planner.timeutil import to_local, utcnow


class NoRecords(DomainError):
    message = _l("You have no confirmed service hours with this organisation in that period.")


class ReachesIntoFuture(DomainError):
    message = _l("A certificate can cover service only up to today.")
    field = "ends_on"


class AlreadyDecided(DomainError):
    message = _l("This certificate request has already been decided.")


def organisation_from_key(key: str):
    """The issuer a key from the request form names (a department, street or community)."""
    return organisations.from_key(key, kinds=Certificate.organisation_kinds)


def issuers_for(user: User) -> list:
    """Organisations that hosted events the user has service records for (certificate issuers)."""
    hosts = db.session.scalars(
        db.select(EventHost)
        .join(ServiceRecord, ServiceRecord.event_id == EventHost.event_id)
        .where(ServiceRecord.volunteer_id == user.id)
        .options(
            joinedload(EventHost.department),
            joinedload(EventHost.street),
            joinedload(EventHost.community),
        )
    ).all()
    seen = {}
    for host in hosts:
        kind, _ident = host.organisation_kind_and_id
        if kind in Certificate.organisation_kinds:  # partners and teams issue no certificates
            seen[organisations.key_of(host.organisation)] = host.organisation
    return sorted(seen.values(), key=lambda o: o.name)


def _check_not_future(ends_on: date, now: datetime) -> None:
    """Raise unless a certificate's date range ends today at the latest (local date)."""
    if ends_on > to_local(now).date():
        raise ReachesIntoFuture()


def records_for(
    user: User, org, starts_on: date, ends_on: date, now: datetime | None = None
) -> list[ServiceRecord]:
    """The user's records of service that is over, in the range, at events ``org`` hosted."""
    now = now or utcnow()
    records = db.session.scalars(
        db.select(ServiceRecord)
        .where(
            ServiceRecord.volunteer_id == user.id,
            ServiceRecord.service_date.between(starts_on, min(ends_on, to_local(now).date())),
            ServiceRecord.minutes > 0,
            ServiceRecord.event_id.in_(db.select(Event.id).where(host_condition(org))),
        )
        .options(
            joinedload(ServiceRecord.signup).joinedload(Signup.shift),
            joinedload(ServiceRecord.recorder),
        )
        .order_by(ServiceRecord.service_date, ServiceRecord.id)
    ).all()
    # Records written before hours waited for the service to be over may be dated today or later.
    return [r for r in records if r.signup is None or attendance.service_is_over(r.signup, now)]


@dataclass
class Review:
    """What an organiser signs when approving a request: the records it would list, their total,
    and the records without a check-in (credited by hand, worth a second look)."""

    records: list[ServiceRecord]
    total_minutes: int
    without_checkin: set[int]  # record ids

    @property
    def total_hours(self) -> float:
        return self.total_minutes / 60


def review(certificate: Certificate, now: datetime | None = None) -> Review:
    """The records approving ``certificate`` would freeze (``records_for``, as ``issue`` reads)."""
    records = records_for(
        certificate.volunteer,
        certificate.organisation,
        certificate.starts_on,
        certificate.ends_on,
        now,
    )
    return Review(
        records=records,
        total_minutes=sum(r.minutes for r in records),
        without_checkin={r.id for r in records if r.signup is None or not r.signup.checked_in_at},
    )


def _pending_request(user: User, org, starts_on: date, ends_on: date) -> Certificate | None:
    return db.session.scalar(
        db.select(Certificate).where(
            Certificate.volunteer_id == user.id,
            Certificate.refers_to(org),
            Certificate.starts_on == starts_on,
            Certificate.ends_on == ends_on,
            Certificate.status == CertificateStatus.REQUESTED,
        )
    )


def request_certificate(
    user: User, org, starts_on: date, ends_on: date, now: datetime | None = None
) -> Certificate:
    """A volunteer asks ``org`` for a certificate over a past date range that has records in it.

    Asking again while the same request waits returns that request: one pending request a
    volunteer, organisation and range (unique indexes), even when sent twice at once.
    """
    now = now or utcnow()
    _check_not_future(ends_on, now)
    if not records_for(user, org, starts_on, ends_on, now):
        raise NoRecords(field="starts_on")
    pending = _pending_request(user, org, starts_on, ends_on)
    if pending is not None:
        return pending
    certificate = Certificate(volunteer=user, starts_on=starts_on, ends_on=ends_on)
    certificate.organisation = org
    return insert_once(certificate, lambda: _pending_request(user, org, starts_on, ends_on))


def issue(actor: User, certificate: Certificate, now: datetime | None = None) -> Certificate:
    """Approve: freeze the records and total, and give the certificate its unique number.

    The certificate row is locked and read again first: issuing twice at once gives one number.
    """
    certificate = lock_row(Certificate, certificate.id, column=Certificate.status)
    if certificate.status is CertificateStatus.ISSUED:
        return certificate  # a concurrent request issued it: the same certificate, once
    if certificate.status is not CertificateStatus.REQUESTED:
        raise AlreadyDecided()
    now = now or utcnow()
    _check_not_future(certificate.ends_on, now)
    records = records_for(
        certificate.volunteer,
        certificate.organisation,
        certificate.starts_on,
        certificate.ends_on,
        now,
    )
    if not records:
        raise NoRecords()
    certificate.records = [
        {
            "date": r.service_date.isoformat(),
            "activity": r.activity,
            "content": r.content,
            "place": r.place,
            "minutes": r.minutes,
            # The national rules ask each record to name who answered for it and who wrote it.
            "person_in_charge": r.person_in_charge,
            "recorder": r.recorder.real_name if r.recorder else "",
        }
        for r in records
    ]
    certificate.total_minutes = sum(r.minutes for r in records)
    certificate.volunteer_name = certificate.volunteer.real_name
    certificate.status = CertificateStatus.ISSUED
    certificate.issued_at = now
    certificate.issued_by_id = actor.id
    # Year, row id and a random tail: unique, and not guessable one from the next.
    certificate.number = f"XF{to_local(certificate.issued_at).year}{certificate.id:06d}{secrets.token_hex(3).upper()}"
    audit.record(actor, "issue_certificate", certificate, number=certificate.number)
    db.session.flush()
    return certificate


def reject(actor: User, certificate: Certificate) -> None:
    certificate = lock_row(Certificate, certificate.id, column=Certificate.status)
    if certificate.status is CertificateStatus.REJECTED:
        return  # a concurrent request rejected it
    if certificate.status is not CertificateStatus.REQUESTED:
        raise AlreadyDecided()
    certificate.status = CertificateStatus.REJECTED
    audit.record(actor, "reject_certificate", certificate)


# ---------------------------------------------------------------- reading


def _shown_with():
    """What a certificate page shows beside the certificate: its issuer and its volunteer."""
    return (
        joinedload(Certificate.department),
        joinedload(Certificate.street).joinedload(Street.district),
        joinedload(Certificate.community).joinedload(Community.street),
        joinedload(Certificate.volunteer),
    )


def certificates_of(user: User) -> list[Certificate]:
    """A volunteer's certificates and requests, the latest request first."""
    return db.session.scalars(
        db.select(Certificate)
        .where(Certificate.volunteer_id == user.id)
        .options(*_shown_with())
        .order_by(Certificate.requested_at.desc())
    ).all()


def requests_to_decide(user=None) -> list[Certificate]:
    """Requests waiting for a decision by an organisation ``user`` manages, oldest first."""
    rows = db.session.scalars(
        db.select(Certificate)
        .where(Certificate.status == CertificateStatus.REQUESTED)
        .options(*_shown_with())
        .order_by(Certificate.requested_at)
    ).all()
    return [c for c in rows if permissions.can_manage(c.organisation, user)]


def load(certificate_id: int) -> Certificate | None:
    """A certificate or request, with its issuer and volunteer."""
    return db.session.scalar(
        db.select(Certificate).where(Certificate.id == certificate_id).options(*_shown_with())
    )


def _issued_where(condition) -> Certificate | None:
    return db.session.scalar(
        db.select(Certificate)
        .where(condition, Certificate.status == CertificateStatus.ISSUED)
        .options(*_shown_with())
    )


def issued(certificate_id: int) -> Certificate | None:
    """An issued certificate, with its issuer and volunteer."""
    return _issued_where(Certificate.id == certificate_id)


def normalise_number(typed: str) -> str:
    """A certificate number as someone may type it: spaces and case do not matter (numbers are
    upper case), and nothing longer than a number is looked up."""
    return "".join(typed.split()).upper()[:40]


def numbered(number: str) -> Certificate | None:
    """The issued or withdrawn certificate with ``number`` as typed (what ``/verify`` checks)."""
    return db.session.scalar(
        db.select(Certificate)
        .where(
            Certificate.number == normalise_number(number),
            Certificate.status.in_((CertificateStatus.ISSUED, CertificateStatus.WITHDRAWN)),
        )
        .options(*_shown_with())
    )
