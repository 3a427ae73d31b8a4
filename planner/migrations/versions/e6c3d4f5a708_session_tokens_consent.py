"""session tokens (sessions that log-out and a password change end) and the consent version

Revision ID: e6c3d4f5a708
Revises: d5b2c3e4f607
Create Date: 2026-11-30 06:40:00

"""
import secrets

import sqlalchemy as sa
from alembic import op


revision = 'e6c3d4f5a708'
down_revision = 'd5b2c3e4f607'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    # Every existing account gets a token of its own: sessions from before (which carry the id)
    # end, and everyone logs in once more.
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(user.c.id)).scalars().all()
    for user_id in ids:
        connection.execute(
            user.update().where(user.c.id == user_id).values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_user_session_token'), ['session_token'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_session_token'), type_='unique')
        batch_op.drop_column('session_token')
        batch_op.drop_column('consent_version')
