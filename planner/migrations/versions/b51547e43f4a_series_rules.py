"""series rules: the rule a series was made by, each occurrence's place in it, and when anything a
calendar shows of an event last changed

Revision ID: b51547e43f4a
Revises: 8384be0b7680
Create Date: 2026-11-30 08:40:00

"""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op


revision = 'b51547e43f4a'
down_revision = '8384be0b7680'
branch_labels = None
depends_on = None

ZONE = ZoneInfo('Asia/Shanghai')


def _aware(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _frequency(starts):
    """The rule of a series made before rules were kept, from its first two starts."""
    if len(starts) < 2:
        return 'weekly'
    days = round((starts[1] - starts[0]) / timedelta(days=1))
    if days >= 28:
        return 'monthly'
    return 'fortnightly' if days == 14 else 'weekly'


def upgrade():
    op.create_table(
        'event_series',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('frequency', sa.String(length=20), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('until', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('weekly', 'fortnightly', 'monthly')",
            name=op.f('ck_event_series_frequency_known'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_series')),
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_position', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('modified_at', sa.DateTime(timezone=True), nullable=True))
    # Any edit so far may have been one a calendar shows.
    op.execute('UPDATE event SET modified_at = updated_at')

    # Series made before their rule was kept: the rule from their dates, the places in start
    # order. Feeds stay right whatever is inferred: an occurrence unlike its rule is published
    # as an override of its own.
    connection = op.get_bind()
    event = sa.table(
        'event',
        sa.column('id', sa.Integer),
        sa.column('series_id', sa.String),
        sa.column('series_position', sa.Integer),
        sa.column('starts_at', sa.DateTime(timezone=True)),
    )
    rules = sa.table(
        'event_series',
        sa.column('id', sa.String),
        sa.column('frequency', sa.String),
        sa.column('starts_at', sa.DateTime(timezone=True)),
        sa.column('until', sa.Date),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    rows = connection.execute(
        sa.select(event.c.id, event.c.series_id, event.c.starts_at)
        .where(event.c.series_id.isnot(None))
        .order_by(event.c.series_id, event.c.starts_at, event.c.id)
    ).all()
    by_series = {}
    for row in rows:
        by_series.setdefault(row.series_id, []).append((row.id, _aware(row.starts_at)))
    sqlite = connection.dialect.name == 'sqlite'
    for series_id, occurrences in by_series.items():
        starts = [start for _id, start in occurrences]
        first = starts[0]
        connection.execute(
            rules.insert().values(
                id=series_id,
                frequency=_frequency(starts),
                starts_at=first.replace(tzinfo=None) if sqlite else first,
                until=starts[-1].astimezone(ZONE).date(),
                created_at=datetime.now(UTC).replace(tzinfo=None) if sqlite else datetime.now(UTC),
            )
        )
        for position, (event_id, _start) in enumerate(occurrences):
            connection.execute(
                event.update().where(event.c.id == event_id).values(series_position=position)
            )

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f('fk_event_series_id_event_series'), 'event_series', ['series_id'], ['id']
        )
        batch_op.create_unique_constraint(
            op.f('uq_event_series_id_series_position'), ['series_id', 'series_position']
        )
        batch_op.create_check_constraint(
            op.f('ck_event_series_position_with_series'),
            '(series_id IS NULL) = (series_position IS NULL)',
        )
        batch_op.create_check_constraint(
            op.f('ck_event_series_position_not_negative'), 'series_position >= 0'
        )


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_series_position_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_event_series_position_with_series'), type_='check')
        batch_op.drop_constraint(op.f('uq_event_series_id_series_position'), type_='unique')
        batch_op.drop_constraint(op.f('fk_event_series_id_event_series'), type_='foreignkey')
        batch_op.drop_column('modified_at')
        batch_op.drop_column('series_position')
    op.drop_table('event_series')
