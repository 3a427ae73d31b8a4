"""Service certificates (志愿服务证明): requested by a volunteer, issued by an organisation.

"Whoever organises records, whoever records certifies": a certificate lists the volunteer's service
records at events the issuing organisation hosted, frozen when it is issued.
"""

from __future__ import annotations

import secrets
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.audit import services as audit
from planner.database import insert_once, lock_row
from planner.directory.models import Community, Department, Street
from planner.events.models import EventHost
from planner.exceptions import DomainError
from planner.extensions import db
from planner.signups.models import Certificate, CertificateStatus, ServiceRecord
from planner.timeutil import to_local, utcnow

ORGANISATION_KINDS = {"department": Department, "street": Street, "community": Community}


class NoRecords(DomainError):
    message = _l("You have no confirmed service hours with this organisation in that period.")


class AlreadyDecided(DomainError):
    message = _l("This certificate request has already been decided.")


def organisation_key(org) -> str:
    kind = next(k for k, model in ORGANISATION_KINDS.items() if isinstance(org, model))
    return f"{kind}:{org.id}"


def organisation_from_key(key: str):
    kind, _, ident = (key or "").partition(":")
    model = ORGANISATION_KINDS.get(kind)
    return db.session.get(model, int(ident)) if model and ident.isdigit() else None


def _host_column(org):
    return {
        Department: EventHost.department_id,
        Street: EventHost.street_id,
        Community: EventHost.community_id,
    }[type(org)]


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
        org = host.department or host.street or host.community
        if org is not None:
            seen[organisation_key(org)] = org
    return sorted(seen.values(), key=lambda o: o.name)


def records_for(user: User, org, starts_on: date, ends_on: date) -> list[ServiceRecord]:
    """The user's service records in the range at events ``org`` hosted, oldest first."""
    return db.session.scalars(
        db.select(ServiceRecord)
        .where(
            ServiceRecord.volunteer_id == user.id,
            ServiceRecord.service_date.between(starts_on, ends_on),
            ServiceRecord.minutes > 0,
            ServiceRecord.event_id.in_(
                db.select(EventHost.event_id).where(_host_column(org) == org.id)
            ),
        )
        .order_by(ServiceRecord.service_date, ServiceRecord.id)
    ).all()


def _pending_request(user: User, org, starts_on: date, ends_on: date) -> Certificate | None:
    column = {Department: Certificate.department_id, Street: Certificate.street_id}.get(
        type(org), Certificate.community_id
    )
    return db.session.scalar(
        db.select(Certificate).where(
            Certificate.volunteer_id == user.id,
            column == org.id,
            Certificate.starts_on == starts_on,
            Certificate.ends_on == ends_on,
            Certificate.status == CertificateStatus.REQUESTED,
        )
    )


def request_certificate(user: User, org, starts_on: date, ends_on: date) -> Certificate:
    """A volunteer asks ``org`` for a certificate over a date range that has records in it.

    Asking again while the same request waits returns that request: one pending request a
    volunteer, organisation and range (unique indexes), even when sent twice at once.
    """
    if not records_for(user, org, starts_on, ends_on):
        raise NoRecords(field="starts_on")
    pending = _pending_request(user, org, starts_on, ends_on)
    if pending is not None:
        return pending
    certificate = Certificate(volunteer=user, starts_on=starts_on, ends_on=ends_on)
    certificate.organisation = org
    return insert_once(certificate, lambda: _pending_request(user, org, starts_on, ends_on))


def issue(actor: User, certificate: Certificate) -> Certificate:
    """Approve: freeze the records and total, and give the certificate its unique number.

    The certificate row is locked and read again first: issuing twice at once gives one number.
    """
    certificate = lock_row(Certificate, certificate.id, column=Certificate.status)
    if certificate.status is CertificateStatus.ISSUED:
        return certificate  # a concurrent request issued it: the same certificate, once
    if certificate.status is not CertificateStatus.REQUESTED:
        raise AlreadyDecided()
    records = records_for(
        certificate.volunteer, certificate.organisation, certificate.starts_on, certificate.ends_on
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
        }
        for r in records
    ]
    certificate.total_minutes = sum(r.minutes for r in records)
    certificate.volunteer_name = certificate.volunteer.real_name
    certificate.status = CertificateStatus.ISSUED
    certificate.issued_at = utcnow()
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
