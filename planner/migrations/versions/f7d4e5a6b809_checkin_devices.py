"""check-in devices: how each check-in and check-out was recorded, and from which device

Revision ID: f7d4e5a6b809
Revises: e6c3d4f5a708
Create Date: 2026-11-30 07:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'f7d4e5a6b809'
down_revision = 'e6c3d4f5a708'
branch_labels = None
depends_on = None

SCANS = ('checkin', 'checkout')


def upgrade():
    with op.batch_alter_table('signup', schema=None) as batch_op:
        for scan in SCANS:
            batch_op.add_column(sa.Column(
                f'{scan}_method',
                sa.Enum('code', 'hand', name=f'{scan}_method', native_enum=False, length=20),
                nullable=True,
            ))
            batch_op.add_column(sa.Column(f'{scan}_device', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column(f'{scan}_address', sa.String(length=45), nullable=True))


def downgrade():
    with op.batch_alter_table('signup', schema=None) as batch_op:
        for scan in reversed(SCANS):
            batch_op.drop_column(f'{scan}_address')
            batch_op.drop_column(f'{scan}_device')
            batch_op.drop_column(f'{scan}_method')
