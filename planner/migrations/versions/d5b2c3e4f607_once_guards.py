"""once guards: one pending hours correction a sign-up, one pending certificate request a range

Rows that concurrent requests already doubled are closed first (the earliest stays pending), so
the unique indexes can be built.

Revision ID: d5b2c3e4f607
Revises: c4a1b2d3e5f6
Create Date: 2026-11-30 06:20:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'd5b2c3e4f607'
down_revision = 'c4a1b2d3e5f6'
branch_labels = None
depends_on = None

KINDS = ('department', 'street', 'community')


def upgrade():
    op.execute(
        "UPDATE hours_correction SET status = 'rejected', decision_note = 'duplicate request' "
        "WHERE status = 'pending' AND EXISTS (SELECT 1 FROM hours_correction AS earlier "
        "WHERE earlier.signup_id = hours_correction.signup_id AND earlier.status = 'pending' "
        "AND earlier.id < hours_correction.id)"
    )
    op.execute(
        "UPDATE certificate SET status = 'rejected' "
        "WHERE status = 'requested' AND EXISTS (SELECT 1 FROM certificate AS earlier "
        "WHERE earlier.volunteer_id = certificate.volunteer_id AND earlier.status = 'requested' "
        "AND COALESCE(earlier.department_id, 0) = COALESCE(certificate.department_id, 0) "
        "AND COALESCE(earlier.street_id, 0) = COALESCE(certificate.street_id, 0) "
        "AND COALESCE(earlier.community_id, 0) = COALESCE(certificate.community_id, 0) "
        "AND earlier.starts_on = certificate.starts_on AND earlier.ends_on = certificate.ends_on "
        "AND earlier.id < certificate.id)"
    )
    pending = sa.text("status = 'pending'")
    op.create_index(
        'uq_hours_correction_pending_signup', 'hours_correction', ['signup_id'], unique=True,
        sqlite_where=pending, postgresql_where=pending,
    )
    requested = sa.text("status = 'requested'")
    for kind in KINDS:
        op.create_index(
            f'uq_certificate_requested_{kind}', 'certificate',
            ['volunteer_id', f'{kind}_id', 'starts_on', 'ends_on'], unique=True,
            sqlite_where=requested, postgresql_where=requested,
        )


def downgrade():
    for kind in KINDS:
        op.drop_index(f'uq_certificate_requested_{kind}', table_name='certificate')
    op.drop_index('uq_hours_correction_pending_signup', table_name='hours_correction')
