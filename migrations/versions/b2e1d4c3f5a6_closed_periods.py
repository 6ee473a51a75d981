"""closed periods

Revision ID: b2e1d4c3f5a6
Revises: a1f0c3d2e4b5
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2e1d4c3f5a6'
down_revision = 'a1f0c3d2e4b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('closed_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=False),
    sa.Column('reopened_at', sa.DateTime(), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_closed_period_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['commune_id'], ['unit.id'], name=op.f('fk_closed_period_commune_id_unit')),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['user_account.id'], name=op.f('fk_closed_period_reopened_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closed_period'))
    )
    with op.batch_alter_table('closed_period', schema=None) as batch_op:
        batch_op.create_index('ix_closed_period_commune_dates', ['commune_id', 'start_date', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_closed_period_commune_id'), ['commune_id'], unique=False)


def downgrade():
    op.drop_table('closed_period')
