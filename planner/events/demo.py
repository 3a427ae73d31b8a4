"""Demo events: the seed page's late-September 2024 events as history, and a living calendar
of upcoming events relative to the day ``seed-demo`` runs. Idempotent: events are keyed by title."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from planner.directory.models import (
    Community,
    Department,
    PartnerOrganisation,
    Street,
    VolunteerTeam,
)
from planner.events.models import (
    Campaign,
    CampaignStatus,
    Event,
    EventHost,
    EventKind,
    EventSeries,
    EventStatus,
    HostRole,
    ProgrammeItem,
    Shift,
)
from planner.extensions import db
from planner.timeutil import local_now, local_zone

CLEAN_HOMES = "洁净家园·喜迎国庆"
CUSTOMS_REFORM = "移风易俗树新风 文明风尚我先行"
WINTER = "新风满城·冬季文明实践月"

MODELS = {
    "department": Department,
    "partner": PartnerOrganisation,
    "street": Street,
    "community": Community,
    "team": VolunteerTeam,
}


def _org(ref: str):
    kind, _sep, name = ref.partition(":")
    model = MODELS[kind]
    return db.session.scalar(db.select(model).where(model.name == name))


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(int(hour), int(hour % 1 * 60)), tzinfo=local_zone())


def _campaigns() -> dict[str, Campaign]:
    today = local_now().date()
    specs = [
        (
            CLEAN_HOMES,
            "洁净家园 喜迎国庆",
            "市直各部门深入共建社区开展环境卫生集中清理志愿服务。",
            date(2024, 9, 20),
            date(2024, 10, 7),
            CampaignStatus.CLOSED,
            ["市文明办"],
        ),
        (
            CUSTOMS_REFORM,
            "深化移风易俗 倡树文明新风",
            "以小戏小剧、有奖竞猜、家庭教育宣讲和邻里百家宴，把新风正气送到千家万户。",
            date(2024, 9, 1),
            date(2024, 12, 31),
            CampaignStatus.CLOSED,
            ["市委宣传部", "市文明办"],
        ),
        (
            WINTER,
            "文明实践暖冬日 邻里守望迎新年",
            "冬季环境整治、文明引导、移风易俗宣讲和社区联欢，覆盖全市共建社区。",
            today - timedelta(days=3),
            today + timedelta(days=35),
            CampaignStatus.ACTIVE,
            ["市文明办", "市委编办"],
        ),
    ]
    result = {}
    for name, slogan, description, starts_on, ends_on, status, leads in specs:
        campaign = db.session.scalar(db.select(Campaign).where(Campaign.name == name))
        if campaign is None:
            campaign = Campaign(
                name=name,
                slogan=slogan,
                description=description,
                starts_on=starts_on,
                ends_on=ends_on,
                status=status,
            )
            campaign.lead_departments = [_org(f"department:{d}") for d in leads]
            db.session.add(campaign)
            db.session.flush()
        result[name] = campaign
    return result


def _host_rows(hosts) -> list[EventHost]:
    rows = []
    for ref, role in hosts:
        host = EventHost(role=role)
        host.organisation = _org(ref)
        rows.append(host)
    return rows


def _programme_items(programme) -> list[ProgrammeItem]:
    """(title, performer, minutes) rows; a performer whose name ends in 队 or 社团 is a team."""
    items = []
    for position, (item, performer, minutes) in enumerate(programme, start=1):
        team = (
            _org(f"team:{performer}") if performer and performer.endswith(("队", "社团")) else None
        )
        items.append(
            ProgrammeItem(
                position=position,
                title=item,
                performer_team=team,
                performer_text="" if team else (performer or ""),
                duration_minutes=minutes,
            )
        )
    return items


def _shift_rows(starts_at: datetime, shifts) -> list[Shift]:
    """(role, hours after the start, hours long, capacity, requirements) rows."""
    rows = []
    for role, offset, length, capacity, requirements in shifts:
        start = starts_at + timedelta(hours=offset)
        rows.append(
            Shift(
                role=role,
                starts_at=start,
                ends_at=start + timedelta(hours=length),
                capacity=capacity,
                requirements=requirements,
            )
        )
    return rows


def _add_event(
    title,
    kind,
    starts_at,
    hours,
    *,
    community=None,
    venue="",
    hosts=(),
    campaign=None,
    status=EventStatus.PUBLISHED,
    description="",
    programme=(),
    shifts=(),
    seats=None,
    party=4,
    series_id=None,
    series_position=None,
) -> None:
    if db.session.scalar(db.select(Event.id).where(Event.title == title)) is not None:
        return
    community_row = _org(f"community:{community}") if community else None
    event = Event(
        title=title,
        kind=kind,
        status=status,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        community=community_row,
        venue=venue,
        address=community_row.address if community_row else "",
        description=description,
        campaign=campaign,
        seats_capacity=seats,
        max_party_size=party,
        series_id=series_id,
        series_position=series_position,
        revision=0 if status is EventStatus.DRAFT else 1,
    )
    event.hosts.extend(_host_rows(hosts))
    event.programme.extend(_programme_items(programme))
    event.shifts.extend(_shift_rows(starts_at, shifts))
    db.session.add(event)


H, CO = HostRole.HOST, HostRole.COHOST

# department → (community or None, venue, title, day in Sep 2024, co-host)
CLEANUPS = [
    (
        "市委编办",
        "仰口路社区",
        "社区楼院",
        "精编通政志愿服务队仰口路社区环境卫生大扫除",
        27,
        "team:精编通政志愿服务队",
    ),
    ("市财政局", "天山社区", "社区公共区域", "市财政局天山社区洁净家园主题志愿服务活动", 26, None),
    (
        "市海洋发展局",
        None,
        "市南区沿海一线",
        "市海洋发展局沿海一线环境卫生清理志愿服务活动",
        25,
        "partner:青岛鑫三利公司",
    ),
    (
        "市文化和旅游局",
        "泰州路社区",
        "社区楼院",
        "市文化和旅游局泰州路社区联创共建卫生集中清理",
        26,
        None,
    ),
    (
        "市市场监管局",
        "华泰社区",
        "社区广场",
        "市市场监管局华泰社区“迎国庆”新时代文明实践主题活动",
        27,
        None,
    ),
    (
        "市行政审批局",
        None,
        "机关周边街巷",
        "市行政审批局“欢度国庆 文明过节”环境卫生集中清理志愿服务活动",
        25,
        None,
    ),
    ("市民营经济局", "玉堂社区", "社区楼院", "市民营经济局玉堂社区环境卫生整治行动", 28, None),
]


def seed_history(campaigns: dict[str, Campaign]) -> None:
    """The seed page's events of late September 2024, all completed."""
    _seed_cleanups(campaigns[CLEAN_HOMES])
    _seed_customs_reform_show(campaigns[CUSTOMS_REFORM])
    _seed_phoenix_gala(campaigns[CUSTOMS_REFORM])
    _seed_phoenix_banquet(campaigns[CUSTOMS_REFORM])


def _seed_cleanups(campaign: Campaign) -> None:
    """The departments' cleanup drives of the "clean homes" campaign."""
    for department, community, venue, title, day, cohost in CLEANUPS:
        hosts = [(f"department:{department}", H)] + ([(cohost, CO)] if cohost else [])
        _add_event(
            title,
            EventKind.CLEANUP,
            _at(date(2024, 9, day), 9),
            2.5,
            community=community,
            venue=venue,
            hosts=hosts,
            campaign=campaign,
            status=EventStatus.COMPLETED,
            description="“洁净家园·喜迎国庆”环境卫生集中清理行动：清扫楼道、清理卫生死角、捡拾垃圾，引导居民提升环保意识。",
            shifts=[("清扫保洁", 0, 2.5, 30, "自备手套"), ("垃圾分类引导", 0, 2.5, 6, "")],
        )


def _seed_customs_reform_show(campaign: Campaign) -> None:
    """The city's customs-reform opera and drama show, with its programme."""
    _add_event(
        "“移风易俗树新风 文明风尚我先行”青岛市移风易俗主题小戏小剧展演",
        EventKind.SHOW,
        _at(date(2024, 9, 29), 14.5),
        2.5,
        community="株洲路社区",
        venue="崂山区文化活动中心",
        hosts=[
            ("department:市委宣传部", H),
            ("department:市文明办", H),
            ("team:文明新风志愿服务队", CO),
        ],
        campaign=campaign,
        status=EventStatus.COMPLETED,
        seats=300,
        party=4,
        description="精选多部移风易俗主题小戏小剧集中展示，倡树新时代美德健康生活方式。\n现场设置有奖竞猜互动环节，并邀请专家开展家庭教育文明宣讲。",
        programme=[
            ("移风易俗主题小戏小剧集中展示（戏曲、相声、小品、快板）", "文明新风志愿服务队", 60),
            ("有奖竞猜：移风易俗知识", "文明引导志愿服务队", 20),
            (
                "家庭教育文明宣讲：经营温馨小家 汇就幸福大家",
                "王永华（全国妇联《中国妇女》“专家来了”特约讲师）",
                40,
            ),
        ],
        shifts=[("观众引导", 0, 2.5, 10, ""), ("有奖竞猜发奖", 1, 0.5, 4, "")],
    )


def _seed_phoenix_gala(campaign: Campaign) -> None:
    """Phoenix Hill community's National Day gala."""
    _add_event(
        "凤凰山社区庆祝中华人民共和国成立75周年联欢晚会",
        EventKind.GALA,
        _at(date(2024, 9, 28), 19),
        2,
        community="凤凰山社区",
        venue="社区文化广场",
        hosts=[
            ("street:城阳街道", H),
            ("community:凤凰山社区", H),
            ("team:凤凰山社区文艺社团", CO),
        ],
        campaign=campaign,
        status=EventStatus.COMPLETED,
        seats=400,
        party=6,
        description="打造“熟人社区 温情小镇”，营造热烈、喜庆、团圆、和谐的节日氛围。现场展示社区文明公约。",
        programme=[
            ("舞蹈《美丽中国》", "凤凰山社区文艺社团", 6),
            ("歌舞表演", "凤凰山社区文艺社团", 10),
            ("太极表演", "凤凰山社区文艺社团", 8),
            ("葫芦丝演奏", "社区居民", 5),
            ("双管巴乌演奏", "社区居民", 5),
            ("移风易俗快问快答", "社区工作人员", 15),
        ],
        shifts=[("秩序维护", 0, 2, 12, ""), ("快问快答计分", 1.5, 0.5, 3, "")],
    )


def _seed_phoenix_banquet(campaign: Campaign) -> None:
    """Phoenix Hill community's neighbourhood banquet."""
    _add_event(
        "凤凰山社区“移风易俗树新风 齐聚邻里百家宴”",
        EventKind.BANQUET,
        _at(date(2024, 9, 28), 17),
        2,
        community="凤凰山社区",
        venue="社区文化广场",
        hosts=[("community:凤凰山社区", H), ("street:城阳街道", CO)],
        campaign=campaign,
        status=EventStatus.COMPLETED,
        seats=240,
        party=6,
        description="以宴融情：居民一起坐下来吃吃饭、聊聊天，拉近邻里关系，倡树文明新风。",
        shifts=[("摆桌备餐", 0, 1, 15, ""), ("餐后清理", 1.5, 0.5, 10, "")],
    )


# title, kind, community, venue, hosts, day offset, local hour, hours, shifts, seats, status
UPCOMING = [
    (
        "仰口路社区冬季楼院大扫除",
        EventKind.CLEANUP,
        "仰口路社区",
        "社区楼院",
        [("department:市委编办", H), ("team:精编通政志愿服务队", CO)],
        2,
        9,
        2.5,
        [("清扫保洁", 0, 2.5, 25, "自备手套"), ("垃圾分类引导", 0, 2.5, 5, "")],
        None,
        EventStatus.PUBLISHED,
    ),
    (
        "天山社区“文明过冬”环境整治",
        EventKind.CLEANUP,
        "天山社区",
        "社区公共区域",
        [("department:市财政局", H)],
        3,
        9,
        2,
        [("清扫保洁", 0, 2, 20, "")],
        None,
        EventStatus.PUBLISHED,
    ),
    (
        "泰州路社区移风易俗宣讲",
        EventKind.LECTURE,
        "泰州路社区",
        "社区党群服务中心",
        [("department:市文化和旅游局", H), ("team:文明婚嫁志愿服务队", CO)],
        4,
        14.5,
        1.5,
        [("签到引导", 0, 1.5, 4, "")],
        80,
        EventStatus.PUBLISHED,
    ),
    (
        "华泰社区文明实践有奖竞猜",
        EventKind.QUIZ,
        "华泰社区",
        "社区活动室",
        [("department:市市场监管局", H)],
        5,
        15,
        1.5,
        [("计分发奖", 0, 1.5, 4, "")],
        60,
        EventStatus.PUBLISHED,
    ),
    (
        "玉堂社区楼道清理行动",
        EventKind.CLEANUP,
        "玉堂社区",
        "社区楼道",
        [("department:市民营经济局", H)],
        6,
        9,
        2,
        [("楼道清理", 0, 2, 20, "")],
        None,
        EventStatus.PUBLISHED,
    ),
    (
        "凤凰山社区冬至百家宴",
        EventKind.BANQUET,
        "凤凰山社区",
        "社区文化广场",
        [("community:凤凰山社区", H), ("street:城阳街道", CO)],
        8,
        11,
        2.5,
        [("摆桌备餐", 0, 1, 15, ""), ("餐后清理", 2, 0.5, 10, "")],
        240,
        EventStatus.PUBLISHED,
    ),
    (
        "株洲路社区小戏小剧进社区",
        EventKind.SHOW,
        "株洲路社区",
        "社区剧场",
        [("department:市委宣传部", H), ("team:文明新风志愿服务队", CO)],
        9,
        14.5,
        2,
        [("观众引导", 0, 2, 8, "")],
        200,
        EventStatus.PUBLISHED,
    ),
    (
        "威海路社区助老志愿服务",
        EventKind.SERVICE,
        "威海路社区",
        "社区养老服务站",
        [("department:市文明办", H)],
        10,
        9.5,
        3,
        [("陪伴助餐", 0, 3, 10, "有耐心")],
        None,
        EventStatus.PUBLISHED,
    ),
    (
        "仰口路社区家庭教育宣讲",
        EventKind.LECTURE,
        "仰口路社区",
        "社区党群服务中心",
        [("department:市委编办", H)],
        11,
        19,
        1.5,
        [("签到引导", 0, 1.5, 3, "")],
        60,
        EventStatus.PUBLISHED,
    ),
    (
        "天山社区垃圾分类宣传",
        EventKind.SERVICE,
        "天山社区",
        "社区广场",
        [("department:市财政局", H)],
        12,
        9,
        2,
        [("宣传讲解", 0, 2, 8, "")],
        None,
        EventStatus.PUBLISHED,
    ),
    (
        "凤凰山社区迎新年联欢晚会",
        EventKind.GALA,
        "凤凰山社区",
        "社区文化广场",
        [("community:凤凰山社区", H), ("team:凤凰山社区文艺社团", CO)],
        13,
        19,
        2,
        [("秩序维护", 0, 2, 12, ""), ("后台协助", 0, 2, 4, "")],
        400,
        EventStatus.PUBLISHED,
    ),
    (
        "华泰社区沿街环境清理",
        EventKind.CLEANUP,
        "华泰社区",
        "沿街商铺",
        [("department:市市场监管局", H)],
        14,
        9,
        2,
        [("清扫保洁", 0, 2, 15, "")],
        None,
        EventStatus.PUBLISHED,
    ),
    (
        "泰州路社区文明婚嫁宣讲",
        EventKind.LECTURE,
        "泰州路社区",
        "社区党群服务中心",
        [("team:文明婚嫁志愿服务队", H), ("department:市文化和旅游局", CO)],
        15,
        14.5,
        1.5,
        [("签到引导", 0, 1.5, 3, "")],
        80,
        EventStatus.PUBLISHED,
    ),
    (
        "玉堂社区快问快答：移风易俗知多少",
        EventKind.QUIZ,
        "玉堂社区",
        "社区活动室",
        [("department:市民营经济局", H)],
        16,
        15,
        1,
        [("计分发奖", 0, 1, 3, "")],
        50,
        EventStatus.PUBLISHED,
    ),
    (
        "株洲路社区邻里百家宴",
        EventKind.BANQUET,
        "株洲路社区",
        "社区广场",
        [("department:市委宣传部", H)],
        18,
        11,
        2,
        [("摆桌备餐", 0, 1, 12, "")],
        180,
        EventStatus.PUBLISHED,
    ),
    (
        "威海路社区楼院清洁日",
        EventKind.CLEANUP,
        "威海路社区",
        "社区楼院",
        [("department:市文明办", H)],
        19,
        9,
        2,
        [("清扫保洁", 0, 2, 20, "")],
        None,
        EventStatus.PUBLISHED,
    ),
    (
        "仰口路社区新春文艺汇演",
        EventKind.GALA,
        "仰口路社区",
        "社区广场",
        [("department:市委编办", H)],
        22,
        19,
        2,
        [("秩序维护", 0, 2, 10, "")],
        300,
        EventStatus.PUBLISHED,
    ),
    (
        "天山社区文明实践宣讲",
        EventKind.LECTURE,
        "天山社区",
        "社区党群服务中心",
        [("department:市财政局", H)],
        24,
        14.5,
        1.5,
        [("签到引导", 0, 1.5, 3, "")],
        60,
        EventStatus.DRAFT,
    ),
    (
        "凤凰山社区冬季大扫除",
        EventKind.CLEANUP,
        "凤凰山社区",
        "社区楼院",
        [("community:凤凰山社区", H)],
        25,
        9,
        2,
        [("清扫保洁", 0, 2, 30, "")],
        None,
        EventStatus.DRAFT,
    ),
    (
        "株洲路社区有奖竞猜",
        EventKind.QUIZ,
        "株洲路社区",
        "社区活动室",
        [("team:文明引导志愿服务队", H)],
        26,
        15,
        1,
        [("计分发奖", 0, 1, 3, "")],
        60,
        EventStatus.PUBLISHED,
    ),
]

GUIDANCE_SERIES = "文明引导志愿服务·周六站岗"


def seed_upcoming(campaigns: dict[str, Campaign]) -> None:
    """20+ events over the next four weeks, and a weekly series, relative to today."""
    today = local_now().date()
    winter = campaigns[WINTER]
    for (
        title,
        kind,
        community,
        venue,
        hosts,
        offset,
        hour,
        hours,
        shifts,
        seats,
        status,
    ) in UPCOMING:
        _add_event(
            title,
            kind,
            _at(today + timedelta(days=offset), hour),
            hours,
            community=community,
            venue=venue,
            hosts=hosts,
            campaign=winter,
            status=status,
            shifts=shifts,
            seats=seats,
            party=6 if kind is EventKind.BANQUET else 4,
            description=f"{winter.name}：{title}。欢迎社区居民和志愿者参加。",
        )
    first_saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    if (
        db.session.scalar(db.select(Event.id).where(Event.title.like(f"{GUIDANCE_SERIES}%")))
        is None
    ):
        rule = EventSeries(
            id=str(uuid.uuid4()),
            frequency="weekly",
            starts_at=_at(first_saturday, 9),
            until=first_saturday + timedelta(days=21),
        )
        db.session.add(rule)
        db.session.flush()  # before the occurrences that name it
        for week in range(4):
            _add_event(
                f"{GUIDANCE_SERIES}（第{week + 1}期）",
                EventKind.SERVICE,
                _at(first_saturday + timedelta(days=7 * week), 9),
                3,
                community="威海路社区",
                venue="台东步行街",
                hosts=[("team:文明引导志愿服务队", H), ("street:台东街道", CO)],
                campaign=winter,
                shifts=[("文明引导", 0, 3, 12, "佩戴志愿者标识")],
                series_id=rule.id,
                series_position=week,
                description="在步行街引导文明出行、宣传社区文明公约。",
            )


def seed_events() -> None:
    campaigns = _campaigns()
    seed_history(campaigns)
    seed_upcoming(campaigns)
    db.session.flush()
