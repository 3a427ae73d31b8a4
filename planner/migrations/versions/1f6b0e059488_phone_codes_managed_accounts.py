"""phone numbers proven by SMS codes, SMS in the outbox, and accounts managed for residents (代注册)

Revision ID: 1f6b0e059488
Revises: b7dfd4bd4368
Create Date: 2026-11-30 08:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1f6b0e059488'
down_revision = 'b7dfd4bd4368'
branch_labels = None
depends_on = None

PURPOSES = ('register', 'reset', 'change_phone', 'takeover')


def upgrade():
    op.create_table(
        'phone_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('purpose', sa.Enum(*PURPOSES, name='code_purpose', native_enum=False, length=20), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_phone_code_attempts_not_negative')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_phone_code_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_code')),
    )
    op.create_index('ix_phone_code_phone_purpose', 'phone_code', ['phone', 'purpose', 'id'])
    op.create_index(op.f('ix_phone_code_user_id'), 'phone_code', ['user_id'])
    op.create_index(op.f('ix_phone_code_created_at'), 'phone_code', ['created_at'])

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('managed_by_community_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column('contact_consent', sa.String(length=200), nullable=False, server_default='')
        )
        batch_op.create_index(batch_op.f('ix_user_managed_by_community_id'), ['managed_by_community_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_user_managed_by_community_id_community'), 'community',
            ['managed_by_community_id'], ['id'],
        )
    # Accounts from before codes count as verified: their owners registered them (and the demo's).
    user = sa.table('user', sa.column('phone', sa.String), sa.column('phone_verified_at', sa.DateTime))
    op.execute(
        user.update().where(user.c.phone.isnot(None)).values(phone_verified_at=sa.func.current_timestamp())
    )

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('sms_params', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('sms_params')
        batch_op.drop_column('phone')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_managed_by_community_id_community'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_managed_by_community_id'))
        batch_op.drop_column('contact_consent')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('managed_by_community_id')
        batch_op.drop_column('phone_verified_at')
    op.drop_index(op.f('ix_phone_code_created_at'), table_name='phone_code')
    op.drop_index(op.f('ix_phone_code_user_id'), table_name='phone_code')
    op.drop_index('ix_phone_code_phone_purpose', table_name='phone_code')
    op.drop_table('phone_code')
