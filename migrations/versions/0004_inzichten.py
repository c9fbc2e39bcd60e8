"""question counts for the wijkakkoord insights (counts only, kept apart from retention)

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01 21:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'vraag_tellingen',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('week', sa.String(length=8), nullable=False),
        sa.Column('gebied', sa.String(length=80), nullable=False),
        sa.Column('onderwerp', sa.String(length=40), nullable=False),
        sa.Column('vraagsoort', sa.String(length=20), nullable=False),
        sa.Column('aantal', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('week', 'gebied', 'onderwerp', 'vraagsoort',
                            name='uq_vraag_tellingen_sleutel'),
    )
    op.create_index(op.f('ix_vraag_tellingen_week'), 'vraag_tellingen', ['week'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_vraag_tellingen_week'), table_name='vraag_tellingen')
    op.drop_table('vraag_tellingen')
