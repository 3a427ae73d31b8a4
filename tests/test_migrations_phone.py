"""The SMS-code migration (1f6b0e059488) counts every account from before as verified, and
managed accounts it never made as not."""

from __future__ import annotations

import sqlalchemy as sa

from planner import create_app
from planner.extensions import db
from tests.conftest import create_database

BEFORE = "f7d4e5a6b809"


def test_accounts_from_before_codes_count_as_verified(tmp_path_factory):
    from flask_migrate import upgrade

    from planner.accounts.models import User
    from planner.timeutil import utcnow

    url, drop = create_database(tmp_path_factory, "phone_codes")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            now = utcnow().replace(tzinfo=None)
            with db.engine.begin() as conn:
                tables = sa.MetaData()
                tables.reflect(conn, only=["user"])
                user = tables.tables["user"]
                for phone, name in (("+8613912345678", "张晓明"), (None, "已注销")):
                    conn.execute(
                        user.insert(),
                        {
                            "phone": phone,
                            "real_name": name,
                            "nickname": "",
                            "password_hash": "",
                            "active": True,
                            "is_admin": False,
                            "created_at": now,
                            "session_token": name,
                        },
                    )
            upgrade()
            rows = dict(db.session.execute(db.select(User.real_name, User.phone_verified_at)).all())
            assert rows["张晓明"] is not None and rows["已注销"] is None
            assert db.session.scalar(db.select(User.contact_consent).limit(1)) == ""
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()
