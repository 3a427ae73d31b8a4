"""A hand-counted September 2024 at 凤凰山社区, for the statistics, ledger and desk tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from planner.extensions import db


def local(year, month, day, hour=9, minute=0):
    """A wall-clock time in Asia/Shanghai, as an aware UTC datetime."""
    from planner.timeutil import from_local

    return from_local(datetime(year, month, day, hour, minute))


@dataclass
class September:
    community: object
    team: object
    organiser: object
    events: dict
    volunteers: list


@pytest.fixture
def september(app, make_community, make_event, make_team, make_user, grant, make_quiz):
    """凤凰山社区 in September 2024 (counts in the comments are the answers the tests expect):

    - held: 2 cleanup drives (one at 00:30 on 1 September, local) and 1 show with 30 seats taken;
      a cancelled lecture, a draft and an August cleanup (23:30 on 31 August) do not count;
      another community's cleanup counts only for the city;
    - sign-ups: 6 (5 took a place of 6, 1 no-show, 1 late cancellation);
    - service records: 2 volunteers, 270 minutes (4.5 h), 210 of them with 凤凰山文艺队;
    - quiz: 3 finished attempts (80, 50, 100 per cent; 2 passed), 1 unfinished.
    """
    from planner.events.models import EventKind, EventStatus
    from planner.quizzes.models import Attempt
    from planner.signups.models import ServiceRecord, Signup, SignupStatus

    community = make_community("凤凰山社区")
    team = make_team("凤凰山文艺队", community=community)
    organiser = make_user("凤凰山组织者")
    grant(organiser, community)
    done = EventStatus.COMPLETED
    mk = make_event
    events = {
        "e1": mk(
            "九月大扫除",
            starts_at=local(2024, 9, 10),
            community=community,
            hosts=(community,),
            shifts=(("清扫", 4),),
            status=done,
        ),
        "e2": mk(
            "月初清扫",
            starts_at=local(2024, 9, 1, 0, 30),
            community=community,
            hosts=(community,),
            shifts=(("清扫", 2),),
            status=done,
        ),
        "e3": mk(
            "小戏展演",
            kind=EventKind.SHOW,
            starts_at=local(2024, 9, 28, 19),
            community=community,
            hosts=(team,),
            status=done,
            seats_capacity=100,
            seats_confirmed=30,
        ),
        "e4": mk(
            "取消的宣讲",
            kind=EventKind.LECTURE,
            starts_at=local(2024, 9, 15),
            community=community,
            hosts=(community,),
            status=EventStatus.CANCELLED,
        ),
        "e5": mk(
            "草稿",
            starts_at=local(2024, 9, 16),
            community=community,
            hosts=(community,),
            status=EventStatus.DRAFT,
        ),
        "e6": mk(
            "八月清扫",
            starts_at=local(2024, 8, 31, 23, 30),
            community=community,
            hosts=(community,),
            shifts=(("清扫", 3),),
            status=done,
        ),
        "e7": mk("别处清扫", starts_at=local(2024, 9, 12), status=done),
    }
    u = [make_user(f"志愿者{i}") for i in range(1, 6)]
    e1, e2, e6 = (events[k].shifts[0] for k in ("e1", "e2", "e6"))
    S = SignupStatus
    rows = [
        Signup(
            shift=e1,
            user=u[0],
            status=S.ATTENDED,
            arrival=1,
            minutes=120,
            team=team,
            checked_in_at=local(2024, 9, 10, 9),
        ),
        Signup(shift=e1, user=u[1], status=S.ATTENDED, arrival=2, minutes=90, team=team),
        Signup(shift=e1, user=u[2], status=S.NO_SHOW, arrival=3),
        Signup(shift=e1, user=u[3], status=S.CANCELLED, arrival=4, late_cancellation=True),
        Signup(shift=e2, user=u[0], status=S.ATTENDED, arrival=1, minutes=60),
        Signup(shift=e2, user=u[4], status=S.CONFIRMED, arrival=2),
        Signup(shift=e6, user=u[1], status=S.ATTENDED, arrival=1, minutes=30),
    ]
    db.session.add_all(rows)
    db.session.flush()
    for signup, day in zip(
        (rows[0], rows[1], rows[4], rows[6]),
        (date(2024, 9, 10), date(2024, 9, 10), date(2024, 9, 1), date(2024, 8, 31)),
        strict=True,
    ):
        db.session.add(
            ServiceRecord(
                signup=signup,
                volunteer=signup.user,
                event=signup.shift.event,
                team=signup.team,
                activity=signup.shift.event.title,
                service_date=day,
                minutes=signup.minutes,
            )
        )
    quiz = make_quiz(title="凤凰山快问快答", event_id=events["e3"].id)
    for percent, passed in ((80, True), (50, False), (100, True)):
        db.session.add(
            Attempt(
                quiz=quiz,
                nickname="居民",
                finished_at=local(2024, 9, 28, 20),
                percent=percent,
                passed=passed,
            )
        )
    db.session.add(Attempt(quiz=quiz, nickname="没答完"))
    db.session.commit()
    return September(community, team, organiser, events, u)
