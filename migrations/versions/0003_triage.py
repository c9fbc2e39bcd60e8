"""triage: priority, deadline, assignment, duplicates, e-mail notification state

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:40:00

Existing signals get their deadline from their arrival (DEADLINE_WORKING_DAYS) and count
as notified: upgrading must not send an e-mail for every old signal.
"""
import sqlalchemy as sa
from alembic import op

from wijkveiligheid.models import default_deadline, now

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signalen') as batch:
        batch.add_column(sa.Column('prioriteit', sa.String(length=10), nullable=False,
                                   server_default='normaal'))
        batch.add_column(sa.Column('deadline', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('toegewezen_aan', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('duplicaat_van', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('melding_verstuurd_op', sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('melding_pogingen', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.create_foreign_key('fk_signalen_duplicaat_van', 'signalen', ['duplicaat_van'],
                                 ['id'], ondelete='SET NULL')
        batch.create_index('ix_signalen_deadline', ['deadline'])
        batch.create_index('ix_signalen_toegewezen_aan', ['toegewezen_aan'])

    signalen = sa.table('signalen', sa.column('id', sa.Integer),
                        sa.column('aangemaakt_op', sa.DateTime(timezone=True)),
                        sa.column('deadline', sa.DateTime(timezone=True)),
                        sa.column('melding_verstuurd_op', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    moment = now()
    for signal_id, created in connection.execute(
            sa.select(signalen.c.id, signalen.c.aangemaakt_op)).all():
        connection.execute(signalen.update().where(signalen.c.id == signal_id).values(
            deadline=default_deadline(created), melding_verstuurd_op=moment))


def downgrade() -> None:
    with op.batch_alter_table('signalen') as batch:
        batch.drop_index('ix_signalen_toegewezen_aan')
        batch.drop_index('ix_signalen_deadline')
        batch.drop_constraint('fk_signalen_duplicaat_van', type_='foreignkey')
        batch.drop_column('melding_pogingen')
        batch.drop_column('melding_verstuurd_op')
        batch.drop_column('duplicaat_van')
        batch.drop_column('toegewezen_aan')
        batch.drop_column('deadline')
        batch.drop_column('prioriteit')
