"""Migration 8384be0b7680 withdraws certificates that listed service dated after their issue."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from planner import create_app
from planner.extensions import db
from tests.conftest import create_database

BEFORE = "f7d4e5a6b809"


def _certificate(conn, t, volunteer_id, community_id, number, issued_at, dates):
    records = [
        {"date": d, "activity": "清扫", "content": "", "place": "", "minutes": 60} for d in dates
    ]
    return conn.execute(
        t["certificate"].insert().returning(t["certificate"].c.id),
        {
            "number": number,
            "volunteer_id": volunteer_id,
            "community_id": community_id,
            "starts_on": date.fromisoformat(dates[0]),
            "ends_on": date.fromisoformat(dates[-1]),
            "status": "issued",
            "total_minutes": 60 * len(dates),
            "requested_at": issued_at,
            "issued_at": issued_at,
            "volunteer_name": "志愿者",
            "records": records,
        },
    ).scalar_one()


def test_certificates_listing_later_service_are_withdrawn_and_verify_says_so(tmp_path_factory):
    from flask_migrate import upgrade

    from planner.signups.models import Certificate, CertificateStatus

    url, drop = create_database(tmp_path_factory, "withdrawn_certificates")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            # 1 Oct 2024 01:00 UTC is 09:00 on 1 Oct in Shanghai: a record of 1 Oct is in time,
            # one of 2 Oct was not yet served.
            issued = datetime(2024, 10, 1, 1, 0)
            with db.engine.begin() as conn:
                tables = sa.MetaData()
                tables.reflect(
                    conn, only=["user", "district", "street", "community", "certificate"]
                )
                t = tables.tables
                user_id = conn.execute(
                    t["user"].insert().returning(t["user"].c.id),
                    {
                        "phone": "+8613700000999",
                        "real_name": "志愿者",
                        "nickname": "",
                        "password_hash": "",
                        "active": True,
                        "is_admin": False,
                        "session_token": "withdrawn-certificates-test",
                        "created_at": issued,
                    },
                ).scalar_one()
                district = conn.execute(
                    t["district"].insert().returning(t["district"].c.id),
                    {"name": "市南区", "created_at": issued},
                ).scalar_one()
                street = conn.execute(
                    t["street"].insert().returning(t["street"].c.id),
                    {"name": "八大峡街道", "district_id": district, "created_at": issued},
                ).scalar_one()
                community = conn.execute(
                    t["community"].insert().returning(t["community"].c.id),
                    {
                        "name": "凤凰山社区",
                        "street_id": street,
                        "address": "",
                        "created_at": issued,
                    },
                ).scalar_one()
                good = _certificate(
                    conn, t, user_id, community, "XF2024GOOD", issued, ["2024-09-28", "2024-10-01"]
                )
                late = _certificate(
                    conn, t, user_id, community, "XF2024LATE", issued, ["2024-09-28", "2024-10-02"]
                )

            upgrade()

            assert db.session.get(Certificate, good).status is CertificateStatus.ISSUED
            assert db.session.get(Certificate, late).status is CertificateStatus.WITHDRAWN
            client = app.test_client()
            english = {"Accept-Language": "en"}
            page = client.get("/verify/XF2024LATE", headers=english).get_data(as_text=True)
            assert "withdrawn" in page and "genuine" not in page
            page = client.get("/verify/XF2024GOOD", headers=english).get_data(as_text=True)
            assert "genuine" in page and "withdrawn" not in page
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
