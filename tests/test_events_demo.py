"""The demo data: the seed page's events as history, and a living calendar."""

from __future__ import annotations

from planner import demo
from planner.events.models import Campaign, Event, EventStatus, ProgrammeItem
from planner.extensions import db
from planner.timeutil import utcnow


def test_the_demo_has_the_seed_pages_events_as_completed_history(seeded, client):
    history = db.session.scalars(db.select(Event).where(Event.starts_at < utcnow())).all()
    assert all(e.status is EventStatus.COMPLETED for e in history)
    titles = " ".join(e.title for e in history)
    for name in (
        "市海洋发展局",
        "市行政审批局",
        "小戏小剧展演",
        "百家宴",
        "联欢晚会",
        "仰口路社区",
    ):
        assert name in titles
    programme = db.session.scalars(db.select(ProgrammeItem.title)).all()
    for item in ("舞蹈《美丽中国》", "太极表演", "葫芦丝演奏", "双管巴乌演奏", "移风易俗快问快答"):
        assert item in programme
    assert any("王永华" in p.performer_text for p in db.session.scalars(db.select(ProgrammeItem)))


def test_the_demo_has_campaigns_and_twenty_upcoming_events_with_shifts(seeded, client):
    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 3
    upcoming = db.session.scalars(db.select(Event).where(Event.starts_at > utcnow())).all()
    assert len(upcoming) >= 20
    assert all(e.shifts for e in upcoming)
    assert any(e.seats_capacity for e in upcoming)
    assert any(e.series_id for e in upcoming)
    response = client.get("/events")
    assert response.status_code == 200 and "仰口路社区冬季楼院大扫除" in response.get_data(
        as_text=True
    )


def test_seeding_twice_adds_nothing(seeded):
    before = db.session.scalar(db.select(db.func.count(Event.id)))
    demo.seed_all()
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Event.id))) == before
