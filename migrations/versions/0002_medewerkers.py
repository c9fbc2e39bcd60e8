"""staff page: accounts, sessions, failed logins, status notes, audit log, settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 23:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'medewerkers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gebruikersnaam', sa.String(length=80), nullable=False),
        sa.Column('wachtwoord_hash', sa.String(length=255), nullable=False),
        sa.Column('rol', sa.String(length=20), nullable=False),
        sa.Column('actief', sa.Boolean(), nullable=False),
        sa.Column('aangemaakt_op', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('gebruikersnaam'),
    )
    op.create_table(
        'medewerker_sessies',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('medewerker_id', sa.Integer(), nullable=False),
        sa.Column('aangemaakt_op', sa.DateTime(timezone=True), nullable=False),
        sa.Column('laatst_gezien', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['medewerker_id'], ['medewerkers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    op.create_index('ix_medewerker_sessies_medewerker_id', 'medewerker_sessies',
                    ['medewerker_id'])
    op.create_table(
        'inlogpogingen',
        sa.Column('sleutel', sa.String(length=64), nullable=False),
        sa.Column('mislukt', sa.Integer(), nullable=False),
        sa.Column('geblokkeerd_tot', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('sleutel'),
    )
    op.create_table(
        'signaal_notities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('signaal_id', sa.Integer(), nullable=False),
        sa.Column('op', sa.DateTime(timezone=True), nullable=False),
        sa.Column('door', sa.String(length=80), nullable=False),
        sa.Column('van_status', sa.String(length=40), nullable=True),
        sa.Column('naar_status', sa.String(length=40), nullable=True),
        sa.Column('notitie', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['signaal_id'], ['signalen.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_signaal_notities_signaal_id', 'signaal_notities', ['signaal_id'])
    op.create_table(
        'auditlog',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('op', sa.DateTime(timezone=True), nullable=False),
        sa.Column('door', sa.String(length=80), nullable=False),
        sa.Column('actie', sa.String(length=40), nullable=False),
        sa.Column('signaal_referentie', sa.String(length=20), nullable=True),
        sa.Column('details', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_auditlog_op', 'auditlog', ['op'])
    op.create_index('ix_auditlog_signaal_referentie', 'auditlog', ['signaal_referentie'])
    op.create_table(
        'instellingen',
        sa.Column('sleutel', sa.String(length=80), nullable=False),
        sa.Column('waarde', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('sleutel'),
    )


def downgrade() -> None:
    op.drop_table('instellingen')
    op.drop_index('ix_auditlog_signaal_referentie', table_name='auditlog')
    op.drop_index('ix_auditlog_op', table_name='auditlog')
    op.drop_table('auditlog')
    op.drop_index('ix_signaal_notities_signaal_id', table_name='signaal_notities')
    op.drop_table('signaal_notities')
    op.drop_table('inlogpogingen')
    op.drop_index('ix_medewerker_sessies_medewerker_id', table_name='medewerker_sessies')
    op.drop_table('medewerker_sessies')
    op.drop_table('medewerkers')
