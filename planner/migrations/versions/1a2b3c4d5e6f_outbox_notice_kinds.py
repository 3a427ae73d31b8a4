"""outbox: a notice may be queued as its kind and arguments, and written by the sender

Revision ID: 1a2b3c4d5e6f
Revises: 0eb00d06e46f
Create Date: 2026-11-30 14:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1a2b3c4d5e6f'
down_revision = '0eb00d06e46f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('params', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('kind')
