"""quiz description in English: shown on English pages when there is one

Revision ID: 1f9339f5e74d
Revises: 1f6b0e059488
Create Date: 2026-11-30 08:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1f9339f5e74d'
down_revision = '1f6b0e059488'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_en', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_column('description_en')
