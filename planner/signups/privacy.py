"""A volunteer's own data: download it, or delete the account (records stay, anonymised)."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from planner import signals
from planner.accounts.models import PhoneCode, User, mask_name
from planner.directory.models import TeamMembership
from planner.events.models import Shift
from planner.extensions import db
from planner.signups import bookings, places
from planner.signups.models import (
    Certificate,
    SeatBooking,
    SeatStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
)
from planner.timeutil import utcnow

ANONYMOUS_NAME = "已注销用户"


def _iso(value):
    return value.isoformat() if value is not None else None


def _value(member):
    return member.value if member is not None else None


def export(user: User) -> dict:
    """Everything the planner holds about ``user``, as plain JSON-ready data."""
    data = {
        "account": _account(user),
        "signups": _signups(user),
        "service_records": _service_records(user),
        "seat_bookings": _seat_bookings(user),
        "certificates": _certificates(user),
    }
    for _receiver, (name, rows) in signals.personal_data.send(user):
        data[name] = rows
    return data


def _account(user: User) -> dict:
    return {
        "real_name": user.real_name,
        "nickname": user.nickname,
        "phone": user.phone,
        "email": user.email,
        "created_at": _iso(user.created_at),
        "consented_at": _iso(user.consented_at),
        "consent_version": user.consent_version,
        "phone_verified_at": _iso(user.phone_verified_at),
    }


def _signups(user: User) -> list[dict]:
    signups = db.session.scalars(
        db.select(Signup)
        .where(Signup.user_id == user.id)
        .options(joinedload(Signup.shift).joinedload(Shift.event))
        .order_by(Signup.id)
    ).all()
    return [
        {
            "event": s.shift.event.title,
            "shift": s.shift.role,
            "starts_at": _iso(s.shift.starts_at),
            "status": s.status.value,
            "checked_in_at": _iso(s.checked_in_at),
            "checked_out_at": _iso(s.checked_out_at),
            # How each scan was made; for a code, the phone's hash (never its cookie) and address.
            "checkin_method": _value(s.checkin_method),
            "checkin_device": s.checkin_device,
            "checkin_address": s.checkin_address,
            "checkout_method": _value(s.checkout_method),
            "checkout_device": s.checkout_device,
            "checkout_address": s.checkout_address,
            "hours": s.hours,
        }
        for s in signups
    ]


def _service_records(user: User) -> list[dict]:
    records = db.session.scalars(
        db.select(ServiceRecord)
        .where(ServiceRecord.volunteer_id == user.id)
        .order_by(ServiceRecord.id)
    ).all()
    return [
        {
            "date": _iso(r.service_date),
            "activity": r.activity,
            "place": r.place,
            "content": r.content,
            "hours": r.hours,
            "person_in_charge": r.person_in_charge,
        }
        for r in records
    ]


def _seat_bookings(user: User) -> list[dict]:
    seats = db.session.scalars(
        db.select(SeatBooking)
        .where(SeatBooking.user_id == user.id)
        .options(joinedload(SeatBooking.event))
    ).all()
    return [
        {"event": b.event.title, "party_size": b.party_size, "status": b.status.value}
        for b in seats
    ]


def _certificates(user: User) -> list[dict]:
    certificates = db.session.scalars(
        db.select(Certificate).where(Certificate.volunteer_id == user.id).order_by(Certificate.id)
    ).all()
    return [
        {
            "number": c.number,
            "status": c.status.value,
            "from": _iso(c.starts_on),
            "to": _iso(c.ends_on),
        }
        for c in certificates
    ]


def delete_account(user: User) -> None:
    """Remove personal data; service records stay attached to the anonymised account."""
    now = utcnow()
    for signup in db.session.scalars(
        db.select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(
            Signup.user_id == user.id,
            Signup.status.in_((SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)),
            Shift.starts_at > now,
        )
    ).all():
        places.cancel(signup, user, now=now)
    for booking in db.session.scalars(
        db.select(SeatBooking).where(
            SeatBooking.user_id == user.id, SeatBooking.status != SeatStatus.CANCELLED
        )
    ).all():
        if booking.event.starts_at > now:
            bookings.cancel_seats(booking, now=now)
    for certificate in db.session.scalars(
        db.select(Certificate).where(Certificate.volunteer_id == user.id)
    ):
        certificate.volunteer_name = mask_name(certificate.volunteer_name)
    db.session.execute(db.delete(TeamMembership).where(TeamMembership.user_id == user.id))
    db.session.execute(db.delete(PhoneCode).where(PhoneCode.user_id == user.id))
    # Devices and addresses would link the anonymised account to others: they go with the name.
    db.session.execute(
        db.update(Signup)
        .where(Signup.user_id == user.id)
        .values(
            checkin_device=None, checkin_address=None, checkout_device=None, checkout_address=None
        )
    )
    user.real_name = ANONYMOUS_NAME
    user.nickname = ""
    user.phone = None
    user.contact_phone, user.contact_consent = None, ""
    user.email = None
    user.community_id = None  # where a person lives goes with the name
    user.password_hash = ""
    user.active = False
    user.deleted_at = now
    user.grants.clear()
    db.session.flush()
