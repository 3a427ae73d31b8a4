"""withdraw certificates that listed service dated after they were issued

Before hours waited for service to be over, a certificate could be issued with records dated
later than its issue date. Such a certificate vouches for service that had not happened: it is
marked withdrawn, and /verify says so instead of calling it genuine.

Revision ID: 8384be0b7680
Revises: f7d4e5a6b809
Create Date: 2026-11-30 09:00:00

"""
import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op


revision = '8384be0b7680'
down_revision = 'f7d4e5a6b809'
branch_labels = None
depends_on = None

LOCAL = ZoneInfo("Asia/Shanghai")


def _issue_date(value) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL).date()


def _lists_later_service(records, issued_on: date) -> bool:
    if isinstance(records, str):
        records = json.loads(records or "[]")
    return any(date.fromisoformat(r["date"]) > issued_on for r in records or [])


def upgrade():
    conn = op.get_bind()
    certificate = sa.Table(
        'certificate', sa.MetaData(),
        sa.Column('id', sa.Integer), sa.Column('status', sa.String(20)),
        sa.Column('issued_at', sa.DateTime), sa.Column('records', sa.Text),
    )
    rows = conn.execute(
        sa.select(certificate.c.id, certificate.c.issued_at, certificate.c.records).where(
            certificate.c.status == 'issued', certificate.c.issued_at.is_not(None)
        )
    ).all()
    late = [r.id for r in rows if _lists_later_service(r.records, _issue_date(r.issued_at))]
    if late:
        conn.execute(
            certificate.update().where(certificate.c.id.in_(late)).values(status='withdrawn')
        )


def downgrade():
    pass  # a withdrawn certificate is not made genuine again
