"""my community: the community a member picked on the home page, shown first there

Revision ID: 9e07b4191b7c
Revises: 1f9339f5e74d
Create Date: 2026-11-30 08:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '9e07b4191b7c'
down_revision = '1f9339f5e74d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('community_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_user_community_id_community'), 'community', ['community_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_community_id_community'), type_='foreignkey')
        batch_op.drop_column('community_id')
