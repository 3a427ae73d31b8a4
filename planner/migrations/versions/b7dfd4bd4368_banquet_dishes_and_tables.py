"""banquet dishes and tables: the menu plan, dish categories, claims, tables and their guests

Revision ID: b7dfd4bd4368
Revises: dfeb4cf45a80
Create Date: 2026-11-30 08:16:34.275013

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7dfd4bd4368'
down_revision = 'dfeb4cf45a80'
branch_labels = None
depends_on = None


def upgrade():
    # Menu plans, dish categories (claimed <= wanted held by a CHECK), claims (one a household), tables.
    op.create_table('banquet_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.CheckConstraint('number BETWEEN 1 AND 999', name=op.f('ck_banquet_table_number_in_range')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_banquet_table_event_id_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_banquet_table')),
    sa.UniqueConstraint('event_id', 'number', name=op.f('uq_banquet_table_event_id_number'))
    )
    with op.batch_alter_table('banquet_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_banquet_table_event_id'), ['event_id'], unique=False)

    op.create_table('menu_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('seats_per_table', sa.Integer(), nullable=False),
    sa.Column('tables_planned', sa.Integer(), nullable=False),
    sa.Column('extra_plates', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('leftover_plates', sa.Integer(), nullable=True),
    sa.Column('leftovers_note', sa.String(length=300), nullable=False),
    sa.Column('leftovers_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('extra_plates BETWEEN 0 AND 10', name=op.f('ck_menu_plan_extra_plates_in_range')),
    sa.CheckConstraint('leftover_plates IS NULL OR leftover_plates >= 0', name=op.f('ck_menu_plan_leftover_plates_not_negative')),
    sa.CheckConstraint('seats_per_table BETWEEN 2 AND 30', name=op.f('ck_menu_plan_seats_per_table_in_range')),
    sa.CheckConstraint('tables_planned BETWEEN 0 AND 500', name=op.f('ck_menu_plan_tables_planned_in_range')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_menu_plan_event_id_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_menu_plan')),
    sa.UniqueConstraint('event_id', name=op.f('uq_menu_plan_event_id'))
    )
    op.create_table('dish_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=20), nullable=False),
    sa.Column('name_en', sa.String(length=40), nullable=False),
    sa.Column('wanted', sa.Integer(), nullable=False),
    sa.Column('claimed', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('claimed BETWEEN 0 AND wanted', name=op.f('ck_dish_category_claimed_within_wanted')),
    sa.CheckConstraint('wanted BETWEEN 0 AND 500', name=op.f('ck_dish_category_wanted_in_range')),
    sa.ForeignKeyConstraint(['plan_id'], ['menu_plan.id'], name=op.f('fk_dish_category_plan_id_menu_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dish_category')),
    sa.UniqueConstraint('plan_id', 'name_zh', name=op.f('uq_dish_category_plan_id_name_zh'))
    )
    with op.batch_alter_table('dish_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dish_category_plan_id'), ['plan_id'], unique=False)

    op.create_table('table_guest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['seat_booking.id'], name=op.f('fk_table_guest_booking_id_seat_booking')),
    sa.ForeignKeyConstraint(['table_id'], ['banquet_table.id'], name=op.f('fk_table_guest_table_id_banquet_table')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_table_guest')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_table_guest_booking_id'))
    )
    with op.batch_alter_table('table_guest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_table_guest_table_id'), ['table_id'], unique=False)

    op.create_table('dish_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('plates', sa.Integer(), nullable=False),
    sa.Column('tags', sa.String(length=80), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('plates BETWEEN 1 AND 5', name=op.f('ck_dish_claim_plates_in_range')),
    sa.ForeignKeyConstraint(['category_id'], ['dish_category.id'], name=op.f('fk_dish_claim_category_id_dish_category')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_dish_claim_event_id_event')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_dish_claim_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dish_claim')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_dish_claim_event_id_user_id'))
    )
    with op.batch_alter_table('dish_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dish_claim_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dish_claim_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dish_claim_user_id'), ['user_id'], unique=False)




def downgrade():
    # Menu plans, dish categories (claimed <= wanted held by a CHECK), claims (one a household), tables.
    with op.batch_alter_table('dish_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dish_claim_user_id'))
        batch_op.drop_index(batch_op.f('ix_dish_claim_event_id'))
        batch_op.drop_index(batch_op.f('ix_dish_claim_category_id'))

    op.drop_table('dish_claim')
    with op.batch_alter_table('table_guest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_table_guest_table_id'))

    op.drop_table('table_guest')
    with op.batch_alter_table('dish_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dish_category_plan_id'))

    op.drop_table('dish_category')
    op.drop_table('menu_plan')
    with op.batch_alter_table('banquet_table', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_banquet_table_event_id'))

    op.drop_table('banquet_table')

