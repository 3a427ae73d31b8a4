"""question options: Moodle's per-option grade (weight, in percent) and feedback

Revision ID: 0eb00d06e46f
Revises: 9e07b4191b7c
Create Date: 2026-11-30 08:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0eb00d06e46f'
down_revision = '9e07b4191b7c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weight', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('feedback', sa.Text(), nullable=False, server_default=''))
        batch_op.create_check_constraint(
            'weight_in_range', 'weight IS NULL OR weight BETWEEN -100 AND 100'
        )


def downgrade():
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.drop_constraint('weight_in_range', type_='check')
        batch_op.drop_column('feedback')
        batch_op.drop_column('weight')
