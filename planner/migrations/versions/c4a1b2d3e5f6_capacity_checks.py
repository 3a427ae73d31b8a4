"""capacity checks: never more places confirmed than a shift has, nor seats booked than an event has

Revision ID: c4a1b2d3e5f6
Revises: 3c1f0a9d2b7e
Create Date: 2026-11-30 06:30:00

"""
from alembic import op


revision = 'c4a1b2d3e5f6'
down_revision = '3c1f0a9d2b7e'
branch_labels = None
depends_on = None


def upgrade():
    # Seats could be edited below those booked before this rule: give such rows the places they
    # already hand out (nobody loses a place), so the checks can be added.
    op.execute('UPDATE shift SET capacity = confirmed_count WHERE confirmed_count > capacity')
    op.execute(
        'UPDATE event SET seats_capacity = seats_confirmed'
        ' WHERE seats_confirmed > COALESCE(seats_capacity, 0)'
    )
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_shift_confirmed_within_capacity'), 'confirmed_count <= capacity'
        )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_event_seats_confirmed_within_capacity'),
            'seats_confirmed <= COALESCE(seats_capacity, 0)',
        )


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_seats_confirmed_within_capacity'), type_='check')
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_shift_confirmed_within_capacity'), type_='check')
