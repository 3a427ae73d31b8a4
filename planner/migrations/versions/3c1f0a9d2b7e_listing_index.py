"""listing index: events in start order with end and status, for the public listing and its count

Revision ID: 3c1f0a9d2b7e
Revises: 6df2959a118a
Create Date: 2026-11-26 13:20:00

"""
from alembic import op


revision = '3c1f0a9d2b7e'
down_revision = '6df2959a118a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_starts_at_ends_at_status', ['starts_at', 'ends_at', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_starts_at_ends_at_status')
