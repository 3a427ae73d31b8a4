"""Calendar feeds and pages: feeds are public (personal ones by their secret token)."""

from planner.calendar.models import CalendarToken
from planner.events.models import Campaign, Event, EventKind, EventStatus
from planner.extensions import db
from planner.timeutil import utcnow
from tests.permission_rules import Rule

LOGIN = 302

RULES = [
    Rule("calendar.index", "GET", "/calendar"),
    Rule("calendar.event_ics", "GET", "/events/{calendar_event}.ics"),
    Rule("calendar.event_ics", "GET", "/events/{calendar_draft}.ics", 404, 404, 404, 404, 404),
    Rule("calendar.all_feed", "GET", "/calendar/all.ics"),
    Rule("calendar.all_feed", "GET", "/calendar/all.ics?kind=cleanup&lang=en"),
    Rule("calendar.scope_feed", "GET", "/calendar/districts/{district}.ics"),
    Rule("calendar.scope_feed", "GET", "/calendar/streets/{street}.ics"),
    Rule("calendar.scope_feed", "GET", "/calendar/communities/{community}.ics"),
    Rule("calendar.scope_feed", "GET", "/calendar/departments/{department}.ics"),
    Rule("calendar.scope_feed", "GET", "/calendar/partners/{partner}.ics"),
    Rule("calendar.scope_feed", "GET", "/calendar/teams/{team}.ics"),
    Rule("calendar.scope_feed", "GET", "/calendar/campaigns/{calendar_campaign}.ics"),
    Rule("calendar.scope_feed", "GET", "/calendar/communities/0.ics", 404, 404, 404, 404, 404),
    Rule("calendar.personal_feed", "GET", "/calendar/me/{calendar_token}.ics"),
    Rule(
        "calendar.personal_feed", "GET", "/calendar/me/{revoked_token}.ics", 404, 404, 404, 404, 404
    ),
    Rule("calendar.mine", "GET", "/calendar/mine", LOGIN),
    Rule(
        "calendar.set_reminder",
        "POST",
        "/calendar/mine/reminder",
        LOGIN,
        302,
        302,
        302,
        302,
        data={"remind_day_before": "y"},
    ),
    Rule("calendar.regenerate_token", "POST", "/calendar/mine/link", LOGIN, 302, 302, 302, 302),
    Rule(
        "calendar.revoke_token",
        "POST",
        "/calendar/mine/revoke",
        LOGIN,
        302,
        302,
        302,
        302,
        data={"confirmed": "yes"},
    ),
]


def build(world):
    from datetime import date, timedelta

    from planner.directory.models import Community

    community = db.session.get(Community, world["community"])
    campaign = Campaign(
        name="日历权限测试主题活动", starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31)
    )
    starts_at = utcnow().replace(microsecond=0) + timedelta(days=3)
    published = Event(
        title="社区环境卫生清理",
        kind=EventKind.CLEANUP,
        status=EventStatus.PUBLISHED,
        community=community,
        campaign=campaign,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )
    draft = Event(
        title="草稿活动",
        kind=EventKind.CLEANUP,
        status=EventStatus.DRAFT,
        community=community,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )
    owner = world["users"]["admin"]
    token = CalendarToken(user=owner)
    revoked = CalendarToken(user=owner, revoked_at=utcnow())
    db.session.add_all([campaign, published, draft, token, revoked])
    db.session.flush()
    world.update(
        calendar_event=published.id,
        calendar_draft=draft.id,
        calendar_campaign=campaign.id,
        calendar_token=token.token,
        revoked_token=revoked.token,
    )
