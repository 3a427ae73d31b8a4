"""Series rules (migration b51547e43f4a) go onto a database that already holds series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from planner import create_app
from planner.extensions import db
from tests.conftest import create_database

BEFORE = "f7d4e5a6b809"
SERIES = "b5154700-0000-4000-8000-000000000001"


def test_series_made_before_their_rule_was_kept_get_one_from_their_dates(tmp_path_factory):
    from flask_migrate import upgrade

    from planner.events.models import Event, EventKind, EventSeries, EventStatus

    url, drop = create_database(tmp_path_factory, "series_rules")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    first = datetime(2030, 10, 5, 1, 0)  # a Saturday, 09:00 in Shanghai
    starts = [first, first + timedelta(days=7, hours=1), first + timedelta(days=14)]
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                tables = sa.MetaData()
                tables.reflect(conn, only=["event"])
                event = tables.tables["event"]
                ids = []
                for n, start in enumerate([*starts, first]):
                    ids.append(
                        conn.execute(
                            event.insert().returning(event.c.id),
                            {
                                "uuid": f"b5154700-0000-4000-8000-00000000010{n}",
                                "title": "周六文明引导",
                                "kind": EventKind.SERVICE.value,
                                "status": EventStatus.PUBLISHED.value,
                                "venue": "",
                                "address": "",
                                "description": "",
                                "cancel_reason": "",
                                "max_party_size": 4,
                                "cancellation_cutoff_minutes": 0,
                                "starts_at": start,
                                "ends_at": start + timedelta(hours=2),
                                "seats_confirmed": 0,
                                "revision": 1,
                                "series_id": SERIES if n < 3 else None,
                                "created_at": first,
                                "updated_at": first + timedelta(minutes=n),
                            },
                        ).scalar_one()
                    )

            upgrade()

            rule = db.session.get(EventSeries, SERIES)
            assert (rule.frequency, rule.until) == ("weekly", date(2030, 10, 19))
            assert rule.starts_at == first.replace(tzinfo=UTC)
            events = [db.session.get(Event, event_id) for event_id in ids]
            assert [e.series_position for e in events] == [0, 1, 2, None]
            assert all(e.modified_at == e.updated_at for e in events)
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
