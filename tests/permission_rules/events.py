"""Event and campaign routes: public pages, and organiser pages for the events they host."""

from datetime import timedelta

from tests.permission_rules import Rule

LOGIN = 302
MANAGER_ONLY = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=200, admin=200)
MANAGER_POST = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=302, admin=302)
MANAGER_BAD_POST = dict(anonymous=LOGIN, volunteer=403, leader=403, organiser=400, admin=400)


def build(world):
    from planner.directory.models import Department, PartnerOrganisation
    from planner.events.models import (
        Campaign,
        Event,
        EventHost,
        EventKind,
        EventStatus,
        HostRole,
        ProgrammeItem,
        Shift,
    )
    from planner.extensions import db
    from planner.timeutil import utcnow

    department = db.session.get(Department, world["department"])
    partner = db.session.get(PartnerOrganisation, world["partner"])
    start = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)

    def make(status, starts_at, title):
        event = Event(
            title=title,
            kind=EventKind.GALA,
            status=status,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            community_id=world["community"],
        )
        event.hosts.append(EventHost(department=department, role=HostRole.HOST))
        db.session.add(event)
        return event

    event = make(EventStatus.PUBLISHED, start, "权限测试活动")
    event.hosts.append(EventHost(partner=partner, role=HostRole.COHOST))
    for role in ("引导", "清扫"):
        event.shifts.append(
            Shift(role=role, starts_at=start, ends_at=start + timedelta(hours=1), capacity=5)
        )
    event.programme.append(ProgrammeItem(position=1, title="舞蹈《美丽中国》"))
    draft = make(EventStatus.DRAFT, start, "权限测试草稿")
    started = make(EventStatus.PUBLISHED, utcnow() - timedelta(hours=1), "进行中的活动")
    campaign = Campaign(
        name="权限测试主题活动", starts_on=start.date(), ends_on=start.date() + timedelta(days=9)
    )
    campaign.lead_departments = [department]
    db.session.add(campaign)
    db.session.flush()
    world.update(
        event=event.id,
        draft=draft.id,
        started=started.id,
        campaign=campaign.id,
        shift=event.shifts[0].id,
        spare_shift=event.shifts[1].id,
        cohost=event.hosts[1].id,
        item=event.programme[0].id,
    )


RULES = [
    Rule("events.listing", "GET", "/events"),
    Rule("events.listing", "GET", "/events?past=1&q=活动&kind=gala&when=week&district=x"),
    Rule("events.detail", "GET", "/events/{event}"),
    Rule("events.detail", "GET", "/events/{draft}", 404, 404, 404, 200, 200),
    Rule("events.detail", "GET", "/events/999999", 404, 404, 404, 404, 404),
    # Posters announce published events, to anyone; a draft has none, even for its organisers.
    Rule("events.poster", "GET", "/events/{event}/poster"),
    Rule("events.poster", "GET", "/events/{draft}/poster", 404, 404, 404, 404, 404),
    Rule("events.share_image", "GET", "/events/{event}/share.png"),
    Rule("events.share_image", "GET", "/events/999999/share.png", 404, 404, 404, 404, 404),
    Rule("events.mine", "GET", "/events/mine", LOGIN, 403, 200, 200, 200),
    Rule("events.new", "GET", "/events/new", LOGIN, 403, 200, 200, 200),
    Rule("events.new", "POST", "/events/new", LOGIN, 403, 200, 200, 200),
    Rule("events.manage", "GET", "/events/{event}/manage", **MANAGER_ONLY),
    Rule("events.manage", "GET", "/events/999999/manage", LOGIN, 404, 404, 404, 404),
    Rule("events.edit", "GET", "/events/{event}/edit", **MANAGER_ONLY),
    Rule("events.edit_shift", "GET", "/events/{event}/shifts/{shift}/edit", **MANAGER_ONLY),
    Rule("events.cancel", "GET", "/events/{event}/cancel", **MANAGER_ONLY),
    Rule("events.add_host", "POST", "/events/{event}/hosts", **MANAGER_BAD_POST),
    Rule("events.add_programme_item", "POST", "/events/{event}/programme", **MANAGER_BAD_POST),
    Rule("events.add_shift", "POST", "/events/{event}/shifts", **MANAGER_BAD_POST),
    Rule("events.repeat", "POST", "/events/{event}/repeat", **MANAGER_BAD_POST),
    Rule("events.publish", "POST", "/events/{draft}/publish", **MANAGER_POST),
    Rule("events.complete", "POST", "/events/{started}/complete", **MANAGER_POST),
    Rule("events.duplicate", "POST", "/events/{event}/duplicate", **MANAGER_POST),
    Rule("events.remove_host", "POST", "/events/{event}/hosts/{cohost}/remove", **MANAGER_POST),
    Rule(
        "events.move_programme_item",
        "POST",
        "/events/{event}/programme/{item}/down",
        **MANAGER_POST,
    ),
    Rule(
        "events.remove_programme_item",
        "POST",
        "/events/{event}/programme/{item}/remove",
        **MANAGER_POST,
    ),
    Rule(
        "events.remove_shift", "POST", "/events/{event}/shifts/{spare_shift}/remove", **MANAGER_POST
    ),
    Rule(
        "events.cancel", "POST", "/events/{event}/cancel", **MANAGER_POST, data={"reason": "测试"}
    ),
    Rule("events.campaigns", "GET", "/campaigns"),
    Rule("events.campaign", "GET", "/campaigns/{campaign}"),
    Rule("events.campaign", "GET", "/campaigns/999999", 404, 404, 404, 404, 404),
    Rule("events.campaign_edit", "GET", "/campaigns/new", **MANAGER_ONLY),
    Rule("events.campaign_edit", "GET", "/campaigns/{campaign}/edit", **MANAGER_ONLY),
    Rule("events.campaign_edit", "POST", "/campaigns/{campaign}/edit", **MANAGER_ONLY),
]
