"""Who hosts an event: the organisations that may, adding and removing them, and the rule that an
event keeps a host its organisers manage."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from planner import organisations, permissions
from planner.audit import services as audit
from planner.directory.models import Community, VolunteerTeam
from planner.events.models import Event, EventHost, HostRole
from planner.events.workflow import ensure_open, touch
from planner.exceptions import DomainError
from planner.extensions import db


class NoHost(DomainError):
    message = _l("An event needs at least one host you organise for.")
    field = "host"


class LastHost(DomainError):
    message = _l("An event keeps at least one host.")


class AlreadyHost(DomainError):
    message = _l("This organisation already hosts the event.")
    field = "organisation"


def host_row(organisation, role: HostRole) -> EventHost:
    host = EventHost(role=role)
    host.organisation = organisation
    return host


def add_host(actor, event: Event, organisation, role: HostRole) -> EventHost:
    """Add a host or co-host; each organisation hosts an event once."""
    ensure_open(event)
    if any(h.organisation is organisation for h in event.hosts):
        raise AlreadyHost()
    host = host_row(organisation, role)
    event.hosts.append(host)
    touch(event, bump=False)
    db.session.flush()
    audit.record(actor, "event.host.add", event, organisation=str(organisation), role=role.value)
    return host


def remove_host(actor, event: Event, host: EventHost) -> None:
    """Remove a host, keeping at least one, and (for an organiser) one they manage."""
    ensure_open(event)
    if len(event.hosts) <= 1:
        raise LastHost()
    remaining = [h for h in event.hosts if h is not host]
    if not permissions.is_admin(actor) and not any(
        permissions.can_manage(h.organisation, actor) for h in remaining
    ):
        raise NoHost(field=None)
    event.hosts.remove(host)
    touch(event, bump=False)
    audit.record(actor, "event.host.remove", event, organisation=str(host.organisation))


# What choosing among organisations loads besides their names: a community is labelled with its
# street, and whoever may manage a team is found through its owner.
_HOST_LOADS = {
    "community": (joinedload(Community.street),),
    "team": (joinedload(VolunteerTeam.department), joinedload(VolunteerTeam.community)),
}


def host_organisations() -> list:
    """Every organisation that may host an event and is not archived, kind by kind, by name."""
    result = []
    for name in organisations.HOST_KINDS:
        model = organisations.KINDS[name].model
        result.extend(
            db.session.scalars(
                db.select(model)
                .where(model.archived_at.is_(None))
                .options(*_HOST_LOADS.get(name, ()))
                .order_by(model.name)
            )
        )
    return result


def manageable_organisations(user) -> list:
    """Organisations the user may name as an event's host (administrators: all of them)."""
    return [o for o in host_organisations() if permissions.can_manage(o, user)]
